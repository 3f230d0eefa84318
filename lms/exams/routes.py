"""The question bank for trainers: list, editor for every type, preview, versions, import."""

from __future__ import annotations

import functools

from flask import (
    Blueprint,
    abort,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from wtforms import SelectChoice

from lms.access import roles_required
from lms.errors import FieldErrors, ImportRejected
from lms.exams import forms as bank_forms
from lms.exams.formats import split_category_path
from lms.exams.formats.spreadsheet import template as excel_template
from lms.exams.forms import CategoryForm, ImportForm, MoveForm, QuestionFilterForm, QuestionForm
from lms.exams.models import Difficulty, Question, QuestionStatus
from lms.exams.question_types import QUESTION_TYPES
from lms.exams.rendering import question_html
from lms.exams.services import attempts, bank, grading, interchange
from lms.extensions import db
from lms.forms import ConfirmForm
from lms.navigation import TEACHING, NavEntry, register
from lms.web import download, put_errors_on_form

bp = Blueprint("exams", __name__, template_folder="templates", url_prefix="/questions")

register(
    NavEntry(
        "exams.questions",
        _l("Question bank"),
        "bi-ui-checks",
        roles=("trainer",),
        order=40,
        description=_l("Write, import and export the questions exams draw from."),
        group=TEACHING,
    )
)
PER_PAGE = 30
MIME = {
    "gift": "text/plain",
    "xml": "application/xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _english() -> bool:
    return str(get_locale()).startswith("en")


def _category_choices(blank: str | None = None) -> list[SelectChoice]:
    rows = bank.category_tree()
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(str(row.category.id), " / ".join(row.path)) for row in rows]


def _question_or_404(question_id: int) -> Question:
    question = bank.get_question(question_id)
    if question is None:
        abort(404)
    return question


def _file_url(version_id: int):
    return lambda name: url_for("exams.file", version_id=version_id, name=name)


@bp.app_template_filter("question_html")
def _question_html_filter(
    text: str, text_format: str = "plain", version_id: int | None = None
) -> Markup:
    script_root = request.script_root if has_request_context() else ""
    return _question_html(text or "", text_format, version_id, str(get_locale()), script_root)


@functools.lru_cache(maxsize=8192)
def _question_html(
    text: str, text_format: str, version_id: int | None, _locale: str, _script_root: str
) -> Markup:
    """Rendered once per process: on an exam day every candidate's page shows the same stems
    and options. The result depends only on the arguments: the locale names a dialogue's
    speakers, the script root prefixes the links to embedded files."""
    return question_html(text, text_format, _file_url(version_id) if version_id else None)


@bp.route("")
@roles_required("trainer")
def questions() -> ResponseReturnValue:
    form = QuestionFilterForm(request.args)
    form.category.choices = _category_choices(_("All categories"))
    form.tag.choices = [SelectChoice("", _("All tags"))] + [
        SelectChoice(t, t) for t in bank.all_tags()
    ]
    page = max(request.args.get("page", 1, type=int), 1)
    status = request.args.get("status", "")
    criteria = bank.QuestionFilter(
        text=form.q.data or "",
        category_id=request.args.get("category", type=int),
        type=form.type.data if form.type.data in QUESTION_TYPES else None,
        tag=form.tag.data or None,
        status=QuestionStatus(status) if status in {s.value for s in QuestionStatus} else None,
    )
    rows, total = bank.search_questions(criteria, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    paths = bank.category_paths(q.category_id for q in rows)
    return render_template(
        "exams/questions.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        paths={q.id: "/".join(paths[q.category_id]) for q in rows},
        types=bank_forms.TYPE_LABELS,
        english=_english(),
        args={k: v for k, v in request.args.items() if k != "page"},
        category_form=CategoryForm(),
    )


@bp.route("/categories", methods=["POST"])
@roles_required("trainer")
def add_category() -> ResponseReturnValue:
    form = CategoryForm()
    path = split_category_path(form.path.data or "") if form.validate_on_submit() else ()
    if not path:
        flash(_("Write the new category as a path, such as 入职认证/投诉处理."), "warning")
        return redirect(url_for("exams.questions"))
    category = bank.ensure_category(path)
    db.session.commit()
    flash(_("Category %(path)s is ready.", path="/".join(path)), "success")
    return redirect(url_for("exams.questions", category=category.id))


def _draft(form: QuestionForm, kind: str) -> bank.QuestionDraft | None:
    """The editor's content as a draft; None when a row has an error beside it."""
    payload, payload_en = bank_forms.payload_from(kind, form)
    category = bank.get_category(form.category.data)
    if bank_forms.row_errors(form) or category is None:
        if category is None:
            form.category.errors = [*form.category.errors, _("Choose a category.")]
        return None
    return bank.QuestionDraft(
        category=category,
        type=kind,
        name=form.name.data or "",
        text=form.text.data or "",
        payload=payload,
        text_format=form.text_format.data,
        general_feedback=form.general_feedback.data or "",
        text_en=form.text_en.data or None,
        payload_en=payload_en,
        general_feedback_en=form.general_feedback_en.data or None,
        tags=bank_forms.tags_from(form),
        difficulty=Difficulty(form.difficulty.data) if form.difficulty.data else None,
        default_grade=float(form.default_grade.data or 0),
        shuffle=bool(form.shuffle.data),
    )


def _editor(form: QuestionForm, kind: str, question: Question | None) -> str:
    return render_template(
        "exams/edit.html",
        form=form,
        kind=kind,
        type_label=bank_forms.TYPE_LABELS[kind],
        question=question,
    )


@bp.route("/new/<kind>", methods=["GET", "POST"])
@roles_required("trainer")
def new_question(kind: str) -> ResponseReturnValue:
    if kind not in QUESTION_TYPES:
        abort(404)
    form = QuestionForm()
    form.category.choices = _category_choices()
    if request.method == "GET":
        form.category.data = request.args.get("category", type=int)
        bank_forms.add_spare_rows(form, kind)
        return _editor(form, kind, None)
    if form.validate():
        draft = _draft(form, kind)
        if draft is not None:
            try:
                question = bank.create_question(draft, current_user.id)
            except FieldErrors as error:
                put_errors_on_form(form, error)
            else:
                db.session.commit()
                flash(_("Question saved as a draft."), "success")
                return redirect(url_for("exams.question", question_id=question.id))
    return _editor(form, kind, None), 422


@bp.route("/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required("trainer")
def edit_question(question_id: int) -> ResponseReturnValue:
    question = _question_or_404(question_id)
    version = question.current_version
    form = QuestionForm(obj=None)
    form.category.choices = _category_choices()
    if request.method == "GET":
        form.category.data = question.category_id
        form.name.data, form.text.data, form.text_en.data = (
            version.name,
            version.text,
            version.text_en,
        )
        form.text_format.data = version.text_format
        form.general_feedback.data = version.general_feedback
        form.general_feedback_en.data = version.general_feedback_en
        form.tags.data = ", ".join(t.name for t in question.tags)
        form.difficulty.data = question.difficulty.value if question.difficulty else ""
        form.default_grade.data = version.default_grade
        form.shuffle.data = version.shuffle
        bank_forms.fill_rows(form, question.type, version.payload, version.payload_en)
        bank_forms.add_spare_rows(form, question.type)
        return _editor(form, question.type, question)
    if form.validate():
        draft = _draft(form, question.type)
        if draft is not None:
            try:
                saved = bank.revise_question(question, draft, current_user.id)
            except FieldErrors as error:
                put_errors_on_form(form, error)
            else:
                db.session.commit()
                if saved.number > version.number:
                    flash(
                        _(
                            "Saved as version %(number)d; who saw version %(old)d keeps it.",
                            number=saved.number,
                            old=version.number,
                        ),
                        "success",
                    )
                else:
                    flash(_("Question saved."), "success")
                return redirect(url_for("exams.question", question_id=question.id))
    return _editor(form, question.type, question), 422


@bp.route("/<int:question_id>")
@roles_required("trainer")
def question(question_id: int) -> ResponseReturnValue:
    question = _question_or_404(question_id)
    move = MoveForm()
    move.category.choices = _category_choices()
    move.category.data = question.category_id
    return _question_page(question, question.current_version, move)


def _question_page(question: Question, version, move: MoveForm | None = None) -> str:
    versions = bank.versions(question)
    older = [v for v in versions if v.number < version.number]
    return render_template(
        "exams/question.html",
        question=question,
        version=version,
        view=bank.preview(version, _english()),
        versions=versions,
        diff=bank.version_diff(question, older[0], version) if older else [],
        path="/".join(bank.category_path(question.category)),
        type_label=bank_forms.TYPE_LABELS[question.type],
        action_form=ConfirmForm(),
        regradable=grading.regradable_count(question),
        move=move,
        is_current=version.id == question.current_version_id,
    )


@bp.route("/<int:question_id>/versions/<int:number>")
@roles_required("trainer")
def version(question_id: int, number: int) -> ResponseReturnValue:
    question = _question_or_404(question_id)
    found = bank.get_version(question, number)
    if found is None:
        abort(404)
    return _question_page(question, found)


@bp.route("/<int:question_id>/status/<any(published, retired, draft):status>", methods=["POST"])
@roles_required("trainer")
def set_status(question_id: int, status: str) -> ResponseReturnValue:
    question = _question_or_404(question_id)
    if ConfirmForm().validate_on_submit():
        bank.set_status(question, QuestionStatus(status))
        db.session.commit()
        flash(_("Question is now: %(status)s.", status=QuestionStatus(status).label), "success")
    return redirect(url_for("exams.question", question_id=question.id))


@bp.route("/<int:question_id>/move", methods=["POST"])
@roles_required("trainer")
def move_question(question_id: int) -> ResponseReturnValue:
    question = _question_or_404(question_id)
    form = MoveForm()
    form.category.choices = _category_choices()
    category = bank.get_category(form.category.data) if form.validate_on_submit() else None
    if category is not None:
        bank.move_questions([question], category)
        db.session.commit()
        flash(_("Moved to %(path)s.", path="/".join(bank.category_path(category))), "success")
    return redirect(url_for("exams.question", question_id=question.id))


@bp.route("/files/<int:version_id>/<path:name>")
@login_required
def file(version_id: int, name: str) -> ResponseReturnValue:
    # Images are shown wherever the question is: the bank (trainers), attempts read by staff
    # (trainers, HR), and the candidate's own paper and result. Another's is not found.
    may_see = current_user.has_any_role("trainer", "hr") or attempts.shows_version(
        current_user.id, version_id
    )
    found = bank.get_file(version_id, name) if may_see else None
    if found is None or not found.mime_type.startswith("image/"):
        abort(404)
    response = download(found.data, name, found.mime_type)
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.route("/import", methods=["GET", "POST"])
@roles_required("trainer")
def import_questions() -> ResponseReturnValue:
    form = ImportForm()
    form.category.choices = _category_choices(_("— none —"))
    problems: list[str] = []
    if form.validate_on_submit():
        category = bank.get_category(form.category.data)
        if form.new_category.data and form.new_category.data.strip():
            category = bank.ensure_category(split_category_path(form.new_category.data))
        upload = form.file.data
        try:
            staged, _preview = interchange.stage_import(
                upload.filename or "upload", upload.read(), category, current_user.id
            )
        except ImportRejected as rejected:
            db.session.rollback()
            problems = rejected.problems
        else:
            db.session.commit()
            return redirect(url_for("exams.import_preview", import_id=staged.id))
    status = 422 if problems or form.errors else 200
    return render_template("exams/import.html", form=form, problems=problems), status


@bp.route("/imports/<int:import_id>")
@roles_required("trainer")
def import_preview(import_id: int) -> ResponseReturnValue:
    staged = interchange.get_import(import_id, current_user.id)
    if staged is None:
        abort(404)
    preview = interchange.preview_staged(staged)
    return render_template(
        "exams/import_preview.html",
        staged=staged,
        preview=preview,
        first=preview.questions[:5],
        types=bank_forms.TYPE_LABELS,
        action_form=ConfirmForm(),
    )


@bp.route("/imports/<int:import_id>/<any(confirm, cancel):action>", methods=["POST"])
@roles_required("trainer")
def finish_import(import_id: int, action: str) -> ResponseReturnValue:
    staged = interchange.get_import(import_id, current_user.id)
    if staged is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("exams.import_preview", import_id=import_id))
    if action == "cancel":
        interchange.cancel_import(staged)
        db.session.commit()
        flash(_("Import cancelled; nothing was added."), "info")
        return redirect(url_for("exams.questions"))
    created = interchange.confirm_import(staged, current_user.id)
    db.session.commit()
    flash(_("Imported %(count)d questions.", count=len(created)), "success")
    return redirect(url_for("exams.questions"))


@bp.route("/export.<any(gift, xml, xlsx):fmt>")
@roles_required("trainer")
def export(fmt: str) -> ResponseReturnValue:
    category = bank.get_category(request.args.get("category", type=int))
    result = interchange.export_questions(fmt, category)
    return download(result.data, f"questions.{fmt}", MIME[fmt])


@bp.route("/template.xlsx")
@roles_required("trainer")
def template() -> ResponseReturnValue:
    return download(excel_template(), "题库导入模板.xlsx", MIME["xlsx"])
