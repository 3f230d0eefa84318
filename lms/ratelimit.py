"""Rate limits for the pages anyone can hammer (sign-in, two-factor codes, the public
certificate check), counted in the database so every app process behind a load balancer
shares them: nothing is kept in a process's memory.

A limit is "at most ``count`` requests per ``seconds`` from one client address". The
address is ``request.remote_addr``; behind a proxy, set ``LMS_PROXY_HOPS`` so it is the
client's and not the proxy's (see ``lms.create_app``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, render_template, request
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UtcDateTime, utcnow
from lms.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


class RateLimitHit(db.Model):
    """One counted request: ``key`` names the limit and the client."""

    __tablename__ = "rate_limit_hit"
    __table_args__ = (sa.Index("ix_rate_limit_hit_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class Limit:
    name: str  # also the config key LMS_RATE_<NAME>, e.g. "10/60"
    count: int
    seconds: int

    @classmethod
    def configured(cls, name: str, default: str) -> Limit:
        raw = str(current_app.config.get(f"LMS_RATE_{name.upper()}", default))
        count, _slash, seconds = raw.partition("/")
        return cls(name, int(count), int(seconds or 60))


def over_limit(limit: Limit, client: str, now: datetime | None = None) -> int | None:
    """Count this request against ``limit`` for ``client``: None while within it, else the
    seconds to wait. Old hits of the key are swept as it goes, so the table stays small."""
    now = now or utcnow()
    key = f"{limit.name}:{client}"[:120]
    start = now - timedelta(seconds=limit.seconds)
    db.session.execute(
        sa.delete(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.at <= start)
    )
    oldest, count = db.session.execute(
        sa.select(sa.func.min(RateLimitHit.at), sa.func.count(RateLimitHit.id)).where(
            RateLimitHit.key == key
        )
    ).one()
    if count >= limit.count:
        db.session.commit()
        return max(1, int((oldest + timedelta(seconds=limit.seconds) - now).total_seconds()) + 1)
    db.session.add(RateLimitHit(key=key, at=now))
    # Committed at once: a refused request must count even if the view rolls back.
    db.session.commit()
    return None


def rate_limited(
    name: str, default: str, methods: tuple[str, ...] = ("GET", "POST")
) -> Callable[[F], F]:
    """Refuse the view with 429 (and Retry-After) beyond the limit ``LMS_RATE_<NAME>``
    (``default`` when unset). Off when ``LMS_RATE_LIMITS`` is false (the test suite turns
    it off except in the tests of the limits themselves)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_app.config.get("LMS_RATE_LIMITS", True) and request.method in methods:
                wait = over_limit(Limit.configured(name, default), request.remote_addr or "-")
                if wait is not None:
                    page = render_template("errors/429.html", wait=wait)
                    return page, 429, {"Retry-After": str(wait)}
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
