"""Query budgets: each main page sends a bounded number of SQL statements, the same with ten
times the demo's agents (and all their records, attempts, certificates, KPIs,
notifications...) as with the demo itself.

One database for the module: the demo as `make run` loads it (1×), every page measured; then
nine copies of every agent added (10×), every page measured again. Run with ``-s`` for the
table of statements per page.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from lms.accounts.models import Role, User, UserRole
from lms.courses.models import Course, Lesson
from lms.demo import DEMO_PASSWORD
from lms.exams.models import Attempt, AttemptState, Exam
from lms.extensions import db
from lms.training.models.sessions import ClassroomSession, Invitation
from tests.budgets.world import (
    attempt_in_progress,
    essays_to_mark,
    multiply_agents,
    statements,
)
from tests.fixtures.app import build_app, reset_database

COPIES = 9  # added to the demo's one: ten times the agents
AGENT, TRAINER, HR, ADMIN = "KF0016", "T0001", "H0001", "A0001"
# One of the two demo agents who have not sat the certification this year: they may start it.
CANDIDATE = "KF0014"
ESSAY_WRITERS = ["KF0003", "KF0009", "KF0017", "KF0022", "KF0027"]
CERTIFICATION = "service-standards-certification"


@dataclass(frozen=True)
class Ids:
    """The ids the pages' URLs take, found in the demo once it is loaded."""

    agent: int
    course: str
    lesson: str
    certification: int
    graded_attempt: int
    open_attempt: int
    session: int


@dataclass(frozen=True)
class Page:
    name: str
    who: str | None  # employee no. signed in; None: nobody
    url: Callable[[Ids], str]
    # Statements at most, whatever the data: about what the page sends today, with a little
    # room, so that a change that adds reads to a page is a decision, not an accident.
    budget: int
    # The page shows one page of a list that grows with the data: its count may move a
    # little with what is on that page, but stays within the budget.
    paged: bool = False


PAGES = [
    # An agent's pages
    Page("login", None, lambda i: "/login", 2),
    Page("home (agent)", AGENT, lambda i: "/", 24),
    Page("my learning", AGENT, lambda i: "/my/learning", 10),
    Page("course list", AGENT, lambda i: "/courses", 6),
    Page("course", AGENT, lambda i: f"/courses/{i.course}", 10),
    Page("lesson", AGENT, lambda i: f"/courses/{i.course}/lessons/{i.lesson}", 17),
    Page("my record", AGENT, lambda i: "/my/record", 13),
    Page("exam list, certificates", AGENT, lambda i: "/exams", 12),
    Page("exam", AGENT, lambda i: f"/exams/{i.certification}", 11),
    Page("exam attempt", CANDIDATE, lambda i: f"/attempts/{i.open_attempt}", 10),
    Page("result", AGENT, lambda i: f"/attempts/{i.graded_attempt}/result", 11),
    Page("my career path", AGENT, lambda i: "/my/career", 22),
    Page("notifications", AGENT, lambda i: "/notifications", 6, paged=True),
    Page("my classroom sessions", AGENT, lambda i: "/classroom", 8),
    Page("my refreshers", AGENT, lambda i: "/refreshers", 10),
    # A trainer's
    Page("home (trainer)", TRAINER, lambda i: "/", 9),
    Page("question bank", TRAINER, lambda i: "/questions", 12, paged=True),
    Page("exam admin list", TRAINER, lambda i: "/exam-admin", 6),
    Page("exam results", TRAINER, lambda i: "/exam-results", 18, paged=True),
    Page("grading queue", TRAINER, lambda i: "/grading", 8),
    Page("classroom sessions", TRAINER, lambda i: "/training/sessions", 10),
    Page("classroom calendar", TRAINER, lambda i: "/classroom/calendar", 8),
    Page("session roster", TRAINER, lambda i: f"/training/sessions/{i.session}", 15),
    Page("refresher programmes", TRAINER, lambda i: "/refresher-programmes", 6),
    # HR's
    Page("home (HR)", HR, lambda i: "/", 9),
    Page("ledger", HR, lambda i: "/records/ledger", 18, paged=True),
    Page("HR dashboard", HR, lambda i: "/reports", 26),
    Page("department report", HR, lambda i: "/reports/departments", 22),
    Page("agents report", HR, lambda i: "/reports/agents", 18, paged=True),
    Page("agent report", HR, lambda i: f"/reports/agents/{i.agent}", 13),
    Page("certificate expiries", HR, lambda i: "/reports/certificates", 15, paged=True),
    Page("eligibility", HR, lambda i: "/career/eligibility", 30, paged=True),
    Page("agent's career checklist", HR, lambda i: f"/career/agents/{i.agent}", 25),
    Page("KPI history", HR, lambda i: "/hr/kpis", 6),
    Page("agent's KPIs", HR, lambda i: f"/hr/kpis/agents/{i.agent}", 10),
    Page("refresher compliance", HR, lambda i: "/refresher-programmes/compliance", 19),
    Page("policy signatures", HR, lambda i: "/records/policy", 17, paged=True),
    Page("external training", HR, lambda i: "/records/external", 12, paged=True),
    # An administrator's
    Page("users", ADMIN, lambda i: "/admin/users", 15, paged=True),
]


@dataclass
class Measured:
    ids: Ids
    once: dict[str, list[str]]  # page -> its statements in the demo
    tenfold: dict[str, list[str]]  # page -> its statements with ten times the agents
    agents: tuple[int, int]  # agents in each world
    awaiting_marking: tuple[int, int]  # attempts in the marking queue in each world
    added: dict[str, int]  # rows the copies added, per table


