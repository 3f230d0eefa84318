"""Classroom sessions: scheduling, invitations, check-in, attendance, ratings.

A trainer schedules a session for an audience; everyone in it is invited. Agents accept
or decline until the session starts; past capacity, acceptances wait in the order they
came and move up when a seat frees. Attendance (the trainer's roster or the agent's own
check-in with the session's code) is written to the participation ledger, and so is the
attendee's overall rating once they give it.
"""

from __future__ import annotations

import calendar
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from lms.accounts import services as accounts
from lms.courses import services as courses
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import local_date
from lms.notifications import services as notifications
from lms.records import services as records
from lms.training.errors import CheckInRefused, RatingRefused, SessionError, SessionFieldErrors
from lms.training.models.sessions import (
    Attendance,
    ClassroomSession,
    Invitation,
    InvitationStatus,
    SessionRating,
    TrainingCategory,
)

__all__ = [
    "Attendance",
    "ClassroomSession",
    "Invitation",
    "InvitationStatus",
    "TrainingCategory",
    "upcoming_sessions_for",
]

# No 0/O, 1/I: a code read off a projector is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CHECK_IN_OPENS_BEFORE = timedelta(minutes=15)
LATE_AFTER = timedelta(minutes=10)
MAX_WRONG_CODES = 5

RATING_DIMENSIONS = ("efficiency", "professionalism", "clarity", "usefulness", "overall")
DIMENSION_LABELS = {
    "efficiency": _l("Efficiency"),
    "professionalism": _l("Professionalism"),
    "clarity": _l("Clarity"),
    "usefulness": _l("Usefulness"),
    "overall": _l("Overall"),
}

# Who holds a seat, and who is still in the session's list at all.
SEATED = (InvitationStatus.ACCEPTED,)
ON_THE_LIST = (
    InvitationStatus.INVITED,
    InvitationStatus.ACCEPTED,
    InvitationStatus.WAITING,
    InvitationStatus.DECLINED,
)

INVITED = "session.invited"
SEATED_FROM_WAITING = "session.seated"
CANCELLED = "session.cancelled"
MESSAGES = {
    INVITED: notifications.N_("You are invited to %(topic)s on %(date)s."),
    SEATED_FROM_WAITING: notifications.N_(
        "A seat freed up: you now have a place at %(topic)s on %(date)s."
    ),
    CANCELLED: notifications.N_("Session cancelled: %(topic)s on %(date)s."),
}


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LMS_TIMEZONE"])


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=_zone())


def new_checkin_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _tell(
    session: ClassroomSession, user_id: int, kind: str, dedupe_key: str, now: datetime
) -> None:
    """Send ``kind``'s message about ``session`` to ``user_id``, once per ``dedupe_key``."""
    notifications.notify(
        user_id,
        kind,
        MESSAGES[kind],
        # Stored as JSON and shown later in the reader's language: the local start as text,
        # which reads the same in both.
        {
            "topic": session.topic,
            "date": session.starts_at.astimezone(_zone()).strftime("%Y-%m-%d %H:%M"),
        },
        notifications.Link("sessions.session_page", {"session_id": session.id}),
        dedupe_key=dedupe_key,
        now=now,
    )


# --- scheduling ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionDetails:
    """What the trainer's form says about a session; times are aware."""

    topic: str
    category: TrainingCategory
    starts_at: datetime | None
    ends_at: datetime | None
    location: str
    trainer_id: int | None
    audience: accounts.Audience
    description: str = ""
    course_id: int | None = None
    capacity: int | None = None
    minutes: int | None = None
    named_employee_nos: tuple[str, ...] = ()


def published_courses() -> list[courses.Course]:
    """The courses a session may be linked to: those open to learners."""
    return courses.catalogue().courses


def trainers() -> list[accounts.User]:
    """Active people with the trainer role, by pinyin."""
    return list(accounts.list_users(role=accounts.Role.TRAINER, per_page=1000).items)


