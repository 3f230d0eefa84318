"""HR's promotion decisions: promote or defer, with the evaluation HR saw."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from lms.accounts.models import Level
from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class Outcome(LabelledEnum):
    PROMOTE = "promote", _l("Promote")
    DEFER = "defer", _l("Defer")


class PromotionDecision(db.Model):
    """One decision about one agent, kept as it was made: the rule version, the checklist
    HR saw (``evaluation``, as shown, in HR's language at the time) and the reason.

    Never edited; a later decision is a new row.
    """

    __tablename__ = "promotion_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(Outcome.column_type(20))
    from_level: Mapped[Level] = mapped_column(Level.column_type(20))
    to_level: Mapped[Level] = mapped_column(Level.column_type(20))
    effective_on: Mapped[date | None]  # promotions only: the first day at the new level
    reason: Mapped[str] = mapped_column(sa.Text)
    rule_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("promotion_rule_version.id"))
    eligible: Mapped[bool]
    conditions_short: Mapped[int]
    # {"as_of": ..., "rule_version": n, "results": [{kind, label, met, actual, ...}]}
    evaluation: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    level_change_id: Mapped[int | None] = mapped_column(sa.ForeignKey("level_change.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
