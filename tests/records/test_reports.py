"""HR reports over the ledger, without HTTP: periods, the department report with its rollup
and totals, the learning score, one agent's history and appraisal, the dashboard series."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.accounts.models import Level
from lms.courses import services as courses
from lms.courses.models import CourseCompletion
from lms.errors import FieldErrors
from lms.extensions import db
from lms.i18n import from_local
from lms.records import reports
from lms.records import services as records
from lms.records.reports import Period, PeriodKind, RefresherTally
from lms.records.services import ParticipationKind
from lms.training.services import refreshers

CONTENT = Path(__file__).resolve().parents[2] / "content"
NOV = Period.containing(PeriodKind.MONTH, date(2026, 11, 15))
#: When the reports are read: November's refreshers, due on the 8th, can all be judged.
DEC_1 = date(2026, 12, 1)
_keys = iter(range(1, 10_000))


def entry(user, kind: ParticipationKind, on: date, **details):
    details.setdefault("title", f"{kind.value} {on}")
    return records.record_participation(
        user_id=user.id, kind=kind, source_key=f"test:{next(_keys)}", occurred_on=on, **details
    )


# --- periods ----------------------------------------------------------------------------------


def test_periods_contain_whole_months_quarters_and_years_and_step_by_their_length() -> None:
    day = date(2026, 11, 15)
    assert (NOV.start, NOV.end, NOV.label) == (date(2026, 11, 1), date(2026, 11, 30), "2026-11")
    quarter = Period.containing(PeriodKind.QUARTER, day)
    assert (quarter.start, quarter.end) == (date(2026, 10, 1), date(2026, 12, 31))
    year = Period.containing(PeriodKind.YEAR, day)
    assert (year.start, year.end, year.days) == (date(2026, 1, 1), date(2026, 12, 31), 365)
    assert NOV.shifted(2).label == "2027-01"
    assert quarter.shifted(-1).start == date(2026, 7, 1)
    spell = Period(PeriodKind.RANGE, date(2026, 1, 1), date(2026, 1, 10))
    assert spell.shifted(1) == Period(PeriodKind.RANGE, date(2026, 1, 11), date(2026, 1, 20))


def test_a_date_range_needs_both_ends_in_order() -> None:
    today = date(2026, 11, 15)
    with pytest.raises(FieldErrors) as missing:
        reports.choose_period("range", None, date(2026, 1, 1), None, today)
    assert [f for f, _m in missing.value.pairs] == ["date_to"]
    with pytest.raises(FieldErrors) as backwards:
        reports.choose_period("range", None, date(2026, 2, 1), date(2026, 1, 1), today)
    assert [f for f, _m in backwards.value.pairs] == ["date_to"]
    assert reports.choose_period("nonsense", None, None, None, today) == NOV
    assert reports.choose_period("quarter", date(2026, 2, 2), None, None, today).label


# --- the department report ----------------------------------------------------------------------


@pytest.fixture
def organisation(create_department, create_user):
    """客服中心 with 一部 (team 一组) and 二部; agents, a trainer and a former agent; the
    seeded courses, one of them November's refresher for 一部 with its teams."""
    courses.sync_content(CONTENT)
    centre = create_department("客服中心")
    first = create_department("客服中心/一部")
    team = create_department("客服中心/一部/一组")
    second = create_department("客服中心/二部")
    people = {
        "a": create_user(name="甲", department=first, level=Level.JUNIOR),
        "b": create_user(name="乙", department=team, level=Level.MID),
        "c": create_user(name="丙", department=second, level=Level.JUNIOR),
        "trainer": create_user(name="丁", roles=("trainer",), department=second),
        "gone": create_user(name="戊", department=second, level=Level.JUNIOR),
    }
    people["gone"].is_active = False
    db.session.flush()
    refresher = courses.get_course_by_slug("complaint-handling")
    programme = refreshers.save_programme(
        None,
        refreshers.ProgrammeSpec(
            month=NOV.start,
            title="11月复训",
            course_id=refresher.id,
            audience=accounts.Audience(roles=("agent",), department_ids=(first.id,)),
            due_on=date(2026, 11, 8),
        ),
        None,
        today=NOV.start,
    )
    return {
        "centre": centre,
        "first": first,
        "team": team,
        "second": second,
        "refresher": refresher,
        "programme": programme,
        **people,
    }