def _check_details(
    session: ClassroomSession | None, details: SessionDetails, now: datetime
) -> tuple[accounts.Audience, int]:
    problems: list[tuple[str, str]] = []
    if not details.topic.strip():
        problems.append(("topic", _("Give the session a topic.")))
    if not details.location.strip():
        problems.append(("location", _("Give a room or a meeting link.")))
    if details.starts_at is None:
        problems.append(("starts_at", _("Give the start time.")))
    if details.ends_at is None:
        problems.append(("ends_at", _("Give the end time.")))
    duration = 0
    if details.starts_at and details.ends_at:
        duration = int((details.ends_at - details.starts_at).total_seconds() // 60)
        # A session may be entered after it took place (to take its attendance), so a
        # start in the past is allowed.
        if duration <= 0:
            problems.append(("ends_at", _("The end must come after the start.")))
    if details.capacity is not None and details.capacity < 1:
        problems.append(("capacity", _("Leave empty for no limit, or give at least 1 seat.")))
    minutes = details.minutes if details.minutes is not None else duration
    if details.minutes is not None and duration > 0 and not 1 <= details.minutes <= duration:
        problems.append(
            (
                "minutes",
                _(
                    "Between 1 and %(minutes)d minutes, the length of the session.",
                    minutes=duration,
                ),
            )
        )
    trainer = accounts.get_user(details.trainer_id) if details.trainer_id else None
    if trainer is None or not trainer.is_active or accounts.Role.TRAINER not in trainer.roles:
        problems.append(("trainer_id", _("Choose a trainer.")))
    if details.course_id is not None and details.course_id not in {
        c.id for c in published_courses()
    }:
        problems.append(("course_id", _("Choose a published course, or none.")))
    named: list[int] = []
    unknown: list[str] = []
    for number in details.named_employee_nos:
        person = accounts.find_user_by_employee_no(number)
        if person is None or not person.is_active:
            unknown.append(number)
        else:
            named.append(person.id)
    if unknown:
        problems.append(
            (
                "named_people",
                _("No active employee has the number %(numbers)s.", numbers=", ".join(unknown)),
            )
        )
    audience = accounts.Audience(
        roles=details.audience.roles,
        department_ids=details.audience.department_ids,
        levels=details.audience.levels,
        hired_after=details.audience.hired_after,
        user_ids=tuple(dict.fromkeys([*details.audience.user_ids, *named])),
    )
    if not audience.has_criteria and not audience.user_ids and not unknown:
        # Without this, an empty audience would mean "everyone active": a whole centre
        # invited by a slip of the mouse.
        problems.append(
            ("audience", _("Choose who is invited: roles, levels, departments or people."))
        )
    if problems:
        raise SessionFieldErrors(problems)
    return audience, minutes


def save_session(
    session: ClassroomSession | None,
    details: SessionDetails,
    by_user_id: int,
    now: datetime | None = None,
) -> ClassroomSession:
    """Create or change a session and invite its audience (those not invited yet).

    Changing a session whose attendance is already taken rewrites its ledger lines, so the
    ledger always shows the session as it is now (topic, minutes, date).
    """
    now = now or utcnow()
    if session is not None and session.is_cancelled:
        raise SessionFieldErrors([("", _("This session is cancelled; it cannot be changed."))])
    audience, minutes = _check_details(session, details, now)
    if session is None:
        session = ClassroomSession(
            checkin_code=new_checkin_code(), created_by_id=by_user_id, created_at=now
        )
        db.session.add(session)
    session.topic = details.topic.strip()
    session.description = details.description.strip()
    session.course_id = details.course_id
    session.category = details.category
    session.starts_at = details.starts_at  # type: ignore[assignment]
    session.ends_at = details.ends_at  # type: ignore[assignment]
    session.location = details.location.strip()
    session.capacity = details.capacity
    session.trainer_id = details.trainer_id  # type: ignore[assignment]
    session.minutes = minutes
    session.audience = audience.to_dict()
    db.session.flush()
    invite_audience(session, now)
    _fill_seats(session, now)
    for invitation in _invitations(session):
        if invitation.attendance is not None:
            _write_ledger(invitation)
    db.session.flush()
    return session


def invite_audience(session: ClassroomSession, now: datetime | None = None) -> int:
    """Invite everyone in the session's audience who has no invitation yet; returns how many.

    Idempotent: people already invited (whatever they answered, or removed by the trainer)
    keep their row as it is. The newly invited are told, unless the session has already
    started (entered afterwards to take its attendance).
    """
    now = now or utcnow()
    if session.is_cancelled:
        raise SessionError(_("This session is cancelled."))
    audience = accounts.Audience.from_dict(session.audience)
    already = set(
        db.session.scalars(sa.select(Invitation.user_id).where(Invitation.session_id == session.id))
    )
    added = [
        Invitation(
            session_id=session.id,
            user_id=user_id,
            status=InvitationStatus.INVITED,
            invited_at=now,
            wrong_codes=0,
        )
        for user_id in db.session.scalars(audience.member_ids())
        if user_id not in already and user_id != session.trainer_id
    ]
    db.session.add_all(added)
    db.session.flush()
    if now < session.starts_at:
        for invitation in added:
            _tell(session, invitation.user_id, INVITED, f"session-invitation:{invitation.id}", now)
    return len(added)


def cancel_session(session: ClassroomSession, now: datetime | None = None) -> None:
    """Cancel a session; refused once attendance is taken (it happened).

    Those who said they would come are told: the seated, and those waiting for a seat.
    """
    now = now or utcnow()
    if session.is_cancelled:
        return
    invitations = _invitations(session)
    if any(invitation.attendance is not None for invitation in invitations):
        raise SessionError(_("Attendance is already taken: this session took place."))
    session.is_cancelled = True
    session.cancelled_at = now
    db.session.flush()
    for invitation in invitations:
        if invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.WAITING):
            key = f"session-invitation:{invitation.id}:cancelled"
            _tell(session, invitation.user_id, CANCELLED, key, now)


