"""Gathering facts in bulk and evaluating agents against the rule in force."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask

from lms.accounts import services as accounts
from lms.accounts.models import Level
from lms.career import services as career
from lms.career.conditions import AgentFacts, ConditionResult
from lms.career.services.rules import RuleSpec
from lms.extensions import db
from lms.records import services as records
from tests.career.bulk_agents import add_agents, agents_in, statements

CONTENT = Path(__file__).resolve().parents[2] / "content" / "career"
AS_OF = date(2026, 12, 15)


@pytest.fixture(autouse=True)
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def junior(create_user, since: date = date(2025, 6, 1)):
    user = create_user(level=Level.JUNIOR)
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


def test_evaluate_is_pure_and_reports_what_is_short() -> None:
    rule = RuleSpec(
        from_level=Level.JUNIOR,
        to_level=Level.MID,
        conditions=(
            {"kind": "months_at_level", "months": 12},
            {"kind": "training_hours", "hours": "10", "months": 12},
        ),
        version_id=7,
        number=3,
    )
    waiting = AgentFacts(user_id=1, level="junior", level_since=date(2026, 1, 1))
    result = career.evaluate(waiting, rule, AS_OF)
    assert (result.rule_version_id, result.rule_version_number) == (7, 3)
    assert result.to_level is Level.MID and result.short_by == 2 and not result.eligible
    assert result.met_by_time_on is None  # the hours need doing, not waiting

    only_time = career.evaluate(
        AgentFacts(user_id=1, level="junior", level_since=date(2026, 1, 1)),
        RuleSpec(Level.JUNIOR, Level.MID, ({"kind": "months_at_level", "months": 12},)),
        AS_OF,
    )
    assert only_time.short_by == 1 and only_time.met_by_time_on == date(2027, 1, 1)
    assert all(isinstance(r, ConditionResult) for r in only_time.results)


def test_evaluate_agents_uses_the_rule_in_force_and_the_gathered_facts(
    db_session, create_user
) -> None:
    career.sync_career(CONTENT)
    career.save_rule_version(
        "junior",
        [
            {"kind": "months_at_level", "months": 12},
            {"kind": "training_hours", "hours": 10, "months": 12},
            {"kind": "kpi", "metric": "csat", "mode": "average", "threshold": 85, "months": 3},
        ],
        date(2026, 12, 1),
        "",
        by_id=None,
    )
    ready, short, senior = junior(create_user), junior(create_user), create_user(level=Level.SENIOR)
    hours(ready.id, date(2026, 3, 1), "6", "a")
    hours(ready.id, date(2026, 11, 1), "4", "b")
    hours(short.id, date(2026, 11, 1), "3.5", "c")
    hours(short.id, date(2025, 11, 1), "20", "d")  # before the window
    csat = {date(2026, m, 1): Decimal(90) for m in (9, 10, 11)}
    asked: list[tuple[object, ...]] = []

    def kpi_source(user_ids, windows, above_zero):
        asked.append((tuple(user_ids), dict(windows), set(above_zero)))
        return {user_id: {"csat": csat} for user_id in user_ids}

    found = career.evaluate_agents([ready.id, short.id, senior.id], AS_OF, kpi_source=kpi_source)

    assert found[senior.id] is None
    assert found[ready.id].eligible and found[ready.id].rule_version_number == 2
    assert found[short.id].short_by == 1
    [missing] = [r for r in found[short.id].results if not r.met]
    assert missing.missing == "6.5 more hours needed"
    # One call for every agent and metric (not per agent, nor per window), each metric over
    # its longest window only: a year of upheld complaints (only where there were some),
    # not a year of every metric.
    [(ids, windows, above_zero)] = asked
    assert ids == tuple(sorted([ready.id, short.id, senior.id]))
    last = date(2026, 11, 1)
    assert windows == {
        "upheld_complaints": (date(2025, 12, 1), last),
        "complaint_rate": (date(2026, 6, 1), last),
        "fcr_rate": (date(2026, 6, 1), last),
        "csat": (date(2026, 9, 1), last),
    }
    assert above_zero == {"upheld_complaints"}
    before = career.evaluate_agent(ready.id, date(2026, 11, 30), kpi_source=kpi_source)
    assert before is not None and before.rule_version_number == 1


def test_gathering_takes_the_same_statements_for_5_or_50_agents(db_session, create_user) -> None:
    career.sync_career(CONTENT)
    agents = [junior(create_user) for _ in range(50)]
    for number, agent in enumerate(agents):
        hours(agent.id, date(2026, 5, 1), "2", f"h{number}")
    db.session.flush()
    counts = []
    ids = [agent.id for agent in agents]
    for group in (ids[:5], ids):
        db.session.expire_all()
        with statements() as sent:
            facts = career.gather_facts(group, AS_OF)
            found = career.evaluate_agents(group, AS_OF)
        counts.append(len(sent))
        assert len(facts) == len(group) and len(found) == len(group)
        assert all(f.records[0].hours == Decimal(2) for f in facts.values())
        assert all(e is not None and not e.eligible for e in found.values())
    assert counts[0] == counts[1]


def test_a_select_of_agents_costs_the_same_statements_for_5_or_1200(
    db_session, create_department
) -> None:
    career.sync_career(CONTENT)
    few, many = create_department("中心/一组"), create_department("中心/二组")
    some, lots = add_agents(5, few), add_agents(1_200, many, Level.MID)
    hours(some[0], date(2026, 5, 1), "2", "few")
    hours(lots[-1], date(2026, 5, 1), "3", "many")
    counts, found = [], []
    for department in (few, many):
        db.session.expire_all()
        with statements() as sent:
            found.append(career.evaluate_agents(agents_in(department), AS_OF))
        counts.append(len(sent))
    assert counts[0] == counts[1]
    assert sorted(found[0]) == some and sorted(found[1]) == lots
    assert all(e is not None and e.to_level is Level.MID for e in found[0].values())
    assert all(e is not None and e.to_level is Level.SENIOR for e in found[1].values())
    # "Every active agent": accounts.agents_select() as it is (id, department, level).
    everyone = career.evaluate_agents(accounts.agents_select(), AS_OF)
    assert set(everyone) == set(some) | set(lots)
    facts = career.gather_facts(agents_in(many), AS_OF)
    assert [r.hours for r in facts[lots[-1]].records] == [Decimal(3)]
    assert facts[lots[0]].records == ()
