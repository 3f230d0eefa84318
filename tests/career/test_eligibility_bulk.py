"""Evaluating many agents at once gives each of them exactly what evaluating them alone does.

The bulk path prepares each rule once, shares words and evidence between agents, reads
every KPI window in one statement (complaints only where there were some), caps 学时 per day
while reading the ledger and pauses the cycle collector: none of that may change a result.
"""

from __future__ import annotations

import gc
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask

from lms.accounts.models import Level
from lms.career import services as career
from lms.career.conditions import AgentFacts, LedgerEntry, RefresherDue, check_condition, words
from lms.career.services import kpis
from lms.career.services.rules import RuleSpec
from lms.extensions import db
from lms.records import services as records
from lms.records.models import ParticipationRecord
from tests.career.bulk_agents import statements
from tests.career.test_eligibility import AS_OF, CONTENT, english  # noqa: F401  (autouse)
from tests.career.test_kpis import store


def line(user_id: int, key: str, on: date, *, credit: str | None = None, minutes: int | None = None,
         kind: records.ParticipationKind = records.ParticipationKind.EXTERNAL) -> None:  # fmt: skip
    records.record_participation(
        user_id=user_id,
        kind=kind,
        source_key=key,
        title=f"Line {key}",
        occurred_on=on,
        credit_hours=Decimal(credit) if credit is not None else None,
        minutes=minutes,
        attendance="present" if kind is records.ParticipationKind.CLASSROOM else None,
    )


def test_the_daily_cap_read_with_the_lines_is_the_training_records_cap(
    db_session, create_user
) -> None:
    agent, other = create_user(), create_user()
    busy = date(2026, 3, 2)
    line(agent.id, "a", busy, credit="3")
    line(agent.id, "b", busy, minutes=10)  # under the minimum: nothing
    line(agent.id, "c", busy, credit="4.5")  # 7.5 of the day's 8
    line(agent.id, "d", busy, minutes=180)  # 4.0, crosses the cap: what is left
    line(agent.id, "f2", busy, credit="1")  # after the cap: nothing
    line(agent.id, "e", date(2026, 3, 3), minutes=90)
    line(other.id, "f", busy, credit="8")
    line(other.id, "g", busy, minutes=45)
    db.session.flush()

    found = records.entries_between([agent.id, other.id], date(2026, 3, 1), date(2026, 3, 31))

    rows = db.session.scalars(sa.select(ParticipationRecord)).all()
    expected = records.credited_hours(rows, records.hours_settings())
    assert {e.id: e.hours for lines in found.values() for e in lines} == expected
    assert [e.hours for e in found[agent.id]] == [
        Decimal("3.0"), Decimal("0.0"), Decimal("4.5"), Decimal("0.5"), Decimal("0.0"),
        Decimal("2.0"),
    ]  # fmt: skip
    assert [e.hours for e in found[other.id]] == [Decimal("8.0"), Decimal("0.0")]
    # Oldest first, by day then id.
    assert [e.occurred_on for e in found[agent.id]] == [busy] * 5 + [date(2026, 3, 3)]


def test_kpi_figures_reads_each_metric_over_its_window_in_one_statement(
    db_session, create_user
) -> None:
    a, b = create_user(), create_user()
    store(a.id, date(2026, 9, 1), "csat", "91")
    store(a.id, date(2026, 6, 1), "csat", "70")  # before csat's window
    store(a.id, date(2026, 6, 1), "fcr_rate", "80")
    store(a.id, date(2026, 3, 1), "upheld_complaints", "0")  # no complaint: not read
    store(b.id, date(2026, 2, 1), "upheld_complaints", "2")
    store(b.id, date(2026, 11, 1), "nps", "40")  # not asked for

    with statements() as sent:
        found = kpis.kpi_figures(
            [a.id, b.id],
            {
                "csat": (date(2026, 9, 1), date(2026, 11, 1)),
                "fcr_rate": (date(2026, 6, 1), date(2026, 11, 1)),
                "upheld_complaints": (date(2025, 12, 1), date(2026, 11, 1)),
            },
            above_zero={"upheld_complaints"},
        )

    assert len([s for s in sent if "kpi_value" in s]) == 1
    assert found == {
        a.id: {
            "csat": {date(2026, 9, 1): Decimal("91.00")},
            "fcr_rate": {date(2026, 6, 1): Decimal("80.00")},
        },
        b.id: {"upheld_complaints": {date(2026, 2, 1): Decimal("2.00")}},
    }
    assert kpis.kpi_figures([a.id], {}) == {}