def regenerate_code(session: ClassroomSession) -> str:
    """A new check-in code (the old one was shared too widely)."""
    session.checkin_code = new_checkin_code()
    db.session.flush()
    return session.checkin_code


# --- answers and the waiting list -----------------------------------------------------------


def _invitations(session: ClassroomSession) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation).where(Invitation.session_id == session.id).order_by(Invitation.id)
        )
    )


def invitation_of(session: ClassroomSession, user_id: int) -> Invitation | None:
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.session_id == session.id, Invitation.user_id == user_id
        )
    )


def _lock(session: ClassroomSession) -> None:
    # Seats are counted then taken: two last-seat acceptances must not both win. SQLite
    # serialises writers already (BEGIN IMMEDIATE); PostgreSQL locks the session's row.
    db.session.execute(
        sa.select(ClassroomSession.id).where(ClassroomSession.id == session.id).with_for_update()
    )


def _count(session: ClassroomSession, status: InvitationStatus) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Invitation.id)).where(
                Invitation.session_id == session.id, Invitation.status == status
            )
        )
        or 0
    )


def _waiting_list(session: ClassroomSession) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.session_id == session.id,
                Invitation.status == InvitationStatus.WAITING,
            )
            .order_by(Invitation.responded_at, Invitation.id)
        )
    )


def _free_seats(session: ClassroomSession) -> int | None:
    if session.capacity is None:
        return None
    return max(session.capacity - _count(session, InvitationStatus.ACCEPTED), 0)


