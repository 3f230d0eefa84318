"""What the condition kinds read about an agent: ``AgentFacts`` and the facts in it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from lms.career.conditions.words import language


@dataclass(frozen=True)
class Title:
    """A course's or exam's title in both languages; shown in the current one."""

    zh: str
    en: str | None = None

    def __str__(self) -> str:
        if self.en and language() == "en":
            return self.en
        return self.zh


class LedgerLine(Protocol):
    """What conditions read of a ledger line: ``LedgerEntry`` here, or the records area's
    own entries as its bulk read makes them (the same attributes), used as they come."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def occurred_on(self) -> date: ...
    @property
    def hours(self) -> Decimal: ...
    @property
    def attendance(self) -> str | None: ...


class Refresher(Protocol):
    """What conditions read of an assigned refresher: ``RefresherDue`` here, or the training
    area's own rows (the same attributes)."""

    @property
    def title(self) -> str: ...
    @property
    def month(self) -> date: ...
    @property
    def due_on(self) -> date: ...
    @property
    def completed_on(self) -> date | None: ...


@dataclass(frozen=True)
class LedgerEntry:
    """A line of the participation ledger as conditions read it: 学时 already capped."""

    id: int
    kind: str  # a records.ParticipationKind value
    title: str
    occurred_on: date
    hours: Decimal
    attendance: str | None = None


@dataclass(frozen=True)
class CertificateHeld:
    exam_slug: str
    serial: str
    issued_on: date
    expires_on: date | None = None
    revoked_on: date | None = None

    def is_valid_on(self, day: date) -> bool:
        if self.issued_on > day:
            return False
        if self.revoked_on is not None and self.revoked_on <= day:
            return False
        return self.expires_on is None or self.expires_on >= day


@dataclass(frozen=True)
class RefresherDue:
    """A monthly refresher assigned to the agent: what, for which month, due when, done when."""

    title: str
    month: date
    due_on: date
    completed_on: date | None = None


@dataclass(frozen=True)
class AgentFacts:
    """Everything the condition kinds read about one agent, already loaded.

    ``completions``: course slug -> date completed. ``kpis``: metric -> first day of the
    month -> value. ``titles``: ``"course:<slug>"`` / ``"exam:<slug>"`` -> ``Title``, shared
    by every agent of one gathering.
    """

    user_id: int
    level: str | None
    level_since: date | None
    records: Sequence[LedgerLine] = ()
    certificates: tuple[CertificateHeld, ...] = ()
    completions: Mapping[str, date] = field(default_factory=dict)
    refreshers: Sequence[Refresher] = ()
    kpis: Mapping[str, Mapping[date, Decimal]] = field(default_factory=dict)
    titles: Mapping[str, Title] = field(default_factory=dict)

    def title(self, kind: str, slug: str) -> str:
        found = self.titles.get(f"{kind}:{slug}")
        return str(found) if found is not None else slug
