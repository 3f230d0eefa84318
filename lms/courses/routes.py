"""Catalogue, course pages, the lesson player, knowledge checks and "my learning"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.courses import services
from lms.courses.forms import CatalogueFilterForm, LearnerFilterForm
from lms.courses.models import Course, Lesson
from lms.courses.rendering import render_lesson
from lms.extensions import db
from lms.forms import ConfirmForm
from lms.navigation import NavEntry, register
from lms.tabular import write_csv, write_xlsx
from lms.web import download

bp = Blueprint("courses", __name__, template_folder="templates")

register(
    NavEntry(
        "courses.my_learning",
        _l("My learning"),
        "bi-journal-check",
        order=10,
        description=_l("Your courses: where you left off and what you have finished."),
    )
)
register(
    NavEntry(
        "courses.catalogue",
        _l("Courses"),
        "bi-collection",
        order=20,
        description=_l("Every course, with search and filters."),
    )
)


def _locale() -> str:
    return str(get_locale())


def _course_or_404(slug: str) -> Course:
    course = services.get_course_by_slug(slug)
    if course is None or course.is_retired:
        abort(404)
    return course


def _lesson_or_404(course: Course, lesson_slug: str) -> Lesson:
    for lesson in services.active_lessons(course):
        if lesson.slug == lesson_slug:
            return lesson
    abort(404)


@bp.route("/courses")
@login_required
def catalogue() -> ResponseReturnValue:
    form = CatalogueFilterForm(request.args)
    found = services.catalogue(
        query=form.q.data or "",
        category=form.category.data or None,
        level=form.level.data or None,
        locale=_locale(),
    )
    return render_template(
        "courses/catalogue.html",
        form=form,
        found=found,
        titles={c.id: services.course_title(c, _locale()) for c in found.courses},
        summaries={c.id: services.course_summary(c, _locale()) for c in found.courses},
    )


@bp.route("/courses/<slug>")
@login_required
def course(slug: str) -> ResponseReturnValue:
    outline = services.course_outline(current_user.id, _course_or_404(slug), _locale())
    return render_template(
        "courses/course.html",
        outline=outline,
        can_see_learners=current_user.has_any_role("trainer", "hr"),
    )


def _render_lesson_page(
    course: Course,
    lesson: Lesson,
    result: services.CheckResult | None = None,
    responses: dict[int, object] | None = None,
    is_preview: bool = False,
) -> str:
    view = services.in_language(lesson, _locale())
    outline = services.course_outline(current_user.id, course, _locale())
    lessons = [s.lesson for s in outline.lessons]
    index = lessons.index(lesson)
    status = outline.lessons[index]
    return render_template(
        "courses/lesson.html",
        outline=outline,
        view=view,
        status=status,
        body=render_lesson(view.body, _locale()),
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        position=index + 1,
        result=result,
        responses=responses or {},
        action_form=ConfirmForm(),
        is_preview=is_preview,
    )


@bp.route("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str) -> ResponseReturnValue:
    course = _course_or_404(slug)
    lesson = _lesson_or_404(course, lesson_slug)
    services.open_lesson(current_user.id, lesson)
    db.session.commit()
    return _render_lesson_page(course, lesson)


@bp.route("/courses/<slug>/lessons/<lesson_slug>/done", methods=["POST"])
@login_required
def mark_done(slug: str, lesson_slug: str) -> ResponseReturnValue:
    course = _course_or_404(slug)
    lesson = _lesson_or_404(course, lesson_slug)
    if ConfirmForm().validate_on_submit():
        completion = services.mark_done(current_user.id, lesson)
        db.session.commit()
        if completion is not None:
            flash(_("Course completed. Its hours are in your training record."), "success")
    return redirect(url_for("courses.lesson", slug=slug, lesson_slug=lesson_slug) + "#check")


@bp.route("/courses/<slug>/lessons/<lesson_slug>/check", methods=["POST"])
@login_required
def submit_check(slug: str, lesson_slug: str) -> ResponseReturnValue:
    course = _course_or_404(slug)
    lesson = _lesson_or_404(course, lesson_slug)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("courses.lesson", slug=slug, lesson_slug=lesson_slug))
    view = services.in_language(lesson, _locale())
    responses = services.parse_check_responses(view.check, request.form.to_dict(flat=False))
    result = services.submit_check(current_user.id, lesson, view.language, responses)
    db.session.commit()
    if result.completion is not None:
        flash(_("Course completed. Its hours are in your training record."), "success")
    return _render_lesson_page(course, lesson, result=result, responses=responses)


@bp.route("/my/learning")
@login_required
def my_learning() -> ResponseReturnValue:
    level = current_user.level.value if current_user.level else None
    mine = services.my_learning(current_user.id, level, _locale())
    return render_template("courses/my_learning.html", mine=mine)


@bp.route("/courses/<slug>/learners")
@roles_required("trainer", "hr")
def learners(slug: str) -> ResponseReturnValue:
    course = _course_or_404(slug)
    form = LearnerFilterForm(request.args)
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(str(i), path) for i, path in accounts.department_choices()
    ]
    form.validate()
    department_id = form.department.data if not form.department.errors else None
    rows = services.learner_progress(course, department_id)
    return render_template(
        "courses/learners.html",
        course=course,
        title=services.course_title(course, _locale()),
        form=form,
        rows=rows,
        lessons=services.active_lessons(course),
    )


@bp.route("/courses/<slug>/learners.<any(csv, xlsx):kind>")
@roles_required("trainer", "hr")
def export_learners(slug: str, kind: str) -> ResponseReturnValue:
    course = _course_or_404(slug)
    department = request.args.get("department", type=int)
    headers, values = services.learner_progress_table(services.learner_progress(course, department))
    name = f"{course.slug}-learners.{kind}"
    if kind == "csv":
        return download(write_csv(headers, values), name, "text/csv")
    return download(
        write_xlsx(headers, values, text_columns=[0]),
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/courses/<slug>/lessons/<lesson_slug>/preview")
@roles_required("trainer", "hr")
def preview(slug: str, lesson_slug: str) -> ResponseReturnValue:
    """The lesson exactly as a learner sees it, without recording any progress."""
    course = _course_or_404(slug)
    return _render_lesson_page(course, _lesson_or_404(course, lesson_slug), is_preview=True)
