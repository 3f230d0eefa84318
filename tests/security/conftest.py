"""One seeded world per module, and each test in a savepoint rolled back after it.

Building the world (content sync, exams, attempts, a certificate...) takes seconds; the
access matrix makes hundreds of requests, some of which change the world (deactivate B,
revoke B's certificate). So the world is committed once into an outer transaction that
the module's end rolls back, and every test runs inside a savepoint of it: routes commit
as in production (releasing their own inner savepoints), and the test's savepoint is
rolled back, leaving the world as built for the next test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from lms.accounts.models import User
from lms.extensions import db
from tests.fixtures.factories import sign_in
from tests.security.world import World, build_world


def _session_on(connection: sa.Connection) -> orm.scoped_session[orm.Session]:
    return orm.scoped_session(
        orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )


@pytest.fixture(scope="module")
def world_connection(app: Flask) -> Iterator[tuple[sa.Connection, World]]:
    """The connection holding the built world in its outer transaction, and the world.

    While it is open it holds SQLite's write lock: tests using it must not also use the
    ``db_session`` fixture (another connection), or they would wait on the lock.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        session = _session_on(connection)
        db.session = session
        try:
            world = build_world()
            session.commit()
        finally:
            session.remove()
            db.session = original
    try:
        yield connection, world
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def world(app: Flask, world_connection: tuple[sa.Connection, World]) -> Iterator[World]:
    """The world, with ``db.session`` in a savepoint that is rolled back after the test."""
    connection, built = world_connection
    with app.app_context():
        savepoint = connection.begin_nested()
        original = db.session
        session = _session_on(connection)
        db.session = session
        try:
            yield built
        finally:
            session.remove()
            db.session = original
            if savepoint.is_active:
                savepoint.rollback()


@pytest.fixture
def client_as(app: Flask, world: World) -> Callable[[str | None], FlaskClient]:
    """A new test client signed in as the world's person ``name`` (None: anonymous)."""

    def make(name: str | None) -> FlaskClient:
        client = app.test_client()
        if name is not None:
            user = db.session.get(User, world.people[name])
            assert user is not None
            sign_in(client, user)
        return client

    return make
