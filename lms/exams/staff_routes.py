"""Exams for trainers and HR: the attempts table and its exports, one attempt in full,
item analysis, the essay grading queue, regrades, and certificates (revoke, seal)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.exams.errors import CertificateError, ExamError
from lms.exams.models import Answer
from lms.exams.services import attempts, bank, certificates, grading, reports, results
from lms.exams.staff_forms import AttemptFilterForm, HandGradeForm, RevokeForm, SealForm
from lms.extensions import db
from lms.forms import ConfirmForm
from lms.navigation import NavEntry, register
from lms.tabular import write_csv, write_xlsx
from lms.web import download

bp = Blueprint("exam_staff", __name__, template_folder="templates")

register(
    NavEntry(
        "exam_staff.results",
        _l("Exam results"),
        "bi-clipboard-data",
        roles=("trainer", "hr"),
        order=45,
        description=_l("Attempts, item analysis, the grading queue and regrades."),
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
    table = reports.attempt_table(rows, EXPORT_HEADERS)
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
            certificates.set_seal(upload.read(), upload.mimetype or "image/png", current_user.id)
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
