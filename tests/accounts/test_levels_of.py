"""``levels_of``: people's levels in bulk, for the career area."""

from __future__ import annotations

from datetime import date

from lms.accounts import services as accounts
from lms.accounts.models import Level
from tests.career.bulk_agents import add_agents, agents_in, statements


def test_levels_of_gives_level_and_since_by_id(db_session, create_user) -> None:
    junior, none = create_user(level=Level.JUNIOR), create_user()
    junior.level_since = date(2025, 6, 1)
    none.level = None
    found = accounts.levels_of([junior.id, none.id, junior.id, 10**6])
    assert found == {
        junior.id: accounts.LevelHeld(junior.id, Level.JUNIOR, date(2025, 6, 1)),
        none.id: accounts.LevelHeld(none.id, None, None),
    }
    assert accounts.levels_of([]) == {}


def test_a_select_of_ids_costs_one_statement_for_5_or_1200_people(
    db_session, create_department
) -> None:
    few, many = create_department("中心/一组"), create_department("中心/二组")
    first = add_agents(5, few, Level.MID, date(2024, 1, 1))
    add_agents(1_200, many)
    counts = []
    for department, expected in ((few, 5), (many, 1_200)):
        with statements() as sent:
            found = accounts.levels_of(agents_in(department))
        counts.append(len(sent))
        assert len(found) == expected
    assert counts == [1, 1]
    assert accounts.levels_of(agents_in(few))[first[0]] == accounts.LevelHeld(
        first[0], Level.MID, date(2024, 1, 1)
    )
    # A list keeps working, one statement per 500 ids.
    with statements() as sent:
        assert len(accounts.levels_of(first + first)) == 5
    assert len(sent) == 1
