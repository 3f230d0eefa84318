"""The composition behind the career pages: checklist lines, HR's rows and the export."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from lms.accounts.models import Level
from lms.career.conditions import ConditionResult, Evidence
from lms.career.services import views
from lms.career.services.rules import save_rule_version
from lms.extensions import db
from lms.records import services as records

AS_OF = date(2026, 12, 15)
RULE = [
    {"kind": "months_at_level", "months": 12},
    {"kind": "training_hours", "hours": "10", "months": 12},
    {"kind": "courses_completed", "courses": ["complaint-handling"]},
]


@pytest.fixture(autouse=True)
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def rule(db_session) -> None:
    save_rule_version("junior", RULE, date(2026, 1, 1), "", by_id=None)
    save_rule_version(
        "mid", [{"kind": "months_at_level", "months": 24}], date(2026, 1, 1), "", by_id=None
    )


def agent(create_user, since: date, level: Level = Level.JUNIOR, **kwargs):
    user = create_user(level=level, **kwargs)
    user.level_since = since
    return user


def hours(user_id: int, on: date, credit: str, key: str) -> None:
    records.record_participation(
        user_id=user_id,
        kind=records.ParticipationKind.EXTERNAL,
        source_key=key,
        title=f"Seminar {key}",
        occurred_on=on,
        credit_hours=Decimal(credit),
    )


def result(kind: str, met: bool, **values) -> ConditionResult:
    return ConditionResult(kind=kind, label=kind, met=met, actual="", required="", **values)


def test_progress_counts_from_the_evidence_and_the_rule_not_the_words() -> None:
    hours_done = result(
        "training_hours",
        False,
        evidence=(Evidence("record", "a", value="6.5"), Evidence("record", "b", value="1")),
    )
    assert views.progress_of(hours_done, {"hours": "10", "months": 12}, AS_OF) == 75
    half_courses = result("courses_completed", False, evidence=(Evidence("course", "x"),))
    assert views.progress_of(half_courses, {"courses": ["x", "y"]}, AS_OF) == 50
    waiting = result(
        "months_at_level",
        False,
        evidence=(Evidence("level", "since", on=date(2026, 6, 15)),),
        met_on=date(2027, 6, 15),
    )
    assert views.progress_of(waiting, {"months": 12}, AS_OF) == 50  # 183 of 365 days
    sessions = result("classroom_sessions", False, evidence=(Evidence("record", "s"),))
    assert views.progress_of(sessions, {"count": 4, "months": 12}, AS_OF) == 25
    refreshers = result(
        "refresher_rate",
        False,
        evidence=(Evidence("refresher", "r1"), Evidence("refresher", "r2", counts=False)),
    )
    assert views.progress_of(refreshers, {"percent": "100", "months": 6}, AS_OF) == 50
    # A certificate or a KPI is above its line or not: no bar.
    assert views.progress_of(result("certificate", False), {"exam": "x"}, AS_OF) is None
    assert views.progress_of(result("kpi", True), {}, AS_OF) is None
    assert views.progress_of(result("training_hours", True), {"hours": "1"}, AS_OF) == 100


def test_standing_names_eligible_one_short_and_not_eligible(db_session, create_user, rule) -> None:
    ready = agent(create_user, date(2025, 1, 1))
    hours(ready.id, date(2026, 5, 1), "6", "r1")
    hours(ready.id, date(2026, 6, 1), "6", "r2")
    short = agent(create_user, date(2025, 1, 1))
    senior = agent(create_user, date(2020, 1, 1), Level.SENIOR)
    db.session.flush()
    listing = views.eligibility_list(views.EligibilityFilter(), as_of=AS_OF)
    by_id = {row.user_id: row for row in listing.rows}
    # ready lacks only the course; short lacks the course and the hours
    assert by_id[ready.id].standing is views.Standing.ONE_SHORT
    assert by_id[short.id].standing is views.Standing.NOT_ELIGIBLE
    assert by_id[short.id].short_by == 2
    assert by_id[senior.id].standing is views.Standing.NO_NEXT_LEVEL
    assert by_id[senior.id].lines == []
    assert views.standing_of(None) is views.Standing.NO_NEXT_LEVEL


def test_career_path_has_level_duties_checklist_and_the_rule_version(
    db_session, create_user, rule
) -> None:
    user = agent(create_user, date(2026, 3, 1))
    hours(user.id, date(2026, 5, 1), "6.5", "a")
    db.session.flush()

    path = views.career_path(user, "en", as_of=AS_OF)

    assert path.level is not None and path.level.level is Level.JUNIOR
    assert path.next_level is not None and path.next_level.level is Level.MID
    assert path.level_since == date(2026, 3, 1)
    assert path.rule_effective_from == date(2026, 1, 1)
    assert path.eligibility is not None and path.eligibility.rule_version_number == 1
    assert path.standing is views.Standing.NOT_ELIGIBLE
    months, training, courses = path.lines
    assert not months.met and months.result.met_on == date(2027, 3, 1)
    assert training.progress == 65 and training.result.missing == "3.5 more hours needed"
    [step] = courses.steps
    assert (step.kind, step.slug, step.exam_id) == ("course", "complaint-handling", None)


def test_a_senior_agent_has_a_level_and_no_next_one(db_session, create_user, rule) -> None:
    senior = agent(create_user, date(2020, 1, 1), Level.SENIOR)
    path = views.career_path(senior, "zh_Hans", as_of=AS_OF)
    assert path.level is not None and path.level.level is Level.SENIOR
    assert path.next_level is None and path.eligibility is None and path.lines == []
    assert path.standing is views.Standing.NO_NEXT_LEVEL


def test_the_list_filters_by_department_with_its_teams_level_and_standing(
    db_session, create_user, create_department, rule
) -> None:
    centre = create_department("中心/一部")
    team = create_department("中心/一部/一组")
    other = create_department("中心/二部")
    in_team = agent(create_user, date(2025, 1, 1), department=team)
    in_other = agent(create_user, date(2025, 1, 1), department=other)
    mid = agent(create_user, date(2020, 1, 1), Level.MID, department=team)
    db.session.flush()

    def ids(**filters) -> set[int]:
        listing = views.eligibility_list(views.EligibilityFilter(**filters), as_of=AS_OF)
        return {row.user_id for row in listing.rows}

    assert ids(department_id=centre.id) == {in_team.id, mid.id}
    assert ids(department_id=other.id) == {in_other.id}
    assert in_team.id not in ids(level=Level.MID) and mid.id in ids(level=Level.MID)
    assert ids(department_id=centre.id, standing=views.Standing.ELIGIBLE) == {mid.id}
    listing = views.eligibility_list(views.EligibilityFilter(department_id=centre.id), AS_OF)
    assert listing.counts[views.Standing.ELIGIBLE] == 1
    assert listing.counts[views.Standing.NOT_ELIGIBLE] == 1
    assert {row.department for row in listing.rows} == {"中心/一部/一组"}


def test_the_list_takes_the_same_statements_for_3_or_30_agents(
    db_session, create_user, rule
) -> None:
    people = [agent(create_user, date(2025, 1, 1)) for _ in range(30)]
    for number, person in enumerate(people):
        hours(person.id, date(2026, 5, 1), "2", f"h{number}")
    db.session.flush()
    counts = []
    for size in (3, 30):
        for extra in people[size:]:
            extra.is_active = False
        for person in people[:size]:
            person.is_active = True
        db.session.flush()
        db.session.expire_all()
        sent: list[str] = []

        def record(_conn, _cursor, statement, *_args, sent=sent) -> None:
            sent.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            listing = views.eligibility_list(views.EligibilityFilter(), as_of=AS_OF)
            views.eligibility_workbook(listing)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        assert len([r for r in listing.rows if r.user_id in {p.id for p in people}]) == size
        counts.append(len(sent))
    assert counts[0] == counts[1]


def test_the_workbook_has_one_row_per_agent_and_a_column_per_condition(
    db_session, create_user, rule
) -> None:
    ready = agent(create_user, date(2025, 1, 1), employee_no="00215")
    hours(ready.id, date(2026, 5, 1), "6", "r1")
    hours(ready.id, date(2026, 6, 1), "6", "r2")
    agent(create_user, date(2020, 1, 1), Level.MID, employee_no="M0001")
    db.session.flush()
    listing = views.eligibility_list(views.EligibilityFilter(), as_of=AS_OF)

    sheet = load_workbook(io.BytesIO(views.eligibility_workbook(listing))).active
    rows = list(sheet.iter_rows(values_only=True))

    header = rows[0]
    assert header[:6] == (
        "Employee number",
        "Name",
        "Department",
        "Level",
        "Status",
        "Conditions short",
    )
    # junior's three conditions, then mid's one
    assert len(header) == 6 + 3 + 1
    assert header[6].startswith("Mid-level service agent: At least 12 months")
    by_no = {row[0]: row for row in rows[1:]}
    assert set(by_no) >= {"00215", "M0001"}  # the leading zeros kept
    junior_row, mid_row = by_no["00215"], by_no["M0001"]
    assert junior_row[4] == "One condition short" and junior_row[5] == 1
    assert junior_row[6:9] == ("Met", "Met", "Not completed yet: complaint-handling")
    assert junior_row[9] in (None, "")
    assert mid_row[4] == "Eligible" and mid_row[6:9] == (None, None, None)
    assert mid_row[9] == "Met"