def complete_refresher(org, user, on: date) -> None:
    """What the courses area writes when ``user`` completes the refresher's course at noon
    on ``on``: the completion and its ledger row (45 minutes, for round figures)."""
    course = org["refresher"]
    completed_at = from_local(datetime.combine(on, time(12)))
    db.session.add(
        CourseCompletion(user_id=user.id, course_id=course.id, completed_at=completed_at)
    )
    db.session.flush()
    records.record_participation(
        user_id=user.id,
        kind=ParticipationKind.COURSE,
        source_key=f"course:{course.id}:user:{user.id}",
        title=course.title_zh,
        occurred_on=on,
        minutes=45,
        result="completed",
    )


def seed_november(org) -> None:
    a, b, c = org["a"], org["b"], org["c"]
    # a: 6 + 3 declared on one day, capped at 8; a course completed; an exam passed.
    entry(a, ParticipationKind.CLASSROOM, date(2026, 11, 3), minutes=270, attendance="present")
    entry(
        a, ParticipationKind.COURSE, date(2026, 11, 3), credit_hours=Decimal(3), result="completed"
    )
    entry(
        a, ParticipationKind.EXAM, date(2026, 11, 5), minutes=45, result="passed", score=Decimal(90)
    )
    complete_refresher(org, a, date(2026, 11, 6))  # due on the 8th: on time
    # b (in the team under 一部): an exam failed, a classroom session late, one absent.
    entry(
        b, ParticipationKind.EXAM, date(2026, 11, 5), minutes=45, result="failed", score=Decimal(50)
    )
    entry(b, ParticipationKind.CLASSROOM, date(2026, 11, 7), minutes=90, attendance="late")
    entry(b, ParticipationKind.CLASSROOM, date(2026, 11, 8), minutes=None, attendance="absent")
    complete_refresher(org, b, date(2026, 11, 9))  # late
    # c: one course, in 二部.
    entry(
        c,
        ParticipationKind.COURSE,
        date(2026, 11, 20),
        credit_hours=Decimal("1.5"),
        result="completed",
    )
    # Not counted: outside the month, a trainer, someone who left.
    entry(
        c, ParticipationKind.COURSE, date(2026, 10, 31), credit_hours=Decimal(4), result="completed"
    )
    entry(org["trainer"], ParticipationKind.CLASSROOM, date(2026, 11, 3), minutes=90)
    entry(org["gone"], ParticipationKind.COURSE, date(2026, 11, 3), credit_hours=Decimal(2))


def test_the_department_report_rolls_teams_up_and_totals_count_everyone_once(organisation) -> None:
    seed_november(organisation)
    report = reports.department_report(NOV, organisation["centre"].id, today=DEC_1)
    rows = {row.name: row for row in report.rows}
    assert [r.name for r in report.rows] == ["客服中心", "一部", "一组", "二部"]
    assert [r.depth for r in report.rows] == [0, 1, 2, 1]

    first = rows["一部"].figures  # a directly, b through the team
    assert first.headcount == 2
    # a: 6 + 3 capped at 8 on the 3rd, then 1 + 1; b: 1 + 2 + 0 (absent) + 1
    assert first.hours == Decimal("14.0")
    # a's course and the refresher's, b's refresher
    assert (first.courses_completed, first.exams_taken, first.exams_passed) == (3, 2, 1)
    assert first.pass_rate == Decimal("50.0")
    assert (first.classroom_marked, first.classroom_attended) == (3, 2)
    assert first.attendance_rate == Decimal("66.7")
    assert first.refreshers == RefresherTally(2, 1, 1, 0, 0)
    assert first.refresher_rate == Decimal("50.0")
    assert rows["一组"].figures.headcount == 1
    assert rows["二部"].figures.headcount == 1  # the trainer and the former agent do not count
    assert rows["二部"].figures.hours == Decimal("1.5")
    assert rows["二部"].figures.refreshers == RefresherTally()  # not in the audience

    totals = report.totals
    assert totals == rows["客服中心"].figures
    assert totals.headcount == 3
    # The total 学时 equal what each person sees on their own record for the month.
    seen = sum(
        (
            line.hours
            for person in (organisation["a"], organisation["b"], organisation["c"])
            for line in records.training_record(person.id).lines
            if NOV.start <= line.record.occurred_on <= NOV.end
        ),
        Decimal(0),
    )
    assert totals.hours == seen == Decimal("15.5")
    assert totals.hours_per_head == Decimal("5.2")


