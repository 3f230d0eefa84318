"""An audit event: one change someone made, kept for good."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from lms.audit.errors import AuditLogIsAppendOnly
from lms.database import UtcDateTime, utcnow
from lms.extensions import db


class AuditEvent(db.Model):
    """Who (``actor_id``; None for the system or a CLI command) did what (``action``, a
    stable code such as ``career.promotion_decided``) to what (``subject_type`` and
    ``subject_id``), concerning whom (``subject_user_id``), with the values before and after.

    ``message`` is an untranslated msgid and ``params`` its placeholders, as for
    notifications: each reader reads the line in their own language. Rows are never
    updated or deleted: the ORM refuses (below) and so does the database (a trigger).
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index(None, "occurred_at"),
        sa.Index(None, "action", "occurred_at"),
        sa.Index(None, "actor_id"),
        sa.Index(None, "subject_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(sa.String(60))
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None] = mapped_column()
    subject_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    message: Mapped[str] = mapped_column(sa.String(300))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    ip: Mapped[str | None] = mapped_column(sa.String(45))


# The database refuses too (a trigger, see the migration); refusing here as well names the
# mistake at the flush, in Python, on every database.
@event.listens_for(Session, "before_flush")
def _refuse_changes_to_audit_events(session: Session, _context: Any, _instances: Any) -> None:
    for instance in session.deleted:
        if isinstance(instance, AuditEvent):
            raise AuditLogIsAppendOnly("audit events are never deleted")
    for instance in session.dirty:
        if isinstance(instance, AuditEvent) and session.is_modified(instance):
            raise AuditLogIsAppendOnly("audit events are never changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes_to_audit_events(state: ORMExecuteState) -> None:
    # ``update(AuditEvent)`` / ``delete(AuditEvent)`` through the session skip the flush.
    if (state.is_update or state.is_delete) and state.bind_mapper is AuditEvent.__mapper__:
        raise AuditLogIsAppendOnly("audit events are never changed or deleted")