def _fill_seats(session: ClassroomSession, now: datetime) -> None:
    """Move the first on the waiting list up into every free seat, and tell them."""
    free = _free_seats(session)
    seated = []
    for invitation in _waiting_list(session):
        if free is not None and free <= 0:
            break
        invitation.status = InvitationStatus.ACCEPTED
        seated.append(invitation)
        if free is not None:
            free -= 1
    db.session.flush()
    for invitation in seated:
        # Once per wait: someone who gives the seat up and queues again is told again.
        waited_from = int((invitation.responded_at or invitation.invited_at).timestamp())
        key = f"session-invitation:{invitation.id}:seated:{waited_from}"
        _tell(session, invitation.user_id, SEATED_FROM_WAITING, key, now)


def respond(
    session: ClassroomSession, user_id: int, accept: bool, now: datetime | None = None
) -> Invitation:
    """The invitee accepts or declines; they may change their mind until the session starts.

    An acceptance past capacity joins the waiting list; a seat given up goes to the first
    on it. Accepting again keeps one's place.
    """
    now = now or utcnow()
    invitation = invitation_of(session, user_id)
    if invitation is None or invitation.status == InvitationStatus.REMOVED:
        raise SessionError(_("You are not invited to this session."))
    if session.is_cancelled:
        raise SessionError(_("This session is cancelled."))
    if now >= session.starts_at:
        raise SessionError(_("The session has started; answers can no longer be changed."))
    _lock(session)
    if accept:
        if invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.WAITING):
            return invitation
        free = _free_seats(session)
        has_queue = bool(_waiting_list(session))
        seated = free is None or (free > 0 and not has_queue)
        invitation.status = InvitationStatus.ACCEPTED if seated else InvitationStatus.WAITING
        invitation.responded_at = now
    else:
        if invitation.status == InvitationStatus.DECLINED:
            return invitation
        gave_up_seat = invitation.status == InvitationStatus.ACCEPTED
        invitation.status = InvitationStatus.DECLINED
        invitation.responded_at = now
        db.session.flush()
        if gave_up_seat:
            _fill_seats(session, now)
    db.session.flush()
    return invitation


def remove_invitee(session: ClassroomSession, user_id: int, now: datetime | None = None) -> None:
    """The trainer takes someone off the list; their seat goes to the first waiting."""
    now = now or utcnow()
    invitation = invitation_of(session, user_id)
    if invitation is None or invitation.status == InvitationStatus.REMOVED:
        return
    if invitation.attendance is not None:
        raise SessionError(
            _("Attendance is recorded for this person: mark them absent or excused instead.")
        )
    _lock(session)
    gave_up_seat = invitation.status == InvitationStatus.ACCEPTED
    invitation.status = InvitationStatus.REMOVED
    db.session.flush()
    if gave_up_seat:
        _fill_seats(session, now)


def waiting_position(invitation: Invitation) -> int | None:
    """1 for the first on the waiting list; None when not waiting."""
    if invitation.status != InvitationStatus.WAITING:
        return None
    queue = [i.id for i in _waiting_list(invitation.session)]
    return queue.index(invitation.id) + 1


# --- attendance and the ledger --------------------------------------------------------------


def check_in_window(session: ClassroomSession) -> tuple[datetime, datetime]:
    """From 15 minutes before the start until the end."""
    return session.starts_at - CHECK_IN_OPENS_BEFORE, session.ends_at