def test_the_level_filter_and_a_department_filter_narrow_the_people(organisation) -> None:
    seed_november(organisation)
    mid = reports.department_report(NOV, organisation["centre"].id, level="mid", today=DEC_1)
    assert mid.totals.headcount == 1 and mid.totals.hours == Decimal("4.0")
    second = reports.department_report(NOV, organisation["second"].id, today=DEC_1)
    assert [r.name for r in second.rows] == ["二部"]
    assert second.rows[0].depth == 0 and second.totals.hours == Decimal("1.5")


def statements(run: Callable[[], object]) -> int:
    """The SQL statements ``run`` sends, from an empty session."""
    count = 0

    def counter(*_args) -> None:
        nonlocal count
        count += 1

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    return count


@pytest.mark.parametrize(
    "report",
    [
        lambda: reports.department_report(NOV, today=DEC_1),
        lambda: reports.agent_lines(NOV, today=DEC_1),
        lambda: reports.write_spreadsheet(
            [reports.agents_table(NOV, reports.agent_lines(NOV, today=DEC_1))]
        ),
        lambda: reports.dashboard(today=DEC_1),
    ],
    ids=["departments", "agents", "agents-xlsx", "dashboard"],
)
def test_reports_use_the_same_number_of_statements_for_more_people(
    organisation, create_user, report: Callable[[], object]
) -> None:
    seed_november(organisation)

    def newcomers(count: int) -> None:
        """People in the team with a course in November and their refresher, never done."""
        for _n in range(count):
            person = create_user(name=f"新人{next(_keys)}", department=organisation["team"])
            entry(
                person,
                ParticipationKind.COURSE,
                date(2026, 11, 2),
                credit_hours=Decimal(1),
                result="completed",
            )
        refreshers.assign(organisation["programme"], today=NOV.start)

    newcomers(1)
    report()  # the completions found are stored once, whatever the number of people
    before = statements(report)
    newcomers(15)
    assert statements(report) == before


def test_the_department_table_has_a_totals_row_equal_to_the_report_totals(organisation) -> None:
    seed_november(organisation)
    table = reports.department_table(reports.department_report(NOV, today=DEC_1))
    assert table.totals[1:4] == [3, 15.5, 5.2]
    assert len(table.rows) == 4 and len(table.columns) == len(table.totals)


# --- the learning score -----------------------------------------------------------------------


def test_the_learning_score_weighs_hours_exams_and_refreshers_and_reweights_missing_parts() -> None:
    tally = RefresherTally(assigned=4, on_time=3, late=1)
    # H = 100 (capped), E = 80, R = 75: (60*100 + 25*80 + 15*75) / 100
    assert reports.learning_score(50, Decimal(4), Decimal(80), tally) == Decimal("91.3")
    # No exam: (60*50 + 15*75) / 75
    assert reports.learning_score(20, Decimal(4), None, tally) == Decimal("55.0")
    # No target for the level and nothing due: exams alone.
    assert reports.learning_score(20, None, Decimal(64), RefresherTally()) == Decimal("64.0")
    assert reports.learning_score(0, None, None, RefresherTally()) is None
    # Open refreshers are not judged yet.
    assert RefresherTally(assigned=2, on_time=1, open=1).on_time_rate == Decimal("100.0")


def test_the_yearly_target_is_pro_rated_to_the_period() -> None:
    assert reports.pro_rated_target(Decimal(40), NOV) == Decimal("3.3")
    year = Period.containing(PeriodKind.YEAR, date(2026, 1, 1))
    assert reports.pro_rated_target(Decimal(40), year) == Decimal(40)
    assert reports.pro_rated_target(None, NOV) is None


