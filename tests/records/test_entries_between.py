"""``entries_between``: ledger lines of many people in a window, 学时 capped per day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lms.records import services as records
from tests.career.bulk_agents import add_agents, agents_in, statements


def line(user_id: int, key: str, on: date, hours: str, kind=records.ParticipationKind.EXTERNAL):
    return records.record_participation(
        user_id=user_id,
        kind=kind,
        source_key=key,
        title=key,
        occurred_on=on,
        credit_hours=Decimal(hours),
        attendance="present" if kind is records.ParticipationKind.CLASSROOM else None,
    )


def test_lines_in_the_window_with_the_daily_cap(db_session, create_user) -> None:
    agent, other, idle = create_user(), create_user(), create_user()
    first = line(agent.id, "a", date(2026, 3, 1), "6")
    second = line(agent.id, "b", date(2026, 3, 1), "5")  # the day's cap is 8
    line(agent.id, "c", date(2026, 2, 28), "2")  # before the window
    session = line(other.id, "d", date(2026, 3, 31), "1", records.ParticipationKind.CLASSROOM)

    found = records.entries_between(
        [agent.id, other.id, idle.id], date(2026, 3, 1), date(2026, 3, 31)
    )

    assert set(found) == {agent.id, other.id}
    assert [(e.id, e.hours) for e in found[agent.id]] == [
        (first.id, Decimal("6.0")),
        (second.id, Decimal("2.0")),
    ]
    [entry] = found[other.id]
    assert (entry.id, entry.kind, entry.attendance) == (session.id, "classroom", "present")


def test_a_select_of_ids_costs_one_statement_for_5_or_1200_people(
    db_session, create_department
) -> None:
    few, many = create_department("中心/一组"), create_department("中心/二组")
    some, lots = add_agents(5, few), add_agents(1_200, many)
    line(some[0], "a", date(2026, 3, 1), "3")
    line(lots[-1], "b", date(2026, 3, 2), "4")
    rules = records.hours_settings()
    counts, found = [], []
    for department in (few, many):
        with statements() as sent:
            found.append(
                records.entries_between(
                    agents_in(department), date(2026, 3, 1), date(2026, 3, 31), rules
                )
            )
        counts.append(len(sent))
    assert counts == [1, 1]
    assert [e.hours for e in found[0][some[0]]] == [Decimal("3.0")]
    assert set(found[1]) == {lots[-1]}
