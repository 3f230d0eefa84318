"""The worlds the query budgets are measured in: the demo centre as `make run` loads it (1×),
then the same centre with nine more copies of every agent and all their data (10×).

The copies are made table by table with bulk inserts, not through the services: replaying
the demo's year nine times would take minutes, and a copy has exactly the shape of the
original (its records, attempts and answers, certificates, KPIs, notifications, refresher
assignments, session invitations and ratings...), so every page sees ten times the rows of
the same kinds. A copy's ids are the original's shifted by a fixed stride per table, so the
references between copied rows are rewritten without reading anything back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from lms.accounts.models import Role, User, UserRole
from lms.database import utcnow
from lms.exams import services as exams
from lms.extensions import db
from tests.exams.essays import essay_exam

# Tables never copied although they name a person: sign-in state, secrets and the audit
# trail describe what happened, not who the centre's agents are.
NOT_COPIED = frozenset(
    {"login_failure", "login_lock", "rate_limit_hit", "recovery_code", "audit_event"}
)

# Keys that embed the id of the row they came from ("exam-attempt:117",
# "course:3:user:15"): the id after each prefix is rewritten like a foreign key to the table.
KEY_PREFIXES = {
    "exam-attempt": "attempt",
    "session-invitation": "session_invitation",
    "refresher-assignment": "refresher_assignment",
    "external": "external_training",
    "user": "user",
}
_KEY_PART = re.compile(r"(?P<prefix>[a-z-]+):(?P<id>\d+)")

# Columns that must stay unique in a copy, with how a copy's value is made from the
# original's when no id in it was rewritten.
UNIQUE_TEXT = {
    ("user", "employee_no"): lambda value, copy: f"{value}X{copy}",
    ("user", "employee_no_key"): lambda value, copy: f"{value}x{copy}",
    ("certificate", "serial"): lambda value, copy: f"{value}-X{copy}",
    ("participation_record", "source_key"): lambda value, copy: f"{value}#copy{copy}",
    ("notification", "dedupe_key"): lambda value, copy: f"{value}#copy{copy}",
}


@dataclass
class _Plan:
    """One table to copy: the column whose value says which rows belong to an agent."""

    table: sa.Table
    owner: str
    owner_table: str


def _plans() -> list[_Plan]:
    """Every table holding an agent's data, parents before children: those with a
    ``user_id``, and those hanging (by a required foreign key) off such a table."""
    copied: set[str] = {"user"}
    plans: list[_Plan] = []
    for table in db.metadata.sorted_tables:
        if table.name in NOT_COPIED or table.name == "user":
            continue
        owner = None
        if "user_id" in table.c and _refers_to(table.c.user_id, "user"):
            owner = ("user_id", "user")
        else:
            for column in table.c:
                for key in column.foreign_keys:
                    target = key.column.table.name
                    if target in copied and target != "user" and not column.nullable:
                        owner = (column.name, target)
        if owner is not None:
            copied.add(table.name)
            plans.append(_Plan(table, *owner))
    return plans


def _refers_to(column: sa.Column[Any], table_name: str) -> bool:
    return any(key.column.table.name == table_name for key in column.foreign_keys)


def _only_agents() -> sa.Select[tuple[int]]:
    """The people who are agents and nothing else (trainers who also take calls stay one)."""
    roles = sa.select(UserRole.user_id).where(UserRole.role != Role.AGENT)
    return (
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.AGENT, User.id.not_in(roles))
    )


def multiply_agents(copies: int) -> dict[str, int]:
    """Add ``copies`` copies of every agent with everything of theirs; rows added per table."""
    agent_ids = set(db.session.scalars(_only_agents()))
    # The ids of the copied rows of each table, and the stride a copy's ids move by.
    owned: dict[str, set[int]] = {"user": agent_ids}
    stride: dict[str, int] = {"user": _max_id(User.__table__)}
    added: dict[str, int] = {}

    user_rows = _rows(User.__table__, User.__table__.c.id.in_(agent_ids))
    _insert_copies(User.__table__, user_rows, copies, owned, stride)
    added["user"] = len(user_rows) * copies

    for plan in _plans():
        table = plan.table
        rows = _rows(table, table.c[plan.owner].in_(owned[plan.owner_table]))
        if not rows:
            continue
        if "id" in table.c:
            owned[table.name] = {row["id"] for row in rows}
            stride[table.name] = _max_id(table)
        _insert_copies(table, rows, copies, owned, stride)
        added[table.name] = len(rows) * copies
    db.session.flush()
    return added


def _rows(table: sa.Table, where: sa.ColumnElement[bool]) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in db.session.execute(sa.select(table).where(where))]


def _max_id(table: sa.Table) -> int:
    return db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0


def _insert_copies(
    table: sa.Table,
    rows: list[dict[str, Any]],
    copies: int,
    owned: dict[str, set[int]],
    stride: dict[str, int],
) -> None:
    references = {
        column.name: key.column.table.name
        for column in table.c
        for key in column.foreign_keys
        if key.column.table.name in owned
    }
    if "id" in table.c and table.name in owned:
        references["id"] = table.name
    for copy in range(1, copies + 1):

        def moved(target: str, value: int, copy: int = copy) -> int:
            # Only rows that were copied move: a trainer who graded an answer stays the same.
            return value + copy * stride[target] if value in owned[target] else value

        batch = []
        for row in rows:
            new = dict(row)
            for column, target in references.items():
                if new[column] is not None:
                    new[column] = moved(target, new[column])
            for (table_name, column), fresh in UNIQUE_TEXT.items():
                if table_name == table.name and new.get(column) is not None:
                    rewritten = _rewrite_key(new[column], moved, owned)
                    new[column] = (
                        rewritten if rewritten != row[column] else fresh(row[column], copy)
                    )
            if table.name == "user":
                new["name"] = f"{row['name']}{copy}"
            batch.append(new)
        db.session.execute(table.insert(), batch)


def _rewrite_key(value: str, moved: Callable[[str, int], int], owned: dict[str, set[int]]) -> str:
    def one(match: re.Match[str]) -> str:
        target = KEY_PREFIXES.get(match["prefix"])
        if target is None or target not in owned:
            return match[0]
        return f"{match['prefix']}:{moved(target, int(match['id']))}"

    return _KEY_PART.sub(one, value)


# --- what the demo lacks for some pages --------------------------------------------------


def essays_to_mark(employee_nos: list[str]) -> int:
    """An exam with an essay, submitted by these agents and waiting for a trainer (the demo's
    exams are all marked by the machine, so its marking queue is empty); the exam's id."""
    exam = essay_exam()
    started = utcnow() - timedelta(days=1)
    for number in employee_nos:
        user = db.session.scalar(sa.select(User).where(User.employee_no == number))
        assert user is not None, number
        attempt = exams.attempts.start_attempt(exam, user, now=started)
        saves = [
            exams.attempts.AnswerSave(question.position, 0, "先安抚情绪，再核实问题。", "essay")
            for question in exams.attempts.present(attempt)
            if question.type == "essay"
        ]
        exams.attempts.save_answers(attempt.id, user.id, saves, now=started)
        exams.attempts.submit_attempt(attempt, user.id, now=started + timedelta(minutes=5))
    db.session.flush()
    return exam.id


def attempt_in_progress(employee_no: str, exam_slug: str) -> int:
    """An attempt the agent has open right now, for the exam-taking page; its id."""
    user = db.session.scalar(sa.select(User).where(User.employee_no == employee_no))
    exam = next(e for e in exams.results.all_exams() if e.slug == exam_slug)
    assert user is not None
    attempt = exams.attempts.start_attempt(exam, user)
    db.session.flush()
    return attempt.id


# --- counting ----------------------------------------------------------------------------


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements sent on ``app``'s engine inside the block, in order."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
