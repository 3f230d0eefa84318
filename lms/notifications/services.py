"""Sending, listing and reading notifications.

Any area sends through ``notify``. The message is a msgid stored untranslated and
translated when the recipient reads it, in their language. Senders mark their
msgids with ``N_`` where they define them: a no-op that Babel extracts by default,
so the catalogue has them. (A ``lazy_gettext`` string would also be extracted, but
getting its msgid back means reading the LazyString's private arguments.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from lms.database import utcnow
from lms.extensions import db
from lms.i18n import N_
from lms.notifications.models import Notification

__all__ = [
    "N_",
    "Link",
    "Notification",
    "list_for",
    "mark_all_read",
    "mark_read",
    "notify",
    "text_of",
    "unread_count",
    "url_of",
]


@dataclass(frozen=True)
class Link:
    """Where a notification leads: an endpoint and its arguments."""

    endpoint: str
    args: Mapping[str, Any] = field(default_factory=dict)


def notify(
    user_id: int,
    kind: str,
    message: str,
    params: Mapping[str, Any] | None = None,
    link: Link | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> Notification | None:
    """Send ``message`` (a msgid marked with ``N_``) to ``user_id``.

    With a ``dedupe_key`` it is sent at most once: None when it was sent before.
    ``params`` must be JSON values (dates as ISO text).
    """
    if dedupe_key is not None and _sent(dedupe_key):
        return None
    notification = Notification(
        user_id=user_id,
        kind=kind,
        message=message,
        params=dict(params or {}),
        link_endpoint=link.endpoint if link else None,
        link_args=dict(link.args) if link else None,
        dedupe_key=dedupe_key,
        created_at=now or utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:  # the same reminder sent by a parallel process
        return None
    return notification


def _sent(dedupe_key: str) -> bool:
    return (
        db.session.scalar(sa.select(Notification.id).where(Notification.dedupe_key == dedupe_key))
        is not None
    )


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def list_for(user_id: int, limit: int = 100) -> list[Notification]:
    """The person's notifications: unread first, then newest first."""
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(
                Notification.read_at.is_not(None),
                Notification.created_at.desc(),
                Notification.id.desc(),
            )
            .limit(limit)
        )
    )


def mark_read(
    user_id: int, notification_id: int, now: datetime | None = None
) -> Notification | None:
    """Mark one notification read; None when it is not ``user_id``'s (nobody reads another's)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        return None
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        db.session.flush()
    return notification


def mark_all_read(user_id: int, now: datetime | None = None) -> int:
    """Mark every unread notification of ``user_id`` read; returns how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def text_of(notification: Notification) -> str:
    """The message in the current request's language."""
    return gettext(notification.message, **(notification.params or {}))


def url_of(notification: Notification) -> str | None:
    """The link's URL, or None when it has none or its page no longer exists."""
    if not notification.link_endpoint:
        return None
    try:
        return url_for(notification.link_endpoint, **(notification.link_args or {}))
    except BuildError:
        return None
