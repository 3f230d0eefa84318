"""The hostile-input suites run in the security tests' seeded world (people of every role,
agents with employee numbers a KPI file can name), one rolled-back savepoint per example.

``HOSTILE_EXAMPLES`` lowers the example count for a quick local run; the requirement (and
the default) is 1,000 per importer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from lms.extensions import db
from tests.security.conftest import client_as, world, world_connection  # noqa: F401

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "1000"))
ROUTE_EXAMPLES = int(os.environ.get("HOSTILE_ROUTE_EXAMPLES", "100"))


def hostile(examples: int = EXAMPLES) -> settings:
    """Settings for a hostile suite: many examples, no deadline (a 140 KB cell is slow on
    purpose), and the world fixture shared by all examples of a test."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


def row_counts() -> dict[str, int]:
    """Rows in every table of the app, in one query (it runs after every rejected example)."""
    tables = [t for t in db.metadata.sorted_tables if t.name != "alembic_version"]
    query = sa.select(
        *(sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables)
    )
    return dict(zip([t.name for t in tables], db.session.execute(query).one(), strict=True))


@pytest.fixture
def each_example(
    world_connection: tuple[sa.Connection, object],  # noqa: F811
    world: object,  # noqa: F811
) -> Callable[[], contextmanager[None]]:
    """A context manager an example runs in: a savepoint of the world rolled back after it,
    and a fresh ``db.session`` (the previous example's is closed, whatever it left)."""
    connection, _built = world_connection

    @contextmanager
    def run() -> Iterator[None]:
        savepoint = connection.begin_nested()
        try:
            yield
        finally:
            db.session.remove()
            if savepoint.is_active:
                savepoint.rollback()

    return run