def _find_ids() -> Ids:
    agent = db.session.scalar(sa.select(User).where(User.employee_no == AGENT))
    assert agent is not None
    course = db.session.scalar(sa.select(Course).where(Course.slug == "service-standards"))
    assert course is not None
    lesson = db.session.scalar(
        sa.select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
    )
    certification = db.session.scalar(sa.select(Exam.id).where(Exam.slug == CERTIFICATION))
    graded = db.session.scalar(
        sa.select(Attempt.id)
        .where(
            Attempt.user_id == agent.id,
            Attempt.exam_id == certification,
            Attempt.state == AttemptState.GRADED,
        )
        .order_by(Attempt.id.desc())
    )
    busiest = db.session.scalar(
        sa.select(ClassroomSession.id)
        .join(Invitation)
        .group_by(ClassroomSession.id)
        .order_by(sa.func.count().desc(), ClassroomSession.id)
    )
    assert lesson is not None and certification and graded and busiest
    return Ids(
        agent=agent.id,
        course=course.slug,
        lesson=lesson.slug,
        certification=certification,
        graded_attempt=graded,
        open_attempt=attempt_in_progress(CANDIDATE, CERTIFICATION),
        session=busiest,
    )


def _agents() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(UserRole).where(UserRole.role == Role.AGENT)
    )


def _awaiting_marking() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(Attempt.state == AttemptState.SUBMITTED)
    )


def _sign_in(app: Flask, employee_no: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"employee_no": employee_no, "password": DEMO_PASSWORD})
    assert response.status_code == 302, (employee_no, response.status_code)
    return client


def _measure(app: Flask, clients: dict[str | None, FlaskClient], ids: Ids) -> dict[str, list[str]]:
    """Each page's statements, on a second sweep over all the pages.

    The first sweep warms per-process caches, and lets the pages that bring derived state
    up to date as they read (refresher completions copied from the ledger) commit it, so
    the measured sweep sees the same settled state in both worlds.
    """
    for page in PAGES:
        response = clients[page.who].get(page.url(ids))
        assert response.status_code == 200, (page.name, page.url(ids), response.status_code)
    counts = {}
    for page in PAGES:
        with statements(app) as sent:
            response = clients[page.who].get(page.url(ids))
        assert response.status_code == 200, (page.name, page.url(ids), response.status_code)
        counts[page.name] = [_shape(statement) for statement in sent]
    return counts


def _shape(statement: str) -> str:
    """A statement on one line, its IN lists shortened: what differs between the worlds."""
    statement = re.sub(r"\s+", " ", statement).strip()
    return re.sub(
        r"IN \((?:\?|%\(\w+\)s|\$\d+)(?:, (?:\?|%\(\w+\)s|\$\d+))*\)", "IN (...)", statement
    )


def _differences(once: list[str], tenfold: list[str]) -> str:
    lines = difflib.unified_diff(once, tenfold, "the demo", "ten times", lineterm="", n=1)
    return "\n".join(line[:240] for line in lines)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Measured]:
    path: Path = tmp_path_factory.mktemp("budgets") / "budgets.sqlite3"
    app = build_app(f"sqlite:///{path}")
    with app.app_context():
        reset_database(db.engine)
        flask_migrate.upgrade()
        db.engine.dispose()
    runner = app.test_cli_runner()
    for command in (["content", "sync"], ["demo", "load"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        essays_to_mark(ESSAY_WRITERS)
        ids = _find_ids()
        db.session.commit()
        before = _agents()
        marking = _awaiting_marking()

    clients = {who: _sign_in(app, who) for who in {p.who for p in PAGES} if who is not None}
    clients[None] = app.test_client()
    once = _measure(app, clients, ids)

    with app.app_context():
        added = multiply_agents(COPIES)
        db.session.commit()
        after = _agents()
        marking_after = _awaiting_marking()
    tenfold = _measure(app, clients, ids)

    print(f"\nSQL statements per page: the demo ({before} agents) / ten times ({after} agents)")
    for page in PAGES:
        one, ten = len(once[page.name]), len(tenfold[page.name])
        growth = "" if one == ten else "  <- changes"
        print(f"  {page.name:28} {one:4} / {ten:4}   (budget {page.budget}){growth}")
    yield Measured(ids, once, tenfold, (before, after), (marking, marking_after), added)
    with app.app_context():
        db.engine.dispose()


def test_the_tenfold_world_has_ten_times_the_agents_and_their_data(measured: Measured) -> None:
    before, after = measured.agents
    # The trainer who also takes calls is not copied: one agent who is not only an agent.
    assert after == before + COPIES * (before - 1)
    for table in (
        "participation_record",
        "attempt",
        "attempt_answer",
        "certificate",
        "kpi_value",
        "notification",
        "refresher_assignment",
        "session_invitation",
        "course_completion",
    ):
        assert measured.added.get(table, 0) > 0, table
    # The marking queue has the essays of the demo's writers, then of their copies too.
    assert measured.awaiting_marking == (len(ESSAY_WRITERS), len(ESSAY_WRITERS) * (COPIES + 1))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_page_keeps_its_statement_budget(measured: Measured, page: Page) -> None:
    once, tenfold = measured.once[page.name], measured.tenfold[page.name]
    assert len(once) <= page.budget, f"{page.name}: {len(once)} statements:\n" + "\n".join(once)
    assert len(tenfold) <= page.budget, (
        f"{page.name}: {len(tenfold)} statements at 10×:\n" + "\n".join(tenfold)
    )
    if not page.paged:
        assert len(tenfold) == len(once), (
            f"{page.name}: {len(once)} statements in the demo, {len(tenfold)} at 10×:\n"
            + _differences(once, tenfold)
        )