def check_in(
    session: ClassroomSession, user_id: int, code: str, now: datetime | None = None
) -> Attendance:
    """The invitee checks themselves in with the code the trainer shows.

    Present until 10 minutes after the start, late after that. Wrong codes are counted
    (and must be committed even though this raises); after five the person is refused.
    """
    now = now or utcnow()
    invitation = invitation_of(session, user_id)
    if invitation is None or invitation.status == InvitationStatus.REMOVED:
        raise CheckInRefused(_("You are not invited to this session."))
    if session.is_cancelled:
        raise CheckInRefused(_("This session is cancelled."))
    if invitation.wrong_codes >= MAX_WRONG_CODES:
        raise CheckInRefused(_("Too many wrong codes. Ask the trainer to mark your attendance."))
    opens, closes = check_in_window(session)
    if now < opens:
        raise CheckInRefused(
            _(
                "Check-in opens 15 minutes before the start, at %(time)s.",
                time=format_datetime(opens, "short"),
            )
        )
    if now >= closes:
        raise CheckInRefused(
            _("The session is over and check-in is closed. Ask the trainer if you were there.")
        )
    if not hmac.compare_digest(_normalise_code(code), session.checkin_code):
        # One guarded UPDATE: parallel guesses cannot slip past the count.
        db.session.execute(
            sa.update(Invitation)
            .where(Invitation.id == invitation.id)
            .values(wrong_codes=Invitation.wrong_codes + 1)
        )
        db.session.refresh(invitation, ["wrong_codes"])
        left = MAX_WRONG_CODES - invitation.wrong_codes
        if left <= 0:
            raise CheckInRefused(
                _("Wrong code. Too many wrong codes: ask the trainer to mark your attendance.")
            )
        raise CheckInRefused(
            ngettext("Wrong code. %(num)d try left.", "Wrong code. %(num)d tries left.", left)
        )
    if invitation.attendance is not None and invitation.attendance.attended:
        return invitation.attendance
    attendance = Attendance.LATE if now > session.starts_at + LATE_AFTER else Attendance.PRESENT
    invitation.checked_in_at = now
    _set_attendance(invitation, attendance, now)
    return attendance


def mark_attendance(
    session: ClassroomSession, marks: Mapping[int, Attendance], now: datetime | None = None
) -> int:
    """The trainer's roster: set the attendance of many people at once (by user id).

    Allowed from the start of the session on; people not on the list are ignored.
    Returns how many changed.
    """
    now = now or utcnow()
    if session.is_cancelled:
        raise SessionError(_("This session is cancelled."))
    if now < session.starts_at:
        raise SessionError(
            _(
                "Attendance can be taken from the start of the session, %(time)s.",
                time=format_datetime(session.starts_at, "short"),
            )
        )
    changed = 0
    by_user = {i.user_id: i for i in _invitations(session) if i.status in ON_THE_LIST}
    for user_id, attendance in marks.items():
        invitation = by_user.get(user_id)
        if invitation is None or invitation.attendance == attendance:
            continue
        _set_attendance(invitation, attendance, now)
        changed += 1
    db.session.flush()
    return changed


def _set_attendance(invitation: Invitation, attendance: Attendance, now: datetime) -> None:
    invitation.attendance = attendance
    invitation.attendance_at = now
    db.session.flush()
    _write_ledger(invitation)


def source_key(session_id: int, user_id: int) -> str:
    return f"classroom:{session_id}:user:{user_id}"


def _write_ledger(invitation: Invitation) -> None:
    """The person's line in the 培训台账 for this session (one line, rewritten on change)."""
    session = invitation.session
    attendance = invitation.attendance
    assert attendance is not None
    trainer = accounts.get_user(session.trainer_id)
    rating = _rating_of(session.id, invitation.user_id)
    records.record_participation(
        user_id=invitation.user_id,
        kind=records.ParticipationKind.CLASSROOM,
        source_key=source_key(session.id, invitation.user_id),
        title=session.topic,
        occurred_on=local_date(session.starts_at),
        method=records.TrainingMethod.INTERNAL,
        category=session.category.value,
        minutes=session.minutes if attendance.attended else 0,
        trainer=trainer.name if trainer else None,
        location=session.location[:200],
        attendance=attendance.value,
        evaluation=f"{rating.overall}/5" if rating else None,
    )


# --- ratings --------------------------------------------------------------------------------


def _rating_of(session_id: int, user_id: int) -> SessionRating | None:
    return db.session.scalar(
        sa.select(SessionRating).where(
            SessionRating.session_id == session_id, SessionRating.user_id == user_id
        )
    )


