"""Eligibility for the next level: facts gathered in bulk, then a pure evaluation.

``gather_facts`` reads everything the rules in force need for any number of agents in a
constant number of statements: given a select of ids ("every active agent"), one statement
per source whatever the head count, the select read as a subquery; given a list, one per
500 ids and per source. ``evaluate`` is a pure function of one agent's facts and one rule,
so it is tested without a database and an HR list of thousands of agents costs the same
statements as one agent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.career.conditions import (
    AgentFacts,
    CertificateHeld,
    ConditionResult,
    LedgerEntry,
    Needs,
    RefresherDue,
    Title,
    check_condition,
    kpi_window,
    needs_of,
    window_start,
)
from lms.career.models.rules import PromotionRuleVersion
from lms.career.services.kpis import kpi_months
from lms.career.services.rules import RuleSpec, rules_in_force
from lms.courses import services as courses
from lms.exams import services as exams
from lms.records import services as records
from lms.training.services import refreshers

#: Agents named by id, or by a select of ids (read as a subquery: one statement per source).
Agents = Iterable[int] | sa.Select[tuple[int]]

#: (user ids or a select of them, metrics, first month, last month)
#: -> (user, metric) -> month -> value.
KpiSource = Callable[
    [Sequence[int] | sa.Select[tuple[int]], Sequence[str], date, date],
    Mapping[tuple[int, str], Mapping[date, Decimal]],
]


@dataclass(frozen=True)
class Eligibility:
    """One agent against the rule up to the next level."""

    user_id: int
    from_level: accounts.Level
    to_level: accounts.Level
    rule_version_id: int | None
    rule_version_number: int | None
    as_of: date
    results: tuple[ConditionResult, ...]

    @property
    def eligible(self) -> bool:
        return all(result.met for result in self.results)

    @property
    def short_by(self) -> int:
        """How many conditions are not met."""
        return sum(1 for result in self.results if not result.met)

    @property
    def met_by_time_on(self) -> date | None:
        """The day every missing condition will be met by time alone (months at the level,
        an old complaint leaving the window); None if eligible or if any needs action."""
        missing = [result for result in self.results if not result.met]
        if not missing or any(result.met_on is None for result in missing):
            return None
        return max(result.met_on for result in missing if result.met_on is not None)


def evaluate(facts: AgentFacts, rule: PromotionRuleVersion | RuleSpec, as_of: date) -> Eligibility:
    """Each condition of ``rule`` checked against ``facts`` on ``as_of``. Pure."""
    spec = rule if isinstance(rule, RuleSpec) else RuleSpec.of(rule)
    return Eligibility(
        user_id=facts.user_id,
        from_level=spec.from_level,
        to_level=spec.to_level,
        rule_version_id=spec.version_id,
        rule_version_number=spec.number,
        as_of=as_of,
        results=tuple(check_condition(c, facts, as_of) for c in spec.conditions),
    )


# --- gathering --------------------------------------------------------------------------------


def _id_select(agents: sa.Select[tuple[int]]) -> sa.Select[tuple[int]]:
    """``agents`` reduced to its first column, the id, so that it reads as ``IN (SELECT id
    ...)``: ``accounts.agents_select()`` also names the department and level."""
    if len(agents.selected_columns) == 1:
        return agents
    first = agents.selected_columns[0]
    return agents.with_only_columns(first, maintain_column_froms=True)


def _months_by_metric(conditions: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """For each KPI metric the conditions read, the longest window they read it over."""
    longest: dict[str, int] = {}
    for condition in conditions:
        one = needs_of([condition])
        for metric in one.metrics:
            longest[metric] = max(longest.get(metric, 0), one.kpi_months)
    return longest


def _conditions_in_force(as_of: date) -> list[Mapping[str, Any]]:
    return [c for version in rules_in_force(as_of).values() for c in version.conditions]


def gather_facts(
    user_ids: Agents,
    as_of: date,
    needs: Needs | None = None,
    kpi_source: KpiSource | None = None,
    metric_months: Mapping[str, int] | None = None,
) -> dict[int, AgentFacts]:
    """The facts about ``user_ids`` that ``needs`` asks for (by default: what the rules in
    force on ``as_of`` read), by id; unknown ids are left out.

    A constant number of statements whatever the number of agents: each source is read for
    all of them at once, in one statement given a select of ids (as a subquery), one per
    500 ids given a list. KPIs are read once per window length in ``metric_months``
    (metric -> months; by default every metric over ``needs.kpi_months``): a rule reading
    a year of upheld complaints then does not load a year of every other metric.
    """
    if needs is None:
        conditions = _conditions_in_force(as_of)
        needs = needs_of(conditions)
        metric_months = metric_months or _months_by_metric(conditions)
    agents: list[int] | sa.Select[tuple[int]]
    if isinstance(user_ids, sa.Select):
        agents = _id_select(user_ids)
        levels = accounts.levels_of(agents)
        ids = sorted(levels)
    else:
        ids = sorted(set(user_ids))
        levels = accounts.levels_of(ids)
        ids = [i for i in ids if i in levels]
        agents = ids
    ledger: dict[int, list[records.LedgerEntry]] = {}
    assigned: dict[int, list[refreshers.AssignedRefresher]] = {}
    if needs.months_back and ids:
        start = window_start(as_of, needs.months_back)
        ledger = records.entries_between(agents, start, as_of)
        assigned = refreshers.assigned_refreshers(agents, start, as_of, today=as_of)
    held = exams.certificates.held_certificates(agents, needs.exams) if ids else {}
    completed = courses.completions_by_slug(needs.courses, agents) if ids else {}
    titles: dict[str, Title] = {}
    for slug, (zh, en) in exams.certificates.exam_titles(needs.exams).items():
        titles[f"exam:{slug}"] = Title(zh, en)
    for slug, (zh, en) in courses.course_titles(needs.courses).items():
        titles[f"course:{slug}"] = Title(zh, en)
    figures: Mapping[tuple[int, str], Mapping[date, Decimal]] = {}
    if needs.kpi_months and needs.metrics and ids:
        source = kpi_source or kpi_months
        if metric_months is None:
            metric_months = dict.fromkeys(needs.metrics, needs.kpi_months)
        by_window: dict[int, list[str]] = {}
        for metric in sorted(needs.metrics):
            by_window.setdefault(metric_months.get(metric, needs.kpi_months), []).append(metric)
        figures = {}
        for length, metrics in sorted(by_window.items()):
            months = kpi_window(as_of, length)
            figures.update(source(agents, metrics, months[0], months[-1]))
    facts = {}
    for user_id in ids:
        level = levels[user_id]
        facts[user_id] = AgentFacts(
            user_id=user_id,
            level=level.level.value if level.level is not None else None,
            level_since=level.level_since,
            records=tuple(
                LedgerEntry(e.id, e.kind, e.title, e.occurred_on, e.hours, e.attendance)
                for e in ledger.get(user_id, ())
            ),
            certificates=tuple(
                CertificateHeld(c.exam_slug, c.serial, c.issued_on, c.expires_on, c.revoked_on)
                for c in held.get(user_id, ())
            ),
            completions=completed.get(user_id, {}),
            refreshers=tuple(
                RefresherDue(r.title, r.month, r.due_on, r.completed_on)
                for r in assigned.get(user_id, ())
            ),
            kpis={
                metric: figures[(user_id, metric)]
                for metric in needs.metrics
                if (user_id, metric) in figures
            },
            titles=titles,
        )
    return facts


def evaluate_agents(
    user_ids: Agents, as_of: date, kpi_source: KpiSource | None = None
) -> dict[int, Eligibility | None]:
    """Every agent of ``user_ids`` against the rule in force on ``as_of`` for their level:
    None for an agent at the top level, without a level, or whose level has no rule.

    Given a select of ids (``accounts.agents_select()``: every active agent), the same
    statements for ten agents or ten thousand, and the keys are the agents it names.
    """
    in_force = rules_in_force(as_of)
    conditions = [c for version in in_force.values() for c in version.conditions]
    agents = user_ids if isinstance(user_ids, sa.Select) else sorted(set(user_ids))
    facts = gather_facts(
        agents,
        as_of,
        needs=needs_of(conditions),
        kpi_source=kpi_source,
        metric_months=_months_by_metric(conditions),
    )
    ids = sorted(facts) if isinstance(agents, sa.Select) else agents
    found: dict[int, Eligibility | None] = {}
    for user_id in ids:
        agent = facts.get(user_id)
        version = in_force.get(accounts.Level(agent.level)) if agent and agent.level else None
        found[user_id] = evaluate(agent, version, as_of) if agent and version else None
    return found


def evaluate_agent(
    user_id: int, as_of: date, kpi_source: KpiSource | None = None
) -> Eligibility | None:
    """One agent against the rule in force for their level (see ``evaluate_agents``)."""
    return evaluate_agents([user_id], as_of, kpi_source=kpi_source)[user_id]
