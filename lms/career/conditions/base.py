"""The base of every condition kind, what kinds read (``Needs``), the small pure helpers and
the checking of parameters that the kinds share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import gettext as _

from lms.career.conditions.results import ConditionResult
from lms.months import shift_months

if TYPE_CHECKING:
    from lms.career.conditions.facts import AgentFacts

Problems = list[tuple[str, str]]

#: One condition ready to check agent after agent: ``ConditionKind.prepare``.
Check = Callable[["AgentFacts"], ConditionResult]

# --- small pure helpers -----------------------------------------------------------------------


def window_start(as_of: date, months: int) -> date:
    """The first day of "the last ``months`` months" ending on ``as_of``."""
    return shift_months(as_of, -months) + timedelta(days=1)


def kpi_window(as_of: date, months: int) -> list[date]:
    """The first days of the ``months`` full months before ``as_of``'s month, oldest first."""
    this_month = as_of.replace(day=1)
    return [shift_months(this_month, -n) for n in range(months, 0, -1)]


# Remembered: the same few hundred figures (学时, KPI values) are written for every agent of
# an HR list. Equal values (6.5, 6.50) give the same text, so sharing an entry is right.
@lru_cache(maxsize=8192)
def number(value: Decimal | int) -> str:
    """A figure without needless zeros: 24, 6.5, 87.25."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def month_label(month: date) -> str:
    return f"{month.year}-{month.month:02d}"


def percent_of(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- parameter checking -----------------------------------------------------------------------


def check_whole(
    raw: Mapping[str, Any], name: str, low: int, high: int, problems: Problems
) -> int | None:
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        value = None
    try:
        whole = int(value) if value is not None else None
    except ValueError:
        whole = None
    if whole is None or not low <= whole <= high:
        problems.append(
            (name, _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high))
        )
        return None
    return whole


def check_decimal(
    raw: Mapping[str, Any], name: str, low: Decimal, high: Decimal, problems: Problems
) -> Decimal | None:
    value = raw.get(name)
    try:
        figure = Decimal(str(value)) if value is not None and not isinstance(value, bool) else None
    except InvalidOperation:
        figure = None
    if figure is None or not figure.is_finite() or not low <= figure <= high:
        problems.append(
            (
                name,
                _("Enter a number from %(low)s to %(high)s.", low=number(low), high=number(high)),
            )
        )
        return None
    return figure


def check_slug(raw: Mapping[str, Any], name: str, problems: Problems) -> str | None:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append((name, _("Name it by its slug, e.g. service-standards-certification.")))
        return None
    return value.strip()


def check_slugs(raw: Mapping[str, Any], name: str, problems: Problems) -> list[str] | None:
    value = raw.get(name)
    if isinstance(value, str):
        value = [part for part in value.replace(",", " ").split() if part]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        problems.append((name, _("List at least one course by its slug.")))
        return None
    return list(dict.fromkeys(v.strip() for v in value))


def check_months(raw: Mapping[str, Any], problems: Problems) -> int | None:
    return check_whole(raw, "months", 1, 60, problems)


# --- the kinds --------------------------------------------------------------------------------


class ConditionKind:
    """The base of every kind; subclasses set ``name``, ``label`` and ``params``."""

    name: ClassVar[str]
    label: ClassVar[Any]
    params: ClassVar[tuple[str, ...]]

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], Problems]:
        """The parameters checked and normalised (JSON-ready), and the problems found."""
        raise NotImplementedError

    def describe(self, params: Mapping[str, Any]) -> str:
        raise NotImplementedError

    def prepare(self, params: Mapping[str, Any], as_of: date) -> Check:
        """The check of this condition on ``as_of``, for any agent: what does not depend on
        the agent (its words, its window, its numbers) worked out once, so that checking
        thousands of agents costs only what each one's own facts do."""
        raise NotImplementedError

    def check(self, facts: AgentFacts, params: Mapping[str, Any], as_of: date) -> ConditionResult:
        """This condition checked against one agent's ``facts`` on ``as_of``. Pure."""
        return self.prepare(params, as_of)(facts)

    def needs(self, params: Mapping[str, Any]) -> Needs:
        """What ``check`` reads, so facts are gathered for exactly that."""
        return Needs()


@dataclass
class Needs:
    """What a set of conditions reads: gathered once for all agents.

    ``kpis``: metric -> how many full months before ``as_of``'s month are read (the
    longest any condition reads). ``kpi_events``: the same for metrics counted as events,
    where a month without a figure above zero had none: only those months are read, unless
    another condition reads the metric's every figure (then it is in ``kpis``).
    """

    ledger_months: int = 0  # of ledger lines before as_of
    refresher_months: int = 0  # of refreshers due before as_of
    exams: set[str] = field(default_factory=set)
    courses: set[str] = field(default_factory=set)
    kpis: dict[str, int] = field(default_factory=dict)
    kpi_events: dict[str, int] = field(default_factory=dict)

    def add(self, other: Needs) -> None:
        self.ledger_months = max(self.ledger_months, other.ledger_months)
        self.refresher_months = max(self.refresher_months, other.refresher_months)
        self.exams |= other.exams
        self.courses |= other.courses
        for mine, theirs in ((self.kpis, other.kpis), (self.kpi_events, other.kpi_events)):
            for metric, months in theirs.items():
                mine[metric] = max(mine.get(metric, 0), months)
        for metric in self.kpis.keys() & self.kpi_events.keys():
            self.kpis[metric] = max(self.kpis[metric], self.kpi_events.pop(metric))

    @property
    def kpi_windows(self) -> dict[str, int]:
        """Every KPI metric read, with its number of months."""
        return {**self.kpi_events, **self.kpis}