def may_rate(session: ClassroomSession, invitation: Invitation | None, now: datetime) -> bool:
    """Whether the rating form is offered: attended, ended, not rated yet."""
    return (
        invitation is not None
        and invitation.attendance is not None
        and invitation.attendance.attended
        and now >= session.ends_at
        and _rating_of(session.id, invitation.user_id) is None
    )


def rate_session(
    session: ClassroomSession,
    user_id: int,
    scores: Mapping[str, int | None],
    comment: str = "",
    now: datetime | None = None,
) -> SessionRating:
    """An attendee rates the session once, after it ends, 1 to 5 on each dimension."""
    now = now or utcnow()
    invitation = invitation_of(session, user_id)
    if invitation is None or invitation.attendance is None or not invitation.attendance.attended:
        raise RatingRefused([("", _("Only those who attended can rate this session."))])
    if now < session.ends_at:
        raise RatingRefused([("", _("You can rate the session once it is over."))])
    if _rating_of(session.id, user_id) is not None:
        raise RatingRefused([("", _("You have already rated this session."))])
    problems = [
        (name, _("Choose from 1 to 5."))
        for name in RATING_DIMENSIONS
        if scores.get(name) is None or not 1 <= int(scores[name]) <= 5  # type: ignore[arg-type]
    ]
    if problems:
        raise RatingRefused(problems)
    rating = SessionRating(
        session_id=session.id,
        user_id=user_id,
        comment=comment.strip()[:2000],
        created_at=now,
        **{name: int(scores[name]) for name in RATING_DIMENSIONS},  # type: ignore[arg-type]
    )
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError:  # the same form sent twice at once
        raise RatingRefused([("", _("You have already rated this session."))]) from None
    _write_ledger(invitation)
    return rating


@dataclass(frozen=True)
class RatingSummary:
    count: int
    averages: dict[str, Decimal | None]
    comments: list[str]


def rating_summary(session: ClassroomSession) -> RatingSummary:
    """Averages per dimension (one decimal) and the comments, without their authors."""
    ratings = list(
        db.session.scalars(sa.select(SessionRating).where(SessionRating.session_id == session.id))
    )
    averages: dict[str, Decimal | None] = {}
    for name in RATING_DIMENSIONS:
        if ratings:
            mean = Decimal(sum(getattr(r, name) for r in ratings)) / len(ratings)
            averages[name] = mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        else:
            averages[name] = None
    # Sorted by text, not by time: the order of submission could tell who wrote what.
    comments = sorted(r.comment for r in ratings if r.comment)
    return RatingSummary(len(ratings), averages, comments)


# --- what trainers see ---------------------------------------------------------------------


def get_session(session_id: int) -> ClassroomSession | None:
    return db.session.get(ClassroomSession, session_id)


@dataclass(frozen=True)
class Seats:
    capacity: int | None
    accepted: int
    waiting: int
    not_answered: int
    declined: int

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.accepted, 0)


def _seats_by_session(session_ids: Iterable[int]) -> dict[int, dict[InvitationStatus, int]]:
    ids = list(session_ids)
    counts: dict[int, dict[InvitationStatus, int]] = {i: {} for i in ids}
    if not ids:
        return counts
    rows = db.session.execute(
        sa.select(Invitation.session_id, Invitation.status, sa.func.count(Invitation.id))
        .where(Invitation.session_id.in_(ids))
        .group_by(Invitation.session_id, Invitation.status)
    )
    for session_id, status, number in rows:
        counts[session_id][status] = number
    return counts


def _seats(session: ClassroomSession, counts: dict[InvitationStatus, int]) -> Seats:
    return Seats(
        session.capacity,
        counts.get(InvitationStatus.ACCEPTED, 0),
        counts.get(InvitationStatus.WAITING, 0),
        counts.get(InvitationStatus.INVITED, 0),
        counts.get(InvitationStatus.DECLINED, 0),
    )


def seats(session: ClassroomSession) -> Seats:
    return _seats(session, _seats_by_session([session.id])[session.id])


