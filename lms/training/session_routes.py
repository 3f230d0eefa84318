"""Classroom sessions: the trainer's schedule and roster, the agent's invitations and calendar."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.courses import services as courses
from lms.database import utcnow
from lms.errors import FieldErrors
from lms.extensions import db
from lms.forms import ConfirmForm
from lms.i18n import from_local, local_date, to_local
from lms.navigation import TEACHING, NavEntry, register
from lms.training.errors import CheckInRefused, SessionError
from lms.training.models.sessions import Attendance, ClassroomSession, TrainingCategory
from lms.training.services import sessions as service
from lms.training.session_forms import CheckInForm, RatingForm, RosterForm, SessionForm
from lms.web import put_errors_on_form

bp = Blueprint("sessions", __name__, template_folder="templates")

MANAGERS = ("trainer", "hr")

register(
    NavEntry(
        "sessions.my_sessions",
        _l("Classroom"),
        "bi-easel",
        order=25,
        description=_l("Classroom sessions you are invited to: answer, check in, rate."),
    )
)
register(
    NavEntry(
        "sessions.staff_list",
        _l("Classroom sessions"),
        "bi-calendar-week",
        roles=MANAGERS,
        order=43,
        description=_l("Schedule sessions, invite, take attendance, read the ratings."),
        group=TEACHING,
    )
)


def _locale() -> str:
    return str(get_locale() or "zh_Hans")


# --- the agent's pages ----------------------------------------------------------------------


@bp.route("/classroom")
@login_required
def my_sessions() -> ResponseReturnValue:
    return render_template(
        "training/sessions/my_sessions.html",
        mine=service.my_sessions(current_user.id),
        confirm_form=ConfirmForm(),
    )


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@bp.route("/classroom/calendar")
@login_required
def calendar() -> ResponseReturnValue:
    match = MONTH.match(request.args.get("month", ""))
    today = local_date(utcnow())
    year, month = (int(match[1]), int(match[2])) if match else (today.year, today.month)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = today.year, today.month
    view = "list" if request.args.get("view") == "list" else "month"
    return render_template(
        "training/sessions/calendar.html",
        month=service.calendar_month(current_user.id, year, month),
        mine=service.my_sessions(current_user.id) if view == "list" else None,
        view=view,
    )


def _participation_or_404(session_id: int) -> tuple[ClassroomSession, service.Invitation]:
    found = service.session_for_participant(session_id, current_user.id)
    if found is None:
        abort(404)
    return found


@bp.route("/classroom/<int:session_id>")
@login_required
def session_page(session_id: int) -> ResponseReturnValue:
    found = service.session_for_participant(session_id, current_user.id)
    if found is None and current_user.has_any_role(*MANAGERS):
        return redirect(url_for("sessions.staff_session", session_id=session_id))
    if found is None:
        abort(404)
    return _session_page(*found)


def _session_page(
    session: ClassroomSession,
    invitation: service.Invitation,
    check_in_form: CheckInForm | None = None,
    rating_form: RatingForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    now = utcnow()
    opens, closes = service.check_in_window(session)
    trainer = accounts.get_user(session.trainer_id)
    return render_template(
        "training/sessions/session.html",
        session=session,
        invitation=invitation,
        trainer_name=trainer.name if trainer else "",
        course_title=service.course_title(session.course_id, _locale()),
        waiting_position=service.waiting_position(invitation),
        may_answer=not session.is_cancelled and now < session.starts_at,
        check_in_open=not session.is_cancelled and opens <= now < closes,
        checked_in=invitation.attendance is not None and invitation.attendance.attended,
        may_rate=service.may_rate(session, invitation, now),
        is_over=now >= session.ends_at,
        check_in_form=check_in_form or CheckInForm(formdata=None),
        rating_form=rating_form or RatingForm(formdata=None),
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/classroom/<int:session_id>/<any(accept, decline):answer>", methods=["POST"])
@login_required
def respond(session_id: int, answer: str) -> ResponseReturnValue:
    session, _invitation = _participation_or_404(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        invitation = service.respond(session, current_user.id, accept=answer == "accept")
    except SessionError as refusal:
        db.session.rollback()
        flash(refusal.message, "danger")
    else:
        db.session.commit()
        if invitation.status == service.InvitationStatus.WAITING:
            flash(_("The session is full: you are on the waiting list."), "warning")
        elif invitation.status == service.InvitationStatus.ACCEPTED:
            flash(_("You accepted. See you there."), "success")
        else:
            flash(_("You declined."), "info")
    if request.args.get("back") == "list":
        return redirect(url_for("sessions.my_sessions"))
    return redirect(url_for("sessions.session_page", session_id=session_id))


@bp.route("/classroom/<int:session_id>/check-in", methods=["POST"])
@login_required
def check_in(session_id: int) -> ResponseReturnValue:
    session, invitation = _participation_or_404(session_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        return _session_page(session, invitation, check_in_form=form, status=400)
    try:
        attendance = service.check_in(session, current_user.id, form.code.data or "")
    except CheckInRefused as refusal:
        # Kept on purpose: the count of wrong codes is what stops guessing.
        db.session.commit()
        put_errors_on_form(form, refusal)
        return _session_page(session, invitation, check_in_form=form, status=400)
    db.session.commit()
    if attendance == Attendance.LATE:
        flash(_("You are checked in, marked late."), "warning")
    else:
        flash(_("You are checked in. Welcome."), "success")
    return redirect(url_for("sessions.session_page", session_id=session_id))


@bp.route("/classroom/<int:session_id>/rating", methods=["POST"])
@login_required
def rate(session_id: int) -> ResponseReturnValue:
    session, invitation = _participation_or_404(session_id)
    form = RatingForm()
    if not form.validate_on_submit():
        return _session_page(session, invitation, rating_form=form, status=400)
    try:
        service.rate_session(
            session,
            current_user.id,
            {name: getattr(form, name).data for name in service.RATING_DIMENSIONS},
            form.comment.data or "",
        )
    except FieldErrors as refusal:
        db.session.rollback()
        put_errors_on_form(form, refusal)
        return _session_page(session, invitation, rating_form=form, status=400)
    db.session.commit()
    flash(_("Thank you for your rating."), "success")
    return redirect(url_for("sessions.session_page", session_id=session_id))


# --- the trainer's pages --------------------------------------------------------------------


def _session_or_404(session_id: int) -> ClassroomSession:
    session = service.get_session(session_id)
    if session is None:
        abort(404)
    return session


@bp.route("/training/sessions")
@roles_required(*MANAGERS)
def staff_list() -> ResponseReturnValue:
    past = request.args.get("when") == "past"
    return render_template(
        "training/sessions/staff_list.html", lines=service.staff_sessions(past=past), past=past
    )


def _session_form(session: ClassroomSession | None) -> SessionForm:
    form = SessionForm() if request.method == "POST" else SessionForm(formdata=None)
    if request.method != "POST":
        if session is not None:
            _fill_session_form(form, session)
        else:
            form.trainer_id.data = current_user.id
    form.category.choices = [SelectChoice(c.value, c.label) for c in TrainingCategory]
    form.course_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(c.id, courses.course_title(c, _locale())) for c in service.published_courses()
    ]
    form.trainer_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(u.id, f"{u.name} ({u.employee_no})") for u in service.trainers()
    ]
    form.audience_roles.choices = [SelectChoice(r.value, r.label) for r in accounts.Role]
    form.audience_levels.choices = [SelectChoice(lv.value, lv.label) for lv in accounts.Level]
    form.audience_departments.choices = [
        SelectChoice(i, path) for i, path in accounts.department_choices()
    ]
    return form


def _fill_session_form(form: SessionForm, session: ClassroomSession) -> None:
    for name in ("topic", "description", "location", "capacity", "minutes", "trainer_id"):
        getattr(form, name).data = getattr(session, name)
    form.category.data = session.category.value
    form.course_id.data = session.course_id
    form.starts_at.data, form.ends_at.data = to_local(session.starts_at), to_local(session.ends_at)
    audience = accounts.Audience.from_dict(session.audience)
    form.audience_roles.data = list(audience.roles)
    form.audience_levels.data = list(audience.levels)
    form.audience_departments.data = list(audience.department_ids)
    form.named_people.data = " ".join(
        u.employee_no for u in accounts.users_by_id(audience.user_ids)
    )


def _details(form: SessionForm) -> service.SessionDetails:
    return service.SessionDetails(
        topic=form.topic.data or "",
        description=form.description.data or "",
        course_id=form.course_id.data,
        category=TrainingCategory(form.category.data),
        starts_at=from_local(form.starts_at.data),
        ends_at=from_local(form.ends_at.data),
        location=form.location.data or "",
        capacity=form.capacity.data,
        trainer_id=form.trainer_id.data,
        minutes=form.minutes.data,
        audience=accounts.Audience(
            roles=tuple(form.audience_roles.data or ()),
            levels=tuple(form.audience_levels.data or ()),
            department_ids=tuple(form.audience_departments.data or ()),
        ),
        named_employee_nos=tuple(
            n for n in re.split(r"[\s,，;；、]+", form.named_people.data or "") if n
        ),
    )


@bp.route("/training/sessions/new", methods=["GET", "POST"])
@bp.route("/training/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_session(session_id: int | None = None) -> ResponseReturnValue:
    session = _session_or_404(session_id) if session_id else None
    form = _session_form(session)
    if request.method == "POST" and form.validate_on_submit():
        try:
            session = service.save_session(session, _details(form), current_user.id)
        except FieldErrors as refusal:
            db.session.rollback()
            put_errors_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Session saved; its audience is invited."), "success")
            return redirect(url_for("sessions.staff_session", session_id=session.id))
    return render_template("training/sessions/staff_edit.html", session=session, form=form), (
        400 if request.method == "POST" else 200
    )


@bp.route("/training/sessions/<int:session_id>")
@roles_required(*MANAGERS)
def staff_session(session_id: int) -> ResponseReturnValue:
    return _staff_page(_session_or_404(session_id))


def _roster_form(session: ClassroomSession, lines: list[service.RosterLine]) -> RosterForm:
    form = RosterForm() if request.method == "POST" else RosterForm(formdata=None)
    if request.method != "POST":
        for line in lines:
            form.entries.append_entry(
                {
                    "user_id": str(line.person.id),
                    "selected": False,
                    "attendance": line.invitation.attendance.value
                    if line.invitation.attendance
                    else "",
                }
            )
    choices = [SelectChoice("", "—")] + [SelectChoice(a.value, a.label) for a in Attendance]
    for entry in form.entries:
        entry.form.attendance.choices = choices
    form.bulk_attendance.choices = [SelectChoice(a.value, a.label) for a in Attendance]
    return form


def _staff_page(session: ClassroomSession, status: int = 200) -> ResponseReturnValue:
    lines = service.roster(session)
    form = _roster_form(session, lines)
    now = utcnow()
    trainer = accounts.get_user(session.trainer_id)
    return render_template(
        "training/sessions/staff_session.html",
        session=session,
        trainer_name=trainer.name if trainer else "",
        course_title=service.course_title(session.course_id, _locale()),
        lines=lines,
        rows=list(zip(lines, form.entries, strict=False)),
        roster_form=form,
        seats=service.seats(session),
        summary=service.rating_summary(session),
        dimension_labels=service.DIMENSION_LABELS,
        attendance_open=service.attendance_open(session, now),
        is_over=now >= session.ends_at,
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/training/sessions/<int:session_id>/attendance", methods=["POST"])
@roles_required(*MANAGERS)
def mark_attendance(session_id: int) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    form = _roster_form(session, [])
    if not form.validate_on_submit():
        abort(400)
    marks: dict[int, Attendance] = {}
    for entry in form.entries:
        try:
            user_id = int(entry.form.user_id.data or "")
        except ValueError:
            continue
        if form.apply_bulk.data:
            if entry.form.selected.data and form.bulk_attendance.data:
                marks[user_id] = Attendance(form.bulk_attendance.data)
        elif entry.form.attendance.data:
            marks[user_id] = Attendance(entry.form.attendance.data)
    try:
        changed = service.mark_attendance(session, marks)
    except SessionError as refusal:
        db.session.rollback()
        flash(refusal.message, "danger")
    else:
        db.session.commit()
        flash(_("Attendance saved for %(count)d people.", count=changed), "success")
    return redirect(url_for("sessions.staff_session", session_id=session.id, _anchor="roster"))


@bp.route("/training/sessions/<int:session_id>/invite", methods=["POST"])
@roles_required(*MANAGERS)
def invite_again(session_id: int) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        added = service.invite_audience(session)
    except SessionError as refusal:
        db.session.rollback()
        flash(refusal.message, "danger")
    else:
        db.session.commit()
        flash(_("%(count)d more people invited.", count=added), "success")
    return redirect(url_for("sessions.staff_session", session_id=session.id))


@bp.route("/training/sessions/<int:session_id>/code", methods=["POST"])
@roles_required(*MANAGERS)
def new_code(session_id: int) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.regenerate_code(session)
    db.session.commit()
    flash(_("A new check-in code is ready; the old one no longer works."), "success")
    return redirect(url_for("sessions.staff_session", session_id=session.id))


@bp.route("/training/sessions/<int:session_id>/cancel", methods=["POST"])
@roles_required(*MANAGERS)
def cancel(session_id: int) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.cancel_session(session)
    except SessionError as refusal:
        db.session.rollback()
        flash(refusal.message, "danger")
    else:
        db.session.commit()
        flash(_("Session cancelled."), "success")
    return redirect(url_for("sessions.staff_session", session_id=session.id))


@bp.route("/training/sessions/<int:session_id>/invitations/<int:user_id>/remove", methods=["POST"])
@roles_required(*MANAGERS)
def remove(session_id: int, user_id: int) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.remove_invitee(session, user_id)
    except SessionError as refusal:
        db.session.rollback()
        flash(refusal.message, "danger")
    else:
        db.session.commit()
        flash(_("Removed from the session."), "success")
    return redirect(url_for("sessions.staff_session", session_id=session.id, _anchor="roster"))