def test_agent_lines_give_each_agent_their_hours_target_and_score(organisation) -> None:
    seed_november(organisation)
    lines = {
        line.name: line for line in reports.agent_lines(NOV, organisation["centre"].id, today=DEC_1)
    }
    assert set(lines) == {"甲", "乙", "丙"}
    a = lines["甲"]
    assert (a.hours, a.target, a.exam_score) == (Decimal("10.0"), Decimal("3.3"), Decimal("90.0"))
    assert a.refreshers == RefresherTally(1, 1, 0, 0, 0)
    assert a.score == Decimal("97.5")  # (60*100 + 25*90 + 15*100) / 100
    b = lines["乙"]
    assert b.refreshers == RefresherTally(1, 0, 1, 0, 0)
    # H = 4.0 against the mid target 48 pro-rated to 3.9: capped at 100; E = 50; R = 0
    assert b.score == Decimal("72.5")
    assert lines["丙"].refreshers == RefresherTally()  # nothing due: R left out
    assert lines["丙"].score == Decimal("45.5")  # H alone: 1.5 of 3.3
    table = reports.agents_table(NOV, list(lines.values()))
    assert table.totals[4] == 15.5
    assert table.totals[7:9] == [1, 2]  # refreshers on time, due


# --- one agent --------------------------------------------------------------------------------


def test_an_agents_history_has_capped_hours_by_kind_and_by_quarter(organisation) -> None:
    seed_november(organisation)
    a = organisation["a"]
    entry(a, ParticipationKind.EXTERNAL, date(2026, 2, 1), minutes=90)
    history = reports.agent_history(a, PeriodKind.QUARTER, today=date(2026, 12, 1))
    assert history.total_hours == Decimal("12.0")
    assert history.by_kind[ParticipationKind.CLASSROOM] == Decimal("6.0")
    # 2.0 on the 3rd (capped at 8 that day) and the refresher's 1.0
    assert history.by_kind[ParticipationKind.COURSE] == Decimal("3.0")
    assert [b.label for b in history.by_period] == ["2026 年第 4 季度", "2026 年第 1 季度"]
    assert history.by_period[0].total == Decimal("10.0")
    assert history.department == "客服中心/一部"
    tables = reports.history_tables(history)
    assert tables[0].totals[-1] == 12.0


def test_the_appraisal_record_gathers_the_period_and_scores_it(organisation) -> None:
    seed_november(organisation)
    b = organisation["b"]
    record = reports.appraisal(b, NOV, today=DEC_1)
    assert [ln.record.result for ln in record.exams] == ["failed"]
    assert [ln.record.attendance for ln in record.classroom] == ["late", "absent"]
    assert record.classroom_hours == Decimal("2.0")
    assert record.refresher_tally == RefresherTally(1, 0, 1, 0, 0)
    assert [r.status for r in record.refreshers] == ["late"]
    # H = 4.0 against the mid target 48 pro-rated to 3.9: capped at 100; E = 50; R = 0
    assert record.line.target == Decimal("3.9")
    assert record.line.score == Decimal("72.5")
    tables = reports.appraisal_tables(record)
    assert len(tables) == 7 and tables[0].rows[0][1] == b.name
    assert [row[3] for row in tables[2].rows] == [50.0]  # the exam's score, a number
    workbook = reports.write_spreadsheet(tables)
    assert workbook.startswith(b"PK")


# --- the dashboard ----------------------------------------------------------------------------


def test_the_dashboard_has_twelve_months_per_top_department_and_rates(organisation) -> None:
    seed_november(organisation)
    figures = reports.dashboard(today=date(2026, 11, 20))
    assert figures.months[0] == date(2025, 12, 1) and figures.months[-1] == date(2026, 11, 1)
    (centre,) = figures.hours_by_department
    assert centre.name == "客服中心"
    assert centre.values[-1] == Decimal("15.5") and centre.values[-2] == Decimal("4.0")
    assert figures.pass_rate.values[-1] == Decimal("50.0")
    assert figures.pass_rate.values[0] is None
    assert figures.refresher_compliance.values[-1] == Decimal("50.0")