@dataclass(frozen=True)
class StaffLine:
    session: ClassroomSession
    trainer_name: str
    seats: Seats


def staff_sessions(past: bool = False, now: datetime | None = None) -> list[StaffLine]:
    """Every session: upcoming (and running) soonest first, or past latest first."""
    now = now or utcnow()
    stmt = sa.select(ClassroomSession)
    if past:
        stmt = stmt.where(ClassroomSession.ends_at <= now).order_by(
            ClassroomSession.starts_at.desc()
        )
    else:
        stmt = stmt.where(ClassroomSession.ends_at > now).order_by(ClassroomSession.starts_at)
    sessions = list(db.session.scalars(stmt.limit(500)))
    counts = _seats_by_session(s.id for s in sessions)
    names = {u.id: u.name for u in accounts.users_by_id({s.trainer_id for s in sessions})}
    return [StaffLine(s, names.get(s.trainer_id, ""), _seats(s, counts[s.id])) for s in sessions]


@dataclass(frozen=True)
class RosterLine:
    invitation: Invitation
    person: accounts.PersonSummary
    waiting_position: int | None
    has_rated: bool


ROSTER_ORDER = {
    InvitationStatus.ACCEPTED: 0,
    InvitationStatus.WAITING: 1,
    InvitationStatus.INVITED: 2,
    InvitationStatus.DECLINED: 3,
}


def roster(session: ClassroomSession) -> list[RosterLine]:
    """The people on the session's list: seated first, then waiting (in order), not
    answered, declined; by pinyin within each."""
    invitations = {i.user_id: i for i in _invitations(session) if i.status in ON_THE_LIST}
    people = accounts.people_summaries(invitations)
    queue = {i.id: n for n, i in enumerate(_waiting_list(session), start=1)}
    rated = set(
        db.session.scalars(
            sa.select(SessionRating.user_id).where(SessionRating.session_id == session.id)
        )
    )
    lines = [
        RosterLine(invitations[p.id], p, queue.get(invitations[p.id].id), p.id in rated)
        for p in people
    ]
    lines.sort(
        key=lambda line: (
            ROSTER_ORDER[line.invitation.status],
            line.waiting_position or 0,
        )
    )
    return lines


def attendance_open(session: ClassroomSession, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return not session.is_cancelled and now >= session.starts_at


def course_title(course_id: int | None, locale: str) -> str | None:
    if course_id is None:
        return None
    for course in published_courses():
        if course.id == course_id:
            return courses.course_title(course, locale)
    return None


# --- what agents see ------------------------------------------------------------------------


def session_for_participant(
    session_id: int, user_id: int
) -> tuple[ClassroomSession, Invitation] | None:
    """The session with the person's invitation, or None when they are not invited: an agent
    sees only the sessions they are invited to."""
    row = db.session.execute(
        sa.select(ClassroomSession, Invitation)
        .join(Invitation, Invitation.session_id == ClassroomSession.id)
        .where(
            ClassroomSession.id == session_id,
            Invitation.user_id == user_id,
            Invitation.status != InvitationStatus.REMOVED,
        )
    ).first()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class SessionLine:
    """A session as one invitee sees it."""

    session: ClassroomSession
    invitation: Invitation
    is_running: bool = False
    has_started: bool = False
    may_rate: bool = False
    has_rated: bool = False


@dataclass(frozen=True)
class MySessions:
    to_answer: list[SessionLine]
    upcoming: list[SessionLine]
    past: list[SessionLine]


def _lines_of(
    user_id: int, stmt_filter: list[sa.ColumnElement[bool]]
) -> list[tuple[ClassroomSession, Invitation]]:
    return [
        (row[0], row[1])
        for row in db.session.execute(
            sa.select(ClassroomSession, Invitation)
            .join(Invitation, Invitation.session_id == ClassroomSession.id)
            .where(
                Invitation.user_id == user_id,
                Invitation.status != InvitationStatus.REMOVED,
                *stmt_filter,
            )
            .order_by(ClassroomSession.starts_at, ClassroomSession.id)
        )
    ]


def _line(
    session: ClassroomSession, invitation: Invitation, now: datetime, rated: set[int]
) -> SessionLine:
    return SessionLine(
        session,
        invitation,
        is_running=not session.is_cancelled and session.starts_at <= now < session.ends_at,
        has_started=now >= session.starts_at,
        may_rate=(
            invitation.attendance is not None
            and invitation.attendance.attended
            and now >= session.ends_at
            and session.id not in rated
        ),
        has_rated=session.id in rated,
    )


def _rated_by(user_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(SessionRating.session_id).where(SessionRating.user_id == user_id)
        )
    )


