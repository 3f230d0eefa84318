"""`flask demo load`: the demo centre and its year of history, loaded once however often it
runs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from lms.accounts import services
from lms.accounts.models import Level, Role
from lms.career import services as career
from lms.career.services.eligibility import evaluate_agents
from lms.courses import services as courses
from lms.database import utcnow
from lms.demo import DEMO_PASSWORD, load_demo
from lms.demo_history import CERTIFICATION_SLUG, QUIZ_SLUG, find_exam
from lms.exams import services as exams
from lms.i18n import local_date
from lms.notifications import services as notifications
from lms.records import services as records
from lms.training.services import refreshers, sessions

CONTENT = Path(__file__).resolve().parents[1] / "content"


def _sync_content() -> None:
    """What `flask content sync` does before `flask demo load` in `make run`."""
    courses.sync_content(CONTENT)
    exams.sync_question_bank(CONTENT / "questions")
    exams.sync_exams(CONTENT / "exams")
    career.sync_career(CONTENT / "career")


def test_demo_load_is_idempotent_and_its_logins_work(db_session) -> None:
    report = load_demo()
    assert report.people == 35
    assert report.departments > 5
    again = load_demo()
    assert (again.people, again.departments) == (0, 0)
    admin = services.authenticate("A0001", DEMO_PASSWORD)
    assert Role.ADMIN in admin.roles
    assert not admin.must_change_password
    assert Role.HR in services.authenticate("H0002", DEMO_PASSWORD).roles
    agents = list(services.list_users(role=Role.AGENT, per_page=100).items)
    levels = {u.level for u in agents}
    assert levels == {Level.JUNIOR, Level.MID, Level.SENIOR}
    assert len(agents) >= 30


def test_without_content_the_history_waits_for_it(db_session) -> None:
    report = load_demo()
    assert report.history.missing_content
    assert not report.history.added_anything
    agent = services.find_user_by_employee_no("KF0030")
    assert records.records_of(agent.id) == []


def test_demo_cli_reports_what_it_added(cli) -> None:
    first = cli.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "35" in first.output
    again = cli.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert " 0 " in again.output


def test_a_year_of_history_through_the_services(db_session) -> None:
    _sync_content()
    report = load_demo()
    history = report.history
    assert not history.missing_content
    assert history.programmes == 13
    assert history.course_completions > 100
    assert history.certificates > 10
    assert history.sessions >= 26

    now = utcnow()
    today = local_date(now)
    this_month = today.replace(day=1)
    first_month = refreshers.months_between(this_month.replace(year=this_month.year - 1), today)[0]
    agents = list(services.list_users(role=Role.AGENT, per_page=100).items)
    assert len(agents) == 31

    # The ledger: every agent took part in something in at least ten months, never in the
    # future and never before they were hired.
    for agent in agents:
        lines = records.records_of(agent.id)
        months = {line.occurred_on.replace(day=1) for line in lines}
        assert len(months) >= 10, agent.employee_no
        assert all(first_month <= line.occurred_on <= today for line in lines)
        assert all(line.occurred_on >= agent.hire_date for line in lines)
    kinds = {line.kind for agent in agents for line in records.records_of(agent.id)}
    assert kinds == set(records.ParticipationKind) - {records.ParticipationKind.REFRESHER}

    # Seniors finish more of the courses than juniors do; some courses are left half done.
    def completed(level: Level) -> float:
        group = [a for a in agents if a.level == level]
        done = [
            line
            for a in group
            for line in records.records_of(a.id)
            if line.kind == records.ParticipationKind.COURSE
        ]
        return len(done) / len(group)

    assert completed(Level.SENIOR) > completed(Level.JUNIOR)
    half_done = [
        row
        for course in courses.catalogue().courses
        for row in courses.learner_progress(course)
        if row.completed_at is None
    ]
    assert half_done

    # The certification: passes, fails and retakes (a day apart at least), certificates,
    # some to renew within 30 days.
    certification = find_exam(slug=CERTIFICATION_SLUG)
    histories = [exams.papers.history_of(certification.id, a.id) for a in agents]
    attempts = [attempt for h in histories for attempt in h.attempts]
    assert any(a.is_passed for a in attempts) and any(a.is_passed is False for a in attempts)
    assert sum(1 for h in histories if h.attempts) >= len(agents) - 3
    retakes = [h.attempts for h in histories if len(h.attempts) > 1]
    assert retakes
    wait = timedelta(minutes=certification.attempt_wait_minutes)
    for taken in retakes:
        for earlier, later in zip(taken, taken[1:], strict=False):
            assert later.started_at >= earlier.finished_at + wait
    assert exams.certificates.expiring(today=today)
    assert all(c.expires_on >= today for c in exams.certificates.expiring(today=today))

    # Monthly refreshers: one a month, on time, late, missed, and this month's still due.
    rows = refreshers.compliance(first_month, this_month, today=today)
    assert {row.month for row in rows} == set(refreshers.months_between(first_month, today))
    totals = {
        name: sum(getattr(row, name) for row in rows)
        for name in ("on_time", "late", "missed", "open")
    }
    assert all(totals.values()), totals
    current = [row for row in rows if row.month == this_month]
    assert sum(r.open for r in current) > sum(r.completed for r in current)
    assert find_exam(slug=QUIZ_SLUG) is not None

    # Classroom sessions: attendance of all four kinds, ratings, next week's not answered.
    attendance = {
        line.attendance
        for agent in agents
        for line in records.records_of(agent.id)
        if line.kind == records.ParticipationKind.CLASSROOM
    }
    assert attendance == {"present", "late", "absent", "excused"}
    assert any(line.evaluation for a in agents for line in records.records_of(a.id))
    upcoming = [
        line for a in agents for line in sessions.upcoming_sessions_for(a.id, today, days=14)
    ]
    assert upcoming

    # External training: approved ones in the ledger, one waiting for the second HR person.
    pending = records.pending_external()
    assert len(pending) == 1
    assert pending[0].entered_by == "刘晓梅"
    decided = records.decided_external()
    assert len(decided) == 5 and all(line.decided_by == "王丽" for line in decided)

    # The confidentiality policy: most agents signed, a few have not.
    policy = records.policy_in_force()
    signatures = records.signatures(policy)
    assert len(signatures.signed) > len(signatures.unsigned) > 0

    # Notifications came with the refreshers: this month's are still unread.
    assert any(notifications.unread_count(a.id) for a in agents)

    # Loading again adds nothing.
    again = load_demo()
    assert (again.people, again.departments) == (0, 0)
    assert not again.history.added_anything
    assert again.history.missing_content == []

    # Twelve months of KPIs, imported once, and an eligibility list with something to show:
    # agents eligible for promotion and agents exactly one condition short.
    assert report.kpi_values > 3000
    assert load_demo().kpi_values == 0
    today = local_date(utcnow())
    outcomes = [e for e in evaluate_agents(services.agents_select(), today).values() if e]
    assert any(e.eligible for e in outcomes)
    assert any(e.short_by == 1 for e in outcomes)
