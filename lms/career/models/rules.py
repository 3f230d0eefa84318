"""Levels' duties and promotion rules, each rule kept as a history of versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Level
from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class RuleSource(LabelledEnum):
    CONTENT = "content", _l("Content file")
    HR = "hr", _l("Edited by HR")


class LevelProfile(db.Model):
    """What a level means: its title and duties in both languages, from content/career."""

    __tablename__ = "level_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[Level] = mapped_column(Level.column_type(20), unique=True)
    position: Mapped[int]
    title_zh: Mapped[str] = mapped_column(sa.String(100))
    title_en: Mapped[str] = mapped_column(sa.String(100))
    duties_zh: Mapped[list[str]] = mapped_column(sa.JSON)
    duties_en: Mapped[list[str]] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class PromotionRule(db.Model):
    """The way up from one level: one rule per starting level, its text in its versions."""

    __tablename__ = "promotion_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_level: Mapped[Level] = mapped_column(Level.column_type(20), unique=True)
    to_level: Mapped[Level] = mapped_column(Level.column_type(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    versions: Mapped[list[PromotionRuleVersion]] = relationship(
        back_populates="rule", order_by="PromotionRuleVersion.number"
    )


class PromotionRuleVersion(db.Model):
    """One wording of a rule, in force from ``effective_from`` until a later version's date.

    Never edited: a change is a new version, so an evaluation or a decision that names a
    version can always be read again as it was.
    """

    __tablename__ = "promotion_rule_version"
    __table_args__ = (sa.UniqueConstraint("rule_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("promotion_rule.id"), index=True)
    number: Mapped[int]
    effective_from: Mapped[date]
    # [{"kind": "training_hours", "hours": "24", "months": 12}, ...], checked by each kind.
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[RuleSource] = mapped_column(RuleSource.column_type(20))
    # Of the file's rule for a content version: an unchanged file adds nothing on sync.
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    rule: Mapped[PromotionRule] = relationship(back_populates="versions")

    @property
    def from_level(self) -> Level:
        return self.rule.from_level

    @property
    def to_level(self) -> Level:
        return self.rule.to_level