def my_sessions(user_id: int, now: datetime | None = None) -> MySessions:
    """Invitations to answer, what is coming (accepted, waiting, declined: they may change
    their mind), and past sessions with their attendance."""
    now = now or utcnow()
    rated = _rated_by(user_id)
    to_answer, upcoming, past = [], [], []
    for session, invitation in _lines_of(user_id, []):
        line = _line(session, invitation, now, rated)
        if session.ends_at <= now:
            if not session.is_cancelled:
                past.append(line)
        elif (
            invitation.status == InvitationStatus.INVITED
            and not session.is_cancelled
            and now < session.starts_at
        ):
            to_answer.append(line)
        else:
            upcoming.append(line)
    past.reverse()
    return MySessions(to_answer, upcoming, past)


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    lines: list[SessionLine] = field(default_factory=list)


@dataclass(frozen=True)
class CalendarMonth:
    first: date
    weeks: list[list[CalendarDay]]
    previous: date
    next: date

    @property
    def days_with_sessions(self) -> list[CalendarDay]:
        return [d for week in self.weeks for d in week if d.in_month and d.lines]


def calendar_month(
    user_id: int, year: int, month: int, now: datetime | None = None
) -> CalendarMonth:
    """The person's sessions in a month, as weeks from Monday (local dates)."""
    now = now or utcnow()
    first = date(year, month, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    today = local_date(now)
    days = {d: CalendarDay(d, d.month == month, d == today) for week in weeks_dates for d in week}
    rated = _rated_by(user_id)
    grid_start = _local_midnight(weeks_dates[0][0])
    grid_end = _local_midnight(weeks_dates[-1][-1] + timedelta(days=1))
    for session, invitation in _lines_of(
        user_id,
        [ClassroomSession.starts_at >= grid_start, ClassroomSession.starts_at < grid_end],
    ):
        days[local_date(session.starts_at)].lines.append(_line(session, invitation, now, rated))
    previous = (first - timedelta(days=1)).replace(day=1)
    return CalendarMonth(
        first, [[days[d] for d in week] for week in weeks_dates], previous, following
    )


@dataclass(frozen=True)
class UpcomingSession:
    """A session on the agent's dashboard."""

    id: int
    topic: str
    starts_at: datetime
    ends_at: datetime
    location: str
    status: InvitationStatus


def upcoming_sessions_for(user_id: int, today: date, days: int = 30) -> list[UpcomingSession]:
    """Sessions the person accepted, is waiting for, or has not answered yet, starting from
    ``today`` (local) within ``days`` days, soonest first. Cancelled ones are left out."""
    start = _local_midnight(today)
    end = _local_midnight(today + timedelta(days=days))
    rows = _lines_of(
        user_id,
        [
            ClassroomSession.is_cancelled.is_(False),
            ClassroomSession.starts_at >= start,
            ClassroomSession.starts_at < end,
            Invitation.status.in_(
                [InvitationStatus.INVITED, InvitationStatus.ACCEPTED, InvitationStatus.WAITING]
            ),
        ],
    )
    return [
        UpcomingSession(s.id, s.topic, s.starts_at, s.ends_at, s.location, i.status)
        for s, i in rows
    ]
