"""Many agents at once, and the SQL statements a block of code sends: for the tests that the
bulk readers cost the same statements for 5 agents as for 1,200 (more than one IN list of
500) when given a select of ids."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from itertools import count

import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.accounts.models import Department, Level, Role, User, UserRole
from lms.extensions import db

_numbers = count(1)


def add_agents(
    how_many: int,
    department: Department,
    level: Level = Level.JUNIOR,
    since: date = date(2025, 6, 1),
) -> list[int]:
    """``how_many`` active agents in ``department``, inserted in two statements (no password
    hashing: they never sign in); their ids."""
    numbers = [f"BULK{next(_numbers):06d}" for _ in range(how_many)]
    ids = db.session.scalars(
        sa.insert(User).returning(User.id, sort_by_parameter_order=True),
        [
            {
                "employee_no": number,
                "employee_no_key": number.lower(),
                "name": f"坐席{number}",
                "name_pinyin": f"zuo xi {number}",
                "name_initials": "zx",
                "department_id": department.id,
                "level": level,
                "level_since": since,
                "password_hash": "-",
            }
            for number in numbers
        ],
    ).all()
    db.session.execute(sa.insert(UserRole), [{"user_id": i, "role": Role.AGENT} for i in ids])
    return list(ids)


def agents_in(department: Department) -> sa.Select[tuple[int]]:
    """The active agents of ``department`` as a one-column select of ids."""
    return accounts.agents_select([department.id]).with_only_columns(
        User.id, maintain_column_froms=True
    )


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements sent inside the block, in order."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
