"""Eligibility for the next level: facts gathered in bulk, then a pure evaluation.

``gather_facts`` reads everything the rules in force need for any number of agents in a
constant number of statements: given a select of ids ("every active agent"), one statement
per source whatever the head count, the select read as a subquery; given a list, one per
500 ids and per source. ``evaluate`` is a pure function of one agent's facts and one rule,
so it is tested without a database and an HR list of thousands of agents costs the same
statements as one agent.

In bulk (``evaluate_agents``) each rule's conditions are prepared once (their words, windows
and numbers) and the translations looked up once, then checked agent after agent: the
results are the very ones ``evaluate`` gives, evidence and all.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.career.conditions import (
    AgentFacts,
    CertificateHeld,
    Check,
    ConditionResult,
    Needs,
    Title,
    kpi_window,
    needs_of,
    one_locale,
    prepare_condition,
    window_start,
)
from lms.career.models.rules import PromotionRuleVersion
from lms.career.services.kpis import kpi_figures
from lms.career.services.rules import RuleSpec, rules_in_force
from lms.courses import services as courses
from lms.exams import services as exams
from lms.records import services as records
from lms.training.services import refreshers

#: Agents named by id, or by a select of ids (read as a subquery: one statement per source).
Agents = Iterable[int] | sa.Select[tuple[int]]

#: (user ids or a select of them, metric -> (first month, last month), the metrics read
#: only where above zero) -> user -> metric -> month -> value. ``kpis.kpi_figures``.
KpiSource = Callable[
    [Sequence[int] | sa.Select[tuple[int]], Mapping[str, tuple[date, date]], Collection[str]],
    Mapping[int, Mapping[str, Mapping[date, Decimal]]],
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
    return _PreparedRule.of(rule, as_of).evaluate(facts)


@dataclass(frozen=True)
class _PreparedRule:
    """A rule's conditions prepared for ``as_of``, to evaluate agent after agent."""

    spec: RuleSpec
    as_of: date
    checks: tuple[Check, ...]

    @classmethod
    def of(cls, rule: PromotionRuleVersion | RuleSpec, as_of: date) -> _PreparedRule:
        spec = rule if isinstance(rule, RuleSpec) else RuleSpec.of(rule)
        return cls(spec, as_of, tuple(prepare_condition(c, as_of) for c in spec.conditions))

    def evaluate(self, facts: AgentFacts) -> Eligibility:
        spec = self.spec
        return Eligibility(
            user_id=facts.user_id,
            from_level=spec.from_level,
            to_level=spec.to_level,
            rule_version_id=spec.version_id,
            rule_version_number=spec.number,
            as_of=self.as_of,
            results=tuple([check(facts) for check in self.checks]),
        )


# --- gathering --------------------------------------------------------------------------------


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while facts are read and checked.

    Gathering for thousands of agents makes hundreds of thousands of small objects (ledger
    lines, figures, evidence) that all stay alive until the list is built; the collector
    walks every one of them again and again as they pile up, which took as long as all
    the rest. They form no cycles, so it had nothing to find: it resumes afterwards
    (unless something else had paused it) and frees anything cyclic made meanwhile then.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _id_select(agents: sa.Select[tuple[int]]) -> sa.Select[tuple[int]]:
    """``agents`` reduced to its first column, the id, so that it reads as ``IN (SELECT id
    ...)``: ``accounts.agents_select()`` also names the department and level."""
    if len(agents.selected_columns) == 1:
        return agents
    first = agents.selected_columns[0]
    return agents.with_only_columns(first, maintain_column_froms=True)


def _conditions_in_force(as_of: date) -> list[Mapping[str, Any]]:
    return [c for version in rules_in_force(as_of).values() for c in version.conditions]


def gather_facts(
    user_ids: Agents,
    as_of: date,
    needs: Needs | None = None,
    kpi_source: KpiSource | None = None,
) -> dict[int, AgentFacts]:
    """The facts about ``user_ids`` that ``needs`` asks for (by default: what the rules in
    force on ``as_of`` read), by id; unknown ids are left out.

    A constant number of statements whatever the number of agents: each source is read for
    all of them at once, in one statement given a select of ids (as a subquery), one per
    500 ids given a list. KPIs in one read, each metric over the longest window a
    condition reads it (a rule reading a year of upheld complaints then does not load a
    year of every other metric), complaints only where there were some.
    """
    with _no_cycle_collection():
        return _gather(user_ids, as_of, needs or needs_of(_conditions_in_force(as_of)), kpi_source)


def _gather(
    user_ids: Agents, as_of: date, needs: Needs, kpi_source: KpiSource | None
) -> dict[int, AgentFacts]:
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
    ledger: Mapping[int, Sequence[records.LedgerEntry]] = {}
    assigned: Mapping[int, Sequence[refreshers.AssignedRefresher]] = {}
    if needs.ledger_months and ids:
        start = window_start(as_of, needs.ledger_months)
        ledger = records.entries_between(agents, start, as_of)
    if needs.refresher_months and ids:
        start = window_start(as_of, needs.refresher_months)
        assigned = refreshers.assigned_refreshers(agents, start, as_of, today=as_of)
    held = exams.certificates.held_certificates(agents, needs.exams) if ids else {}
    completed = courses.completions_by_slug(needs.courses, agents) if ids else {}
    titles: dict[str, Title] = {}
    for slug, (zh, en) in exams.certificates.exam_titles(needs.exams).items():
        titles[f"exam:{slug}"] = Title(zh, en)
    for slug, (zh, en) in courses.course_titles(needs.courses).items():
        titles[f"course:{slug}"] = Title(zh, en)
    figures: Mapping[int, Mapping[str, Mapping[date, Decimal]]] = {}
    windows = needs.kpi_windows
    if windows and ids:
        source = kpi_source or kpi_figures
        spans = {}
        for metric, length in windows.items():
            months = kpi_window(as_of, length)
            spans[metric] = (months[0], months[-1])
        figures = source(agents, spans, frozenset(needs.kpi_events))
    facts = {}
    for user_id in ids:
        level = levels[user_id]
        facts[user_id] = AgentFacts(
            user_id=user_id,
            level=level.level.value if level.level is not None else None,
            level_since=level.level_since,
            # The other areas' entries as they come: they have what conditions read.
            records=tuple(ledger.get(user_id, ())),
            certificates=tuple(
                [
                    CertificateHeld(c.exam_slug, c.serial, c.issued_on, c.expires_on, c.revoked_on)
                    for c in held.get(user_id, ())
                ]
            ),
            completions=completed.get(user_id, {}),
            refreshers=tuple(assigned.get(user_id, ())),
            kpis=figures.get(user_id, {}),
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
    found: dict[int, Eligibility | None] = {}
    with _no_cycle_collection(), one_locale():
        facts = gather_facts(agents, as_of, needs=needs_of(conditions), kpi_source=kpi_source)
        ids = sorted(facts) if isinstance(agents, sa.Select) else agents
        prepared = {
            level.value: _PreparedRule.of(version, as_of) for level, version in in_force.items()
        }
        for user_id in ids:
            # Taken out as it is checked: its ledger lines are freed now, not walked by the
            # cycle collector when it resumes.
            agent = facts.pop(user_id, None)
            rule = prepared.get(agent.level) if agent and agent.level else None
            found[user_id] = rule.evaluate(agent) if agent and rule else None
    return found


def evaluate_agent(
    user_id: int, as_of: date, kpi_source: KpiSource | None = None
) -> Eligibility | None:
    """One agent against the rule in force for their level (see ``evaluate_agents``)."""
    return evaluate_agents([user_id], as_of, kpi_source=kpi_source)[user_id]
