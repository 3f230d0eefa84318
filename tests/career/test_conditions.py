"""Every condition kind at its boundary (exactly met, just missed), with facts built here:
no database, only a request context for the words (in English)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask

from lms.career.conditions import (
    KINDS,
    AgentFacts,
    CertificateHeld,
    LedgerEntry,
    RefresherDue,
    Title,
    check_condition,
    kpi_window,
    validate_conditions,
    window_start,
)

AS_OF = date(2026, 12, 15)
SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)


@pytest.fixture(autouse=True)
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def facts(**values: object) -> AgentFacts:
    return AgentFacts(user_id=1, level="junior", level_since=date(2025, 12, 15), **values)  # type: ignore[arg-type]


def check(condition: dict[str, object], agent: AgentFacts, as_of: date = AS_OF):
    checked, problems = validate_conditions([condition])
    assert problems == []
    return check_condition(checked[0], agent, as_of)


def test_every_kind_is_registered() -> None:
    assert set(KINDS) == {
        "months_at_level",
        "certificate",
        "courses_completed",
        "training_hours",
        "refresher_rate",
        "classroom_sessions",
        "kpi",
        "no_upheld_complaints",
    }


def test_windows() -> None:
    assert window_start(date(2026, 12, 15), 12) == date(2025, 12, 16)
    assert window_start(date(2026, 3, 31), 1) == date(2026, 3, 1)  # 28 February + 1 day
    assert kpi_window(date(2026, 12, 15), 3) == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
    ]


# --- months at the current level ---------------------------------------------------------------


def test_months_at_level_met_on_the_day() -> None:
    result = check({"kind": "months_at_level", "months": 12}, facts())
    assert result.met and result.actual == "12 months" and result.required == "12 months"


def test_months_at_level_missed_by_a_day_says_when_time_fixes_it() -> None:
    agent = AgentFacts(user_id=1, level="junior", level_since=date(2025, 12, 16))
    result = check({"kind": "months_at_level", "months": 12}, agent)
    assert not result.met
    assert result.actual == "11 months"
    assert result.met_on == date(2026, 12, 16)
    assert "2026-12-16" in result.missing


def test_months_at_level_without_a_date_is_not_met_and_time_does_not_fix_it() -> None:
    agent = AgentFacts(user_id=1, level="junior", level_since=None)
    result = check({"kind": "months_at_level", "months": 1}, agent)
    assert not result.met and result.met_on is None and result.missing


# --- a valid certificate -----------------------------------------------------------------------

EXAM = "service-standards-certification"
TITLES = {
    f"exam:{EXAM}": Title("服务规范考核", "Service standards certification"),
    "course:complaint-handling": Title("投诉处理", "Complaint handling"),
    "course:communication": Title("沟通技巧", "Communication"),
}


def test_certificate_valid_on_its_last_day() -> None:
    held = CertificateHeld(EXAM, "SA-2025-AAAA-BBBB", date(2025, 12, 15), date(2026, 12, 15))
    result = check(
        {"kind": "certificate", "exam": EXAM}, facts(certificates=(held,), titles=TITLES)
    )
    assert result.met
    assert result.evidence[0].ref == "SA-2025-AAAA-BBBB"
    assert "Service standards certification" in result.label


def test_certificate_expired_the_day_before_is_missing_with_the_exam_to_sit() -> None:
    held = CertificateHeld(EXAM, "SA-2025-AAAA-BBBB", date(2025, 12, 14), date(2026, 12, 14))
    result = check(
        {"kind": "certificate", "exam": EXAM}, facts(certificates=(held,), titles=TITLES)
    )
    assert not result.met and result.met_on is None
    assert result.actual == "Expired" and "2026-12-14" in result.missing
    assert result.next_steps[0].kind == "exam" and result.next_steps[0].slug == EXAM


def test_certificate_revoked_or_of_another_exam_does_not_count() -> None:
    revoked = CertificateHeld(EXAM, "SA-1", date(2026, 1, 1), None, revoked_on=AS_OF)
    other = CertificateHeld("other-exam", "SA-2", date(2026, 1, 1))
    result = check(
        {"kind": "certificate", "exam": EXAM}, facts(certificates=(revoked, other), titles=TITLES)
    )
    assert not result.met and result.actual == "Revoked"


# --- courses completed -------------------------------------------------------------------------


def test_courses_completed_on_the_day_counts() -> None:
    done = {"complaint-handling": date(2026, 1, 5), "communication": AS_OF}
    condition = {"kind": "courses_completed", "courses": ["complaint-handling", "communication"]}
    result = check(condition, facts(completions=done, titles=TITLES))
    assert result.met and result.actual == "2 of 2"
    assert {e.ref for e in result.evidence} == {"complaint-handling", "communication"}


def test_one_course_short_names_it_and_links_to_it() -> None:
    done = {"complaint-handling": date(2026, 1, 5), "communication": date(2026, 12, 16)}
    condition = {"kind": "courses_completed", "courses": ["complaint-handling", "communication"]}
    result = check(condition, facts(completions=done, titles=TITLES))
    assert not result.met and result.actual == "1 of 2"
    assert "Communication" in result.missing
    assert [(s.kind, s.slug) for s in result.next_steps] == [("course", "communication")]


# --- training hours ----------------------------------------------------------------------------


def entry(id_: int, on: date, hours: str, kind: str = "course", attendance: str | None = None):
    return LedgerEntry(id_, kind, f"record {id_}", on, Decimal(hours), attendance)


def test_training_hours_exactly_enough_within_the_window() -> None:
    records = (
        entry(1, date(2025, 12, 16), "20"),  # the window's first day
        entry(2, AS_OF, "4"),
        entry(3, date(2025, 12, 15), "50"),  # one day too old
    )
    result = check({"kind": "training_hours", "hours": 24, "months": 12}, facts(records=records))
    assert result.met and result.actual == "24 h"
    assert [e.ref for e in result.evidence] == ["2", "1"]


def test_training_hours_short_says_how_many_more() -> None:
    records = (entry(1, date(2026, 6, 1), "17.5"),)
    result = check({"kind": "training_hours", "hours": 24, "months": 12}, facts(records=records))
    assert not result.met and result.met_on is None
    assert result.missing == "6.5 more hours needed"


# --- monthly refreshers ------------------------------------------------------------------------


def refresher(month: int, completed: date | None) -> RefresherDue:
    return RefresherDue(
        f"refresher {month}", date(2026, month, 1), date(2026, month, 25), completed
    )


def test_refresher_rate_exactly_at_the_threshold() -> None:
    due = tuple(refresher(m, date(2026, m, 20)) for m in range(7, 11)) + (refresher(11, None),)
    result = check({"kind": "refresher_rate", "percent": 80, "months": 6}, facts(refreshers=due))
    assert result.met and result.actual == "80%"
    assert sum(1 for e in result.evidence if not e.counts) == 1


def test_refresher_rate_just_under_and_not_yet_due_ones_left_out() -> None:
    due = (
        *(refresher(m, date(2026, m, 20)) for m in range(7, 10)),
        refresher(10, None),
        refresher(11, date(2026, 12, 16)),  # completed after as_of: not yet done then
        RefresherDue("December", date(2026, 12, 1), date(2026, 12, 25), None),  # not yet due
    )
    result = check({"kind": "refresher_rate", "percent": 61, "months": 6}, facts(refreshers=due))
    assert not result.met and result.actual == "60%"
    assert result.missing == "2 of 5 refreshers not completed"


def test_refresher_rate_with_none_due_is_met() -> None:
    result = check({"kind": "refresher_rate", "percent": 90, "months": 3}, facts())
    assert result.met


# --- classroom sessions ------------------------------------------------------------------------


def test_classroom_sessions_present_and_late_count_absent_does_not() -> None:
    records = (
        entry(1, date(2026, 2, 1), "0", "classroom", "present"),
        entry(2, date(2026, 3, 1), "0", "classroom", "late"),
        entry(3, date(2026, 4, 1), "0", "classroom", "absent"),
        entry(4, date(2026, 5, 1), "3", "course"),
    )
    condition = {"kind": "classroom_sessions", "count": 2, "months": 12}
    assert check(condition, facts(records=records)).met
    missed = check({**condition, "count": 3}, facts(records=records))
    assert not missed.met and missed.missing == "1 more classroom session needed"


# --- KPIs --------------------------------------------------------------------------------------


def test_kpi_average_exactly_at_the_threshold() -> None:
    kpis = {
        "csat": {
            SEP: Decimal(84),
            OCT: Decimal(86),
            NOV: Decimal(85),
            date(2026, 12, 1): Decimal(0),
        }
    }
    condition = {"kind": "kpi", "metric": "csat", "mode": "average", "threshold": 85, "months": 3}
    result = check(condition, facts(kpis=kpis))
    assert result.met and result.required.startswith("≥")
    assert [e.on for e in result.evidence] == [SEP, OCT, NOV]


def test_kpi_average_just_under() -> None:
    kpis = {"csat": {SEP: Decimal(84), OCT: Decimal("85.99"), NOV: Decimal(85)}}
    condition = {"kind": "kpi", "metric": "csat", "mode": "average", "threshold": 85, "months": 3}
    result = check(condition, facts(kpis=kpis))
    assert not result.met and "84.99" in result.actual


def test_kpi_every_month_counts_the_months_below() -> None:
    kpis = {"csat": {SEP: Decimal(95), OCT: Decimal("89.9"), NOV: Decimal(80)}}
    condition = {
        "kind": "kpi",
        "metric": "csat",
        "mode": "every_month",
        "threshold": 90,
        "months": 3,
    }
    result = check(condition, facts(kpis=kpis))
    assert not result.met
    assert result.missing == "CSAT below 90% in 2 of the last 3 months"
    assert [e.counts for e in result.evidence] == [True, False, False]
    exactly = {"csat": {SEP: Decimal(90), OCT: Decimal(90), NOV: Decimal(90)}}
    assert check(condition, facts(kpis=exactly)).met


def test_kpi_lower_is_better_metric_compares_at_most() -> None:
    condition = {
        "kind": "kpi",
        "metric": "first_response_seconds",
        "mode": "every_month",
        "threshold": 30,
        "months": 2,
    }
    at = {"first_response_seconds": {OCT: Decimal(30), NOV: Decimal(30)}}
    over = {"first_response_seconds": {OCT: Decimal(30), NOV: Decimal("30.1")}}
    assert check(condition, facts(kpis=at)).met
    result = check(condition, facts(kpis=over))
    assert not result.met and result.required == "≤ 30"


def test_kpi_missing_month_is_not_met() -> None:
    kpis = {"fcr_rate": {OCT: Decimal(90), NOV: Decimal(90)}}
    condition = {
        "kind": "kpi",
        "metric": "fcr_rate",
        "mode": "average",
        "threshold": 70,
        "months": 3,
    }
    result = check(condition, facts(kpis=kpis))
    assert not result.met and "2026-09" in result.missing


# --- no upheld serious complaint ---------------------------------------------------------------


def test_no_upheld_complaint_met_when_the_complaint_just_left_the_window() -> None:
    kpis = {"upheld_complaints": {date(2025, 11, 1): Decimal(1), NOV: Decimal(0)}}
    result = check({"kind": "no_upheld_complaints", "months": 12}, facts(kpis=kpis))
    assert result.met and result.actual == "0"


def test_upheld_complaint_inside_the_window_says_when_it_leaves() -> None:
    kpis = {"upheld_complaints": {date(2025, 12, 1): Decimal(1)}}
    result = check({"kind": "no_upheld_complaints", "months": 12}, facts(kpis=kpis))
    assert not result.met
    assert result.met_on == date(2027, 1, 1)
    assert result.evidence[0].on == date(2025, 12, 1)


# --- parameters --------------------------------------------------------------------------------


def test_parameters_are_checked_by_their_kind() -> None:
    _checked, problems = validate_conditions(
        [
            {"kind": "months_at_level", "months": 0},
            {"kind": "training_hours", "hours": "2.25", "months": 12},
            {"kind": "kpi", "metric": "csat", "mode": "sometimes", "threshold": 130, "months": 3},
            {"kind": "kpi", "metric": "speed", "threshold": 1, "months": 3},
            {"kind": "certificate", "exam": "", "extra": 1},
            {"kind": "teleport"},
        ]
    )
    fields = [field for field, _message in problems]
    assert fields == [
        "conditions-0-months",
        "conditions-1-hours",
        "conditions-2-mode",
        "conditions-2-threshold",
        "conditions-3-metric",
        "conditions-4-extra",
        "conditions-4-exam",
        "conditions-5-kind",
    ]


def test_parameters_are_normalised_for_storage() -> None:
    checked, problems = validate_conditions(
        [{"kind": "training_hours", "hours": 24.0, "months": "12"}]
    )
    assert problems == []
    assert checked == [{"kind": "training_hours", "hours": "24", "months": 12}]


def test_an_empty_rule_is_refused() -> None:
    assert validate_conditions([])[1] == [("conditions", "A rule needs at least one condition.")]