def _world(create_user) -> list[int]:
    """Agents at both levels with every kind of fact, some sharing days and figures."""
    career.sync_career(CONTENT)
    people = []
    for n in range(6):
        level = Level.JUNIOR if n % 2 == 0 else Level.MID
        user = create_user(level=level)
        user.level_since = date(2024, 1 + n, 1) if n < 4 else date(2024, 1, 1)  # two share a day
        people.append(user.id)
        for k in range(n + 2):
            line(user.id, f"{n}-{k}", date(2026, 1 + k, 5 + n), credit=str(2 + k))
        for k in range(n):
            line(user.id, f"{n}-room-{k}", date(2026, 6 + k, 2),
                 kind=records.ParticipationKind.CLASSROOM, minutes=90)  # fmt: skip
        for month in (9, 10, 11):
            # The same figures for some agents: their evidence is shared, not mixed up.
            store(user.id, date(2026, month, 1), "csat", str(84 + (n % 3) * 3))
            store(user.id, date(2026, month, 1), "fcr_rate", str(70 + n))
            store(user.id, date(2026, month, 1), "answered_within_30s_rate", str(88 + n))
            store(user.id, date(2026, month, 1), "qa_compliance", "92")
            store(user.id, date(2026, month, 1), "complaint_rate", "0.8")
        if n == 3:
            store(user.id, date(2026, 4, 1), "upheld_complaints", "1")
    db.session.flush()
    return people


def test_many_agents_at_once_get_what_each_gets_alone(db_session, create_user) -> None:
    people = _world(create_user)

    together = career.evaluate_agents(people, AS_OF)

    for user_id in people:
        alone = career.evaluate_agent(user_id, AS_OF)
        assert together[user_id] == alone
    outcomes = {together[i].short_by for i in people}
    assert len(outcomes) > 1  # the world has some variety
    mid = together[people[3]]
    [complaints] = [r for r in mid.results if r.kind == "no_upheld_complaints"]
    assert not complaints.met and [e.on for e in complaints.evidence] == [date(2026, 4, 1)]
    assert all(
        r.met for i in people if i != people[3] for r in together[i].results
        if r.kind == "no_upheld_complaints"
    )  # fmt: skip


def test_the_gathered_facts_evaluate_as_hand_made_facts_do(db_session, create_user) -> None:
    """The ledger and refreshers reach the conditions as the other areas read them; the same
    facts written with the conditions' own types give the same results."""
    people = _world(create_user)
    gathered = career.gather_facts(people, AS_OF)
    rules = career.rules_in_force(AS_OF)
    for facts in gathered.values():
        by_hand = AgentFacts(
            user_id=facts.user_id,
            level=facts.level,
            level_since=facts.level_since,
            records=tuple(
                LedgerEntry(r.id, r.kind, r.title, r.occurred_on, r.hours, r.attendance)
                for r in facts.records
            ),
            certificates=facts.certificates,
            completions=facts.completions,
            refreshers=tuple(
                RefresherDue(r.title, r.month, r.due_on, r.completed_on) for r in facts.refreshers
            ),
            kpis=facts.kpis,
            titles=facts.titles,
        )
        rule = rules[Level(facts.level)]
        assert career.evaluate(facts, rule, AS_OF) == career.evaluate(by_hand, rule, AS_OF)


def test_a_condition_checked_alone_matches_the_prepared_check() -> None:
    facts = AgentFacts(
        user_id=1,
        level="junior",
        level_since=date(2026, 1, 10),
        records=(LedgerEntry(1, "external", "a", date(2026, 5, 1), Decimal("6.5")),),
        kpis={"csat": {date(2026, 9, 1): Decimal(84), date(2026, 10, 1): Decimal(91)}},
    )
    rule = RuleSpec(
        Level.JUNIOR,
        Level.MID,
        (
            {"kind": "months_at_level", "months": 12},
            {"kind": "training_hours", "hours": "10", "months": 12},
            {
                "kind": "kpi",
                "metric": "csat",
                "mode": "every_month",
                "threshold": "85",
                "months": 3,
            },
        ),  # fmt: skip
    )
    evaluated = career.evaluate(facts, rule, AS_OF)
    for condition, result in zip(rule.conditions, evaluated.results, strict=True):
        assert check_condition(condition, facts, AS_OF) == result
    assert [r.missing for r in evaluated.results] == [
        "1 more month at this level needed (met on 2027-01-10)",
        "3.5 more hours needed",
        "CSAT below 85% in 1 of the last 3 months",
    ]


def test_the_words_are_flask_babels_in_the_current_language(app: Flask) -> None:
    from flask_babel import gettext, ngettext

    seen = []
    for language in ("zh", "en"):
        # A fresh app context: flask_babel keeps the locale it chose in ``g``.
        with app.app_context(), app.test_request_context(headers={"Accept-Language": language}):
            expected = (
                gettext("%(hours)s more hours needed", hours="6.5"),
                ngettext("%(num)d month", "%(num)d months", 3),
            )
            plain = (
                words._("%(hours)s more hours needed", hours="6.5"),
                words.ngettext("%(num)d month", "%(num)d months", 3),
            )
            with words.one_locale():
                once = (
                    words._("%(hours)s more hours needed", hours="6.5"),
                    words.ngettext("%(num)d month", "%(num)d months", 3),
                )
                assert words.language() == language
            assert plain == once == expected
            seen.append(expected)
    assert seen[1] == ("6.5 more hours needed", "3 months") and seen[0] != seen[1]


def test_the_cycle_collector_resumes_after_an_evaluation(db_session, create_user) -> None:
    people = _world(create_user)
    assert gc.isenabled()
    career.evaluate_agents(people, AS_OF)
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left paused
    try:
        career.evaluate_agents(people, AS_OF)
        assert not gc.isenabled()
    finally:
        gc.enable()
