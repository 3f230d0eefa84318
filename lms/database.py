"""The declarative base every model shares, and the column types the house rules ask for."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

# Set before the first migration so constraint names are stable across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    PostgreSQL stores ``timestamptz``; SQLite has no zone, so values are stored as
    naive UTC and come back aware. Naive datetimes are refused on the way in, which
    catches local-time bugs at the first write instead of in a report months later.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a lazily translated label.

    Declared as ``AGENT = "agent", _l("Agent")``; ``member.label`` is the label in
    the current language, ``member.lazy_label`` the lazy string for import-time use.
    """

    lazy_label: Any

    def __new__(cls, value: str, label: Any = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.lazy_label = label if label is not None else value
        return member

    @property
    def label(self) -> str:
        return str(self.lazy_label)

    @classmethod
    def column_type(cls, length: int = 30) -> sa.Enum:
        """The column type: stored as the values (not the names), as a plain string."""
        return sa.Enum(
            cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
        )


def utcnow() -> datetime:
    """The current time, aware, in UTC. Services take ``now`` as a parameter defaulting to this."""
    return datetime.now(UTC)


def configure_sqlite(engine: sa.Engine) -> None:
    """WAL, a busy timeout and enforced foreign keys on every SQLite connection.

    pysqlite's own transaction handling does not emit BEGIN before every statement
    and breaks SAVEPOINT; the driver is put in autocommit and SQLAlchemy's ``begin``
    event emits BEGIN itself (the recipe in SQLAlchemy's SQLite dialect docs).
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit is on disk before it is acknowledged (an exam save survives a crash).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A request that may write takes the write lock at BEGIN: one writer at a time,
        # waiting on the busy timeout, instead of failing when a read upgrades to a write.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


def _may_write() -> bool:
    """Reads (GET, HEAD) begin deferred; other requests and CLI commands begin IMMEDIATE."""
    from flask import has_request_context, request

    return not (has_request_context() and request.method in ("GET", "HEAD"))


def holds_nul(value: object) -> bool:
    """Whether ``value`` (text, or a JSON-like structure of it) holds a NUL character, which
    PostgreSQL refuses in any text, even a query's parameter: input holding one is refused
    where it comes in, with a clear error, on every database alike."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_nul(v) for v in value)
    return False
