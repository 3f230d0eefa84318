"""``levels_of``: people's levels in bulk, for the career area."""

from __future__ import annotations

from datetime import date

from lms.accounts import services as accounts
from lms.accounts.models import Level


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
