"""Condition kinds of promotion rules: a registry from kind name to a class.

Each kind has a label, ``validate(raw) -> (params, problems)`` that checks and normalises its
parameters (JSON-ready: numbers as strings), ``describe(params)`` for the condition in words,
and a pure ``check(facts, params, as_of) -> ConditionResult`` that reads only ``AgentFacts``;
``prepare(params, as_of)`` gives the same check ready for agent after agent (what does not
depend on the agent worked out once), which is what evaluating thousands of agents uses.
Checks run inside an app or request context (their words are translated); inside
``one_locale()`` the translations are looked up once rather than for every text.

Windows: "the last N months" is the dates after ``as_of`` minus N months up to ``as_of``;
KPIs, which are figures of whole months imported after the month ends, use the N full
months before ``as_of``'s month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _

from lms.career.conditions.base import (
    Check,
    ConditionKind,
    Needs,
    Problems,
    kpi_window,
    month_label,
    number,
    shift_months,
    window_start,
)
from lms.career.conditions.facts import (
    AgentFacts,
    CertificateHeld,
    LedgerEntry,
    LedgerLine,
    Refresher,
    RefresherDue,
    Title,
)
from lms.career.conditions.kpis import KPI_MODES, KpiThreshold, NoUpheldComplaints, metrics
from lms.career.conditions.learning import (
    ATTENDED,
    CertificateValid,
    ClassroomSessions,
    CoursesCompleted,
    MonthsAtLevel,
    RefresherRate,
    TrainingHours,
)
from lms.career.conditions.results import ConditionResult, Evidence, NextStep
from lms.career.conditions.words import one_locale

__all__ = [
    "ATTENDED",
    "KINDS",
    "KPI_MODES",
    "AgentFacts",
    "CertificateHeld",
    "CertificateValid",
    "Check",
    "ClassroomSessions",
    "ConditionKind",
    "ConditionResult",
    "CoursesCompleted",
    "Evidence",
    "KpiThreshold",
    "LedgerEntry",
    "LedgerLine",
    "MonthsAtLevel",
    "Needs",
    "NextStep",
    "NoUpheldComplaints",
    "Problems",
    "Refresher",
    "RefresherDue",
    "RefresherRate",
    "Title",
    "TrainingHours",
    "check_condition",
    "condition_kind",
    "kpi_window",
    "metrics",
    "month_label",
    "needs_of",
    "number",
    "one_locale",
    "prepare_condition",
    "shift_months",
    "validate_conditions",
    "window_start",
]

KINDS: dict[str, ConditionKind] = {
    kind.name: kind
    for kind in (
        MonthsAtLevel(),
        CertificateValid(),
        CoursesCompleted(),
        TrainingHours(),
        RefresherRate(),
        ClassroomSessions(),
        KpiThreshold(),
        NoUpheldComplaints(),
    )
}


def condition_kind(name: str) -> ConditionKind:
    """The kind registered as ``name``; KeyError for an unknown one."""
    return KINDS[name]


def validate_conditions(raw: Any) -> tuple[list[dict[str, Any]], Problems]:
    """A rule's conditions checked by their kinds: the normalised list and the problems,
    each on ``conditions-<n>-<param>`` (n from 0), or ``conditions`` for the list itself."""
    problems: Problems = []
    if not isinstance(raw, list) or not raw:
        return [], [("conditions", _("A rule needs at least one condition."))]
    checked: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        where = f"conditions-{index}"
        kind_name = item.get("kind") if isinstance(item, dict) else None
        kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
        if kind is None:
            problems.append((f"{where}-kind", _("Unknown condition kind.")))
            continue
        unknown = sorted(set(item) - {"kind", *kind.params})
        for name in unknown:
            problems.append((f"{where}-{name}", _("Unknown parameter.")))
        params, found = kind.validate(item)
        problems.extend((f"{where}-{name}", message) for name, message in found)
        checked.append({"kind": kind.name, **params})
    return checked, problems


def check_condition(
    condition: Mapping[str, Any], facts: AgentFacts, as_of: date
) -> ConditionResult:
    """One stored condition checked against ``facts``."""
    return KINDS[condition["kind"]].check(facts, condition, as_of)


def prepare_condition(condition: Mapping[str, Any], as_of: date) -> Check:
    """One stored condition ready to check agent after agent on ``as_of``."""
    return KINDS[condition["kind"]].prepare(condition, as_of)


def needs_of(conditions: Sequence[Mapping[str, Any]]) -> Needs:
    needs = Needs()
    for condition in conditions:
        needs.add(KINDS[condition["kind"]].needs(condition))
    return needs
