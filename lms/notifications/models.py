"""A notification to one person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UtcDateTime, utcnow
from lms.extensions import db


class Notification(db.Model):
    """A message for one person, shown in the reader's language when read.

    ``message`` is the untranslated msgid and ``params`` its placeholders, so the
    text is translated when shown, not when sent. ``dedupe_key`` (unique) names
    what the message is about (``refresher:12:overdue``): the same reminder is
    never sent twice, whichever process sends it.
    """

    __tablename__ = "notification"
    __table_args__ = (sa.Index(None, "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(50))
    message: Mapped[str] = mapped_column(sa.String(300))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Where opening it leads: an endpoint and its arguments, built when shown.
    link_endpoint: Mapped[str | None] = mapped_column(sa.String(100))
    link_args: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
