"""The home page: for agents a dashboard of what is due, 学时 this year and recent records,
gathered from the areas' services; for everyone the confidentiality policy awaiting their
signature. Nothing here is stored: each area stays the owner of its rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.accounts import services as accounts
from lms.accounts.models import Role, User
from lms.courses import services as courses
from lms.database import LabelledEnum, utcnow
from lms.exams import services as exams
from lms.i18n import local_date
from lms.records import services as records
from lms.training.services import refreshers, sessions

#: Courses not started yet that the due list names; the rest are counted, with a link.
NEW_COURSES_SHOWN = 3
#: Recent ledger lines on the dashboard; the training record page has them all.
RECENT_RECORDS = 5
#: How far ahead the dashboard looks for classroom sessions.
SESSION_DAYS = 30


class DueKind(LabelledEnum):
    REFRESHER = "refresher", _l("Refresher")
    INVITATION = "invitation", _l("Invitation")
    SESSION = "session", _l("Classroom")
    RECERTIFICATION = "recertification", _l("Re-certification")
    COURSE = "course", _l("Course")


@dataclass(frozen=True)
class DueItem:
    """One thing the agent has to do, with where to do it (an endpoint and its arguments)."""

    kind: DueKind
    title: str
    due_on: date | None  # None: a course of their level, which has no date
    endpoint: str
    params: Mapping[str, Any]
    action: str
    is_overdue: bool = False
    days_left: int | None = None  # from today to the due date; negative when overdue
    starts_at: datetime | None = None  # sessions
    location: str = ""  # sessions
    status: str = ""  # a session's answer (accepted, on the waiting list)
    percent: int | None = None  # a course in progress

    def sort_key(self) -> tuple[date, float]:
        """By date; on one day, sessions by their start after the rest."""
        return (self.due_on or date.max, self.starts_at.timestamp() if self.starts_at else 0.0)


@dataclass(frozen=True)
class Dashboard:
    due: list[DueItem]
    more_courses: int  # courses of their level left off the list (see My learning)
    year: records.YearHours
    recent: list[records.RecordLine]
    record_count: int


@dataclass(frozen=True)
class Home:
    profile: accounts.Profile
    policy_pending: Any  # the records area's Policy awaiting a signature, or None
    dashboard: Dashboard | None  # agents only
    recertify: list[Any] = field(default_factory=list)  # certificates, for non-agents
    is_staff: bool = False


def is_agent(user: User) -> bool:
    """The dashboard is for agents; an administrator is not one unless given the role."""
    return Role.AGENT in user.roles


def home_page(
    user: User, locale: str, today: date | None = None, now: datetime | None = None
) -> Home:
    """Everything the home page shows ``user``."""
    now = now or utcnow()
    today = today or local_date(now)
    agent = is_agent(user)
    return Home(
        profile=accounts.profile_of(user),
        policy_pending=records.policy_pending_for(user.id, now),
        dashboard=agent_dashboard(user, locale, today) if agent else None,
        recertify=[] if agent else exams.certificates.recertify_by(user.id, today),
        is_staff=bool(user.roles - {Role.AGENT}),
    )


def agent_dashboard(user: User, locale: str, today: date) -> Dashboard:
    """What is due (soonest first, overdue marked), 学时 this year and recent records."""
    due = [
        *_refresher_items(user.id, today),
        *_session_items(user.id, today),
        *_recertification_items(user.id, today, locale),
    ]
    covered = {item.params["slug"] for item in due if item.endpoint == "courses.course"}
    course_items, more_courses = _course_items(user, locale, covered)
    due = sorted(due, key=DueItem.sort_key) + course_items
    ledger = records.training_record(user.id)
    return Dashboard(
        due=due,
        more_courses=more_courses,
        year=records.hours_this_year(user.id, today),
        recent=ledger.lines[:RECENT_RECORDS],
        record_count=len(ledger.lines),
    )


def _refresher_items(user_id: int, today: date) -> list[DueItem]:
    items = []
    for line in refreshers.due_refreshers_for(user_id, today):
        if line.course_slug:
            target = ("courses.course", {"slug": line.course_slug}, _("Open the course"))
        elif line.exam_id:
            target = ("attempts.exam", {"exam_id": line.exam_id}, _("Take the quiz"))
        else:  # its course was retired: the refresher page says what to do
            target = ("refreshers.mine", {}, _("Details"))
        items.append(
            DueItem(
                DueKind.REFRESHER,
                line.title,
                line.due_on,
                *target,
                is_overdue=line.due_on < today,
                days_left=(line.due_on - today).days,
            )
        )
    return items


def _session_items(user_id: int, today: date) -> list[DueItem]:
    items = []
    for session in sessions.upcoming_sessions_for(user_id, today, days=SESSION_DAYS):
        to_answer = session.status == sessions.InvitationStatus.INVITED
        day = local_date(session.starts_at)
        items.append(
            DueItem(
                DueKind.INVITATION if to_answer else DueKind.SESSION,
                session.topic,
                day,
                "sessions.session_page",
                {"session_id": session.id},
                _("Accept or decline") if to_answer else _("Details"),
                days_left=(day - today).days,
                starts_at=session.starts_at,
                location=session.location,
                status="" if to_answer else session.status.label,
            )
        )
    return items


def _recertification_items(user_id: int, today: date, locale: str) -> list[DueItem]:
    items = []
    for certificate in exams.certificates.recertify_by(user_id, today):
        exam = exams.results.get_exam(certificate.exam_id)
        title = (exam.title_en if locale == "en" and exam.title_en else exam.title) if exam else ""
        items.append(
            DueItem(
                DueKind.RECERTIFICATION,
                title or certificate.serial,
                certificate.expires_on,
                "attempts.exam",
                {"exam_id": certificate.exam_id},
                _("Go to the exam"),
                days_left=(certificate.expires_on - today).days if certificate.expires_on else None,
                status=certificate.serial,
            )
        )
    return items


def _course_items(user: User, locale: str, covered: set[str]) -> tuple[list[DueItem], int]:
    """Courses in progress, then those of their level not started yet (the first few);
    a course a refresher already asks for is not listed twice."""
    level = user.level.value if user.level else None
    mine = courses.my_learning(user.id, level, locale)
    in_progress = [o for o in mine.in_progress if o.course.slug not in covered]
    not_started = [o for o in mine.not_started if o.course.slug not in covered]
    items = [
        DueItem(
            DueKind.COURSE,
            outline.title,
            None,
            "courses.course",
            {"slug": outline.course.slug},
            _("Continue"),
            percent=outline.percent,
        )
        for outline in in_progress
    ]
    items += [
        DueItem(
            DueKind.COURSE,
            outline.title,
            None,
            "courses.course",
            {"slug": outline.course.slug},
            _("Start"),
        )
        for outline in not_started[:NEW_COURSES_SHOWN]
    ]
    return items, max(len(not_started) - NEW_COURSES_SHOWN, 0)
