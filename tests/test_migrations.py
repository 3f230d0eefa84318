"""The migrations are the schema: upgrading an empty database gives exactly the models."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from lms.extensions import db
from tests.fixtures.app import build_app


def pending_changes(engine: sa.Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgraded_database_matches_the_models(app: Flask) -> None:
    """The session database was built by `flask db upgrade` alone (SQLite or PostgreSQL)."""
    with app.app_context():
        assert pending_changes(db.engine) == []
        head = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        db.session.remove()
    assert head


def test_downgrade_to_nothing_and_up_again(tmp_path) -> None:
    fresh = build_app(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with fresh.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        flask_migrate.upgrade()
        assert pending_changes(db.engine) == []
        db.engine.dispose()
