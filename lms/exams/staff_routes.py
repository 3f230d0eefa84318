"""Exams for trainers and HR: the attempts table and its exports, one attempt in full,
item analysis, the essay grading queue, regrades, and certificates (revoke, seal)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.accounts.models import Level, Role
from lms.errors import FieldErrors
from lms.exams.errors import CertificateError, ExamError
from lms.exams.models import REVIEW_TIMES, Answer, Difficulty, Exam, ExamStatus, GradingMethod
from lms.exams.services import attempts, bank, certificates, grading, papers, reports, results
from lms.exams.staff_forms import (
    AttemptFilterForm,
    ExamForm,
    HandGradeForm,
    OverrideForm,
    RevokeForm,
    SealForm,
)
from lms.extensions import db
from lms.forms import ConfirmForm
from lms.i18n import from_local, to_local
from lms.navigation import HR, TEACHING, NavEntry, register
from lms.tabular import write_csv, write_xlsx
from lms.web import download, put_errors_on_form

bp = Blueprint("exam_staff", __name__, template_folder="templates")

register(
    NavEntry(
        "exam_staff.results",
        _l("Exam results"),
        "bi-clipboard-data",
        roles=("trainer", "hr"),
        order=45,
        description=_l("Attempts, item analysis, the grading queue and regrades."),
        group=TEACHING,
    )
)
register(
    NavEntry(
        "exam_staff.exam_list",
        _l("Exam setup"),
        "bi-sliders",
        roles=("trainer",),
        order=44,
        description=_l("Exams: questions drawn, timing, attempts, who may sit them, review."),
        group=TEACHING,
    )
)
register(
    NavEntry(
        "exam_staff.certificate_list",
        _l("Certificates"),
        "bi-award",
        roles=("hr",),
        order=46,
        description=_l("Certificates issued and expiring, revocation and the seal."),
        group=HR,
    )
)

EXPORT_HEADERS = [
    "工号",
    "姓名",
    "部门",
    "考试",
    "次数",
    "开始时间",
    "交卷时间",
    "得分",
    "结果",
    "状态",
]


def _filter_form() -> AttemptFilterForm:
    form = AttemptFilterForm(request.args)
    form.exam.choices = [SelectChoice("", _("All exams"))] + [
        SelectChoice(str(exam.id), exam.title) for exam in results.all_exams()
    ]
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(str(i), path) for i, path in accounts.department_choices()
    ]
    form.result.choices = [
        SelectChoice("", _("Any result")),
        SelectChoice("passed", _("Passed")),
        SelectChoice("failed", _("Not passed")),
        SelectChoice("pending", _("Waiting for grading")),
    ]
    form.validate()
    return form


def _criteria(form: AttemptFilterForm) -> reports.AttemptFilter:
    return reports.AttemptFilter(
        exam_id=form.exam.data if not form.exam.errors else None,
        department_id=form.department.data if not form.department.errors else None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        result=form.result.data or None,
    )


@bp.route("/exam-results", endpoint="results")
@roles_required("trainer", "hr")
def results_page() -> ResponseReturnValue:
    form = _filter_form()
    rows = reports.attempt_rows(_criteria(form))
    return render_template(
        "exams/staff/results.html",
        form=form,
        rows=rows,
        pass_rate=reports.pass_rate(rows),
        exams=results.all_exams(),
        queue_size=len(grading.grading_queue()),
    )


@bp.route("/exam-results/export.<fmt>")
@roles_required("trainer", "hr")
def export(fmt: str) -> ResponseReturnValue:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = reports.attempt_rows(_criteria(_filter_form()), limit=None)
    table = reports.attempt_table(rows)
    if fmt == "csv":
        return download(write_csv(EXPORT_HEADERS, table), "考试成绩.csv", "text/csv")
    return download(
        write_xlsx(EXPORT_HEADERS, table, text_columns=[0]),
        "考试成绩.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/exam-results/attempts/<int:attempt_id>")
@roles_required("trainer", "hr")
def attempt_detail(attempt_id: int) -> ResponseReturnValue:
    attempt = attempts.attempt_for(attempt_id)
    if attempt is None:
        abort(404)
    person = accounts.get_user(attempt.user_id)
    return render_template(
        "exams/staff/attempt.html",
        review=results.full_review_of(attempt),
        person=person,
        regrades=grading.regrades_of(attempt.id),
    )


@bp.route("/exam-results/exams/<int:exam_id>/items")
@roles_required("trainer")
def items(exam_id: int) -> ResponseReturnValue:
    exam = results.get_exam(exam_id)
    if exam is None:
        abort(404)
    return render_template("exams/staff/items.html", exam=exam, items=reports.item_analysis(exam))


@bp.route("/grading")
@roles_required("trainer")
def grading_queue() -> ResponseReturnValue:
    return _grading_page()


def _grading_page(failed: HandGradeForm | None = None, failed_id: int | None = None) -> str:
    def form_for(answer_id: int) -> HandGradeForm:
        if failed is not None and answer_id == failed_id:
            return failed
        return HandGradeForm(formdata=None, prefix=f"a{answer_id}")

    return render_template(
        "exams/staff/grading.html", queue=grading.grading_queue(), grade_form_for=form_for
    )


@bp.route("/grading/<int:answer_id>", methods=["POST"])
@roles_required("trainer")
def grade_answer(answer_id: int) -> ResponseReturnValue:
    answer = db.session.get(Answer, answer_id)
    if answer is None or not answer.needs_grading:
        abort(404)
    form = HandGradeForm(prefix=f"a{answer_id}")
    if form.validate_on_submit():
        try:
            grading.grade_by_hand(
                answer, float(form.mark.data), form.comment.data or "", current_user.id
            )
        except ExamError as refusal:
            db.session.rollback()
            form.mark.errors = [refusal.message]
        else:
            db.session.commit()
            flash(_("Mark saved."), "success")
            return redirect(url_for("exam_staff.grading_queue"))
    return _grading_page(form, answer_id), 400


@bp.route("/questions/<int:question_id>/regrade", methods=["POST"])
@roles_required("trainer")
def regrade(question_id: int) -> ResponseReturnValue:
    question = bank.get_question(question_id)
    if question is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    report = grading.regrade_question(question, current_user.id)
    db.session.commit()
    flash(
        _(
            "Regraded %(answers)d answers: %(changed)d attempts changed, %(skipped)d skipped.",
            answers=report.answers - report.skipped,
            changed=report.attempts_changed,
            skipped=report.skipped,
        ),
        "success",
    )
    return redirect(url_for("exams.question", question_id=question.id))


@bp.route("/certificates")
@roles_required("hr")
def certificate_list() -> ResponseReturnValue:
    return _certificates_page(SealForm())


def _certificates_page(seal_form: SealForm) -> str:
    return render_template(
        "exams/staff/certificates.html",
        expiring=certificates.expiring(),
        recent=certificates.recent(),
        people={u.id: u for u in accounts.users_by_id(certificates.holder_ids())},
        seal=certificates.current_seal(),
        seal_form=seal_form,
        revoke_form_for=lambda serial: RevokeForm(formdata=None, prefix=serial),
    )


@bp.route("/certificates/<serial>/revoke", methods=["POST"])
@roles_required("hr")
def revoke(serial: str) -> ResponseReturnValue:
    certificate = certificates.get_certificate(serial)
    if certificate is None:
        abort(404)
    form = RevokeForm(prefix=certificate.serial)
    if form.validate_on_submit():
        try:
            certificates.revoke(certificate, form.reason.data, current_user.id)
        except CertificateError as refusal:
            db.session.rollback()
            flash(refusal.message, "danger")
        else:
            db.session.commit()
            flash(_("Certificate %(serial)s revoked.", serial=certificate.serial), "success")
    else:
        flash(_("Give the reason for revoking."), "danger")
    return redirect(url_for("exam_staff.certificate_list"))


@bp.route("/certificates/seal", methods=["POST"])
@roles_required("hr")
def seal() -> ResponseReturnValue:
    form = SealForm()
    if form.validate_on_submit():
        upload = form.image.data
        try:
            certificates.set_seal(upload.read(), upload.mimetype, current_user.id)
        except CertificateError as refusal:
            db.session.rollback()
            form.image.errors = [refusal.message]
        else:
            db.session.commit()
            flash(_("The seal is printed on certificates from now on."), "success")
            return redirect(url_for("exam_staff.certificate_list"))
    return _certificates_page(form), 400


@bp.route("/certificates/seal.png")
@roles_required("hr")
def seal_image() -> ResponseReturnValue:
    current = certificates.current_seal()
    if current is None:
        abort(404)
    return current.data, 200, {"Content-Type": current.mime_type}


# --- exam definitions -----------------------------------------------------------------------


def _exam_form(exam: Exam | None) -> ExamForm:
    form = ExamForm(obj=None) if request.method == "POST" else ExamForm(formdata=None)
    if request.method != "POST" and exam is not None:
        _fill_exam_form(form, exam)
    categories = [SelectChoice("", "—")] + [
        SelectChoice(str(row.category.id), " / ".join(row.path)) for row in bank.category_tree()
    ]
    difficulties = [SelectChoice("", _("Any"))] + [
        SelectChoice(d.value, d.label) for d in Difficulty
    ]
    for entry in form.rules:
        entry.form.category.choices = categories
        entry.form.difficulty.choices = difficulties
    form.status.choices = [SelectChoice(s.value, s.label) for s in ExamStatus]
    form.grading_method.choices = [SelectChoice(m.value, m.label) for m in GradingMethod]
    form.audience_roles.choices = [SelectChoice(r.value, r.label) for r in Role]
    form.audience_levels.choices = [SelectChoice(lv.value, lv.label) for lv in Level]
    form.audience_departments.choices = [
        SelectChoice(i, path) for i, path in accounts.department_choices()
    ]
    items = [SelectChoice(i, label) for i, label in REVIEW_LABELS.items()]
    for field_ in (form.review_immediately, form.review_open, form.review_closed):
        field_.choices = items
    return form


REVIEW_LABELS = {
    "answers": _l("Their answers"),
    "correctness": _l("Whether right"),
    "marks": _l("Marks"),
    "feedback": _l("Feedback"),
    "right_answers": _l("Right answers"),
}


def _fill_exam_form(form: ExamForm, exam: Exam) -> None:
    for name in (
        "title", "title_en", "instructions", "instructions_en", "time_limit_minutes",
        "pass_percent", "max_attempts", "attempt_wait_minutes", "shuffle_questions",
        "shuffle_options", "certificate_months",
    ):  # fmt: skip
        getattr(form, name).data = getattr(exam, name)
    form.status.data = exam.status.value
    form.grading_method.data = exam.grading_method.value
    form.opens_at.data, form.closes_at.data = to_local(exam.opens_at), to_local(exam.closes_at)
    audience = exam.audience or {}
    form.audience_roles.data = audience.get("roles") or []
    form.audience_levels.data = audience.get("levels") or []
    form.audience_departments.data = audience.get("department_ids") or []
    hired = audience.get("hired_after")
    form.audience_hired_after.data = date.fromisoformat(hired) if hired else None
    for time in REVIEW_TIMES:
        getattr(form, f"review_{time}").data = (exam.review or {}).get(time, [])
    while len(form.rules):
        form.rules.pop_entry()
    for rule in exam.draw_rules:
        form.rules.append_entry()
        entry = form.rules[-1].form
        entry.question.data = rule.question_id
        entry.category.data = rule.category_id
        entry.count.data = rule.count if rule.question_id is None else None
        entry.tag.data = bank.tag_name(rule.tag_id) if rule.tag_id else ""
        entry.difficulty.data = rule.difficulty or ""
        entry.mark.data = rule.mark


def _settings(form: ExamForm, exam: Exam | None) -> papers.ExamSettings:
    keep_types = {r.position: r.question_types for r in exam.draw_rules} if exam else {}
    rules = []
    for position, entry in enumerate(form.rules, start=1):
        data = entry.form
        if not data.question.data and not data.category.data:
            continue  # a blank spare line
        rules.append(
            papers.DrawRuleSpec(
                question_id=data.question.data or None,
                category_id=None if data.question.data else data.category.data,
                count=data.count.data or 1,
                tag=(data.tag.data or "").strip() or None,
                difficulty=data.difficulty.data or None,
                question_types=tuple(keep_types.get(position, ())),
                mark=float(data.mark.data or 1),
            )
        )
    audience = {
        "roles": form.audience_roles.data or [],
        "levels": form.audience_levels.data or [],
        "department_ids": form.audience_departments.data or [],
        "hired_after": form.audience_hired_after.data.isoformat()
        if form.audience_hired_after.data
        else None,
    }
    return papers.ExamSettings(
        title=form.title.data or "",
        title_en=form.title_en.data or None,
        instructions=form.instructions.data or "",
        instructions_en=form.instructions_en.data or None,
        status=ExamStatus(form.status.data),
        time_limit_minutes=form.time_limit_minutes.data,
        pass_percent=form.pass_percent.data or Decimal(0),
        max_attempts=form.max_attempts.data,
        grading_method=GradingMethod(form.grading_method.data),
        attempt_wait_minutes=form.attempt_wait_minutes.data or 0,
        opens_at=from_local(form.opens_at.data),
        closes_at=from_local(form.closes_at.data),
        shuffle_questions=form.shuffle_questions.data,
        shuffle_options=form.shuffle_options.data,
        certificate_months=form.certificate_months.data,
        audience={k: v for k, v in audience.items() if v},
        review={t: list(getattr(form, f"review_{t}").data or []) for t in REVIEW_TIMES},
        rules=tuple(rules),
    )


@bp.route("/exam-admin")
@roles_required("trainer")
def exam_list() -> ResponseReturnValue:
    return render_template("exams/staff/exam_list.html", exams=results.all_exams())


@bp.route("/exam-admin/new", methods=["GET", "POST"])
@bp.route("/exam-admin/<int:exam_id>/edit", methods=["GET", "POST"])
@roles_required("trainer")
def edit_exam(exam_id: int | None = None) -> ResponseReturnValue:
    exam = results.get_exam(exam_id) if exam_id else None
    if exam_id and exam is None:
        abort(404)
    form = _exam_form(exam)
    if request.method == "POST" and form.validate_on_submit():
        try:
            exam = papers.save_exam(exam, _settings(form, exam), current_user.id)
        except FieldErrors as refusal:
            db.session.rollback()
            put_errors_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Exam saved."), "success")
            return redirect(url_for("exam_staff.edit_exam", exam_id=exam.id))
    spare = form.rules.append_entry().form  # a spare line to add a rule
    spare.category.choices = form.rules[0].form.category.choices
    spare.difficulty.choices = form.rules[0].form.difficulty.choices
    overrides = papers.overrides_of(exam) if exam else []
    return render_template(
        "exams/staff/exam_edit.html",
        exam=exam,
        form=form,
        override_form=OverrideForm(formdata=None),
        overrides=overrides,
        people={u.id: u for u in accounts.users_by_id(o.user_id for o in overrides)},
    ), (400 if request.method == "POST" else 200)


@bp.route("/exam-admin/<int:exam_id>/overrides", methods=["POST"])
@roles_required("trainer")
def add_override(exam_id: int) -> ResponseReturnValue:
    exam = results.get_exam(exam_id)
    if exam is None:
        abort(404)
    form = OverrideForm()
    person = accounts.find_user_by_employee_no(form.employee_no.data or "")
    if form.validate_on_submit() and person is not None:
        papers.set_override(
            exam,
            person.id,
            form.extra_minutes.data or 0,
            form.extra_attempts.data or 0,
            from_local(form.opens_at.data),
            from_local(form.closes_at.data),
            form.reason.data or "",
        )
        db.session.commit()
        flash(_("Accommodation saved for %(name)s.", name=person.name), "success")
    else:
        flash(_("No one has that employee number."), "danger")
    return redirect(url_for("exam_staff.edit_exam", exam_id=exam.id))
