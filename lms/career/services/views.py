"""What the career pages show: the agent's own path, HR's eligibility list and its export.

Composition only: the rules and the evaluation live in ``rules`` and ``eligibility``. Each
function reads a constant number of statements whatever the number of agents (the list
evaluates everyone in one ``evaluate_agents`` call), so the HR page stays cheap at 10,000.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.accounts import services as accounts
from lms.career.conditions import ConditionResult, NextStep, condition_kind
from lms.career.services.eligibility import Eligibility, evaluate_agents
from lms.career.services.rules import level_profiles, next_level, rules_in_force
from lms.database import LabelledEnum
from lms.exams import services as exams
from lms.i18n import local_today
from lms.tabular import Sheet, SheetColumn, display_width, write_sheets

Level = accounts.Level


class Standing(LabelledEnum):
    """Where an agent stands against the rule up to the next level."""

    ELIGIBLE = "eligible", _l("Eligible")
    ONE_SHORT = "one_short", _l("One condition short")
    NOT_ELIGIBLE = "not_eligible", _l("Not eligible")
    NO_NEXT_LEVEL = "no_next_level", _l("No next level")


def standing_of(eligibility: Eligibility | None) -> Standing:
    if eligibility is None:
        return Standing.NO_NEXT_LEVEL
    if eligibility.eligible:
        return Standing.ELIGIBLE
    return Standing.ONE_SHORT if eligibility.short_by == 1 else Standing.NOT_ELIGIBLE


# --- one condition as a line of the checklist -------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A next step with what its link needs: a course slug, or an exam's id when the agent
    can open that exam (None: the page names it without a link)."""

    kind: str
    title: str
    slug: str
    exam_id: int | None = None


@dataclass(frozen=True)
class ChecklistLine:
    result: ConditionResult
    progress: int | None  # percent toward the requirement, where a count makes sense
    steps: tuple[Step, ...] = ()

    @property
    def met(self) -> bool:
        return self.result.met


def _ratio(done: Decimal, wanted: Decimal) -> int | None:
    if wanted <= 0:
        return None
    return int(min(Decimal(100), max(Decimal(0), done * 100 / wanted)))


def _decimal(text: str | None) -> Decimal:
    try:
        return Decimal(text or "0")
    except InvalidOperation:
        return Decimal(0)


def progress_of(result: ConditionResult, params: Mapping[str, Any], as_of: date) -> int | None:
    """How far toward the requirement, in percent, for conditions that count something
    (months, courses, hours, sessions, a rate); None where a bar would mean nothing (a
    certificate is held or not, a KPI is above its line or not).

    Computed from the evidence and the rule's numbers, not from the displayed texts, which
    are worded per language.
    """
    kind = result.kind
    if kind not in {
        "months_at_level",
        "courses_completed",
        "training_hours",
        "classroom_sessions",
        "refresher_rate",
    }:
        return None
    if result.met:
        return 100
    if kind == "months_at_level":
        since = next((e.on for e in result.evidence if e.kind == "level"), None)
        if since is None or result.met_on is None or result.met_on <= since:
            return 0
        return _ratio(Decimal((as_of - since).days), Decimal((result.met_on - since).days))
    if kind == "courses_completed":
        return _ratio(Decimal(len(result.evidence)), Decimal(len(params["courses"])))
    if kind == "training_hours":
        hours = sum((_decimal(e.value) for e in result.evidence), Decimal(0))
        return _ratio(hours, _decimal(params["hours"]))
    if kind == "classroom_sessions":
        return _ratio(Decimal(len(result.evidence)), Decimal(int(params["count"])))
    # refresher_rate: the rate reached against the rate asked for
    due = len(result.evidence)
    done = sum(1 for e in result.evidence if e.counts)
    if not due:
        return 100
    return _ratio(Decimal(done * 100) / due, _decimal(params["percent"]))


def checklist(
    eligibility: Eligibility,
    conditions: Sequence[Mapping[str, Any]],
    exam_ids: Mapping[str, int] | None = None,
) -> list[ChecklistLine]:
    """The lines of ``eligibility`` beside the rule's ``conditions`` (same order, as the
    evaluation keeps them); ``exam_ids`` by slug turn exam steps into links."""
    exam_ids = exam_ids or {}
    lines = []
    for index, result in enumerate(eligibility.results):
        params = conditions[index] if index < len(conditions) else {}
        lines.append(
            ChecklistLine(
                result=result,
                progress=progress_of(result, params, eligibility.as_of),
                steps=tuple(_step(s, exam_ids) for s in result.next_steps),
            )
        )
    return lines


def _step(step: NextStep, exam_ids: Mapping[str, int]) -> Step:
    return Step(step.kind, step.title, step.slug, exam_ids.get(step.slug))


# --- the levels' words ------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelText:
    level: Level
    title: str
    duties: list[str]


def level_texts(locale: str) -> dict[Level, LevelText]:
    """Each level's title and duties in ``locale`` (content/career), falling back to the
    level's own label when the content is not loaded. One statement."""
    english = locale.startswith("en")
    found = {
        profile.level: LevelText(
            profile.level,
            profile.title_en if english else profile.title_zh,
            list(profile.duties_en if english else profile.duties_zh),
        )
        for profile in level_profiles()
    }
    for level in Level:
        found.setdefault(level, LevelText(level, level.label, []))
    return found


# --- the agent's own page ---------------------------------------------------------------------


@dataclass(frozen=True)
class CareerPath:
    level: LevelText | None
    level_since: date | None
    next_level: LevelText | None
    eligibility: Eligibility | None
    lines: list[ChecklistLine]
    standing: Standing
    rule_effective_from: date | None
    as_of: date


def career_path(user: Any, locale: str, as_of: date | None = None) -> CareerPath:
    """``user``'s level with its duties, and the checklist of the rule up to the next
    level in force on ``as_of`` (default: today where the centre is)."""
    as_of = as_of or local_today()
    texts = level_texts(locale)
    level = Level(user.level) if user.level else None
    upper = next_level(level)
    in_force = rules_in_force(as_of)
    version = in_force.get(level) if level is not None else None
    eligibility = evaluate_agents([user.id], as_of).get(user.id) if version else None
    lines: list[ChecklistLine] = []
    if eligibility is not None and version is not None:
        wanted = {s.slug for r in eligibility.results for s in r.next_steps if s.kind == "exam"}
        lines = checklist(eligibility, version.conditions, _exam_ids(user, wanted))
    return CareerPath(
        level=texts[level] if level else None,
        level_since=user.level_since,
        next_level=texts[upper] if upper else None,
        eligibility=eligibility,
        lines=lines,
        standing=standing_of(eligibility),
        rule_effective_from=version.effective_from if version else None,
        as_of=as_of,
    )


def _exam_ids(user: Any, slugs: set[str]) -> dict[str, int]:
    """The ids of the exams ``user`` may open among ``slugs``: an exam outside their
    audience would only show them a refusal, so it stays unlinked."""
    if not slugs:
        return {}
    return {
        row.exam.slug: row.exam.id
        for row in exams.results.exams_for(user)
        if row.exam.slug in slugs
    }


# --- HR's list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityFilter:
    department_id: int | None = None  # with its teams
    level: Level | None = None
    standing: Standing | None = None


@dataclass(frozen=True)
class EligibilityRow:
    user_id: int
    employee_no: str
    name: str
    department: str | None
    level: Level | None
    eligibility: Eligibility | None
    standing: Standing
    lines: list[ChecklistLine]

    @property
    def short_by(self) -> int:
        return self.eligibility.short_by if self.eligibility else 0


@dataclass(frozen=True)
class EligibilityList:
    rows: list[EligibilityRow]
    counts: dict[Standing, int]  # of the agents before the standing filter
    rules: dict[Level, Any]  # the versions in force, by starting level
    as_of: date


def eligibility_list(filters: EligibilityFilter, as_of: date | None = None) -> EligibilityList:
    """Every active agent (in the department with its teams, at the level) with where they
    stand on ``as_of``, ordered by department and name; then narrowed to the standing.

    A constant number of statements: the agents in one, their evaluation in one bulk call.
    """
    as_of = as_of or local_today()
    departments = (
        accounts.department_and_descendants(filters.department_id)
        if filters.department_id is not None
        else None
    )
    agents = accounts.agent_rows(
        departments, filters.level.value if filters.level is not None else None
    )
    paths = accounts.department_paths()
    in_force = rules_in_force(as_of)
    found = evaluate_agents([a.id for a in agents], as_of) if agents else {}
    rows: list[EligibilityRow] = []
    counts = dict.fromkeys(Standing, 0)
    for agent in agents:
        eligibility = found.get(agent.id)
        standing = standing_of(eligibility)
        counts[standing] += 1
        if filters.standing is not None and standing != filters.standing:
            continue
        version = in_force.get(eligibility.from_level) if eligibility else None
        rows.append(
            EligibilityRow(
                user_id=agent.id,
                employee_no=agent.employee_no,
                name=agent.name,
                department=paths.get(agent.department_id) if agent.department_id else None,
                level=agent.level,
                eligibility=eligibility,
                standing=standing,
                lines=checklist(eligibility, version.conditions) if eligibility and version else [],
            )
        )
    return EligibilityList(rows=rows, counts=counts, rules=in_force, as_of=as_of)


# --- the export -------------------------------------------------------------------------------


def _condition_headers(listing: EligibilityList) -> list[tuple[Level, int, str]]:
    """(starting level, index, header) of every condition of the rules the rows use."""
    used = {row.eligibility.from_level for row in listing.rows if row.eligibility}
    headers = []
    for level in Level:
        version = listing.rules.get(level)
        if level not in used or version is None:
            continue
        # The words of a result name the exam or course by title; take them from any row.
        sample = next(
            row.eligibility
            for row in listing.rows
            if row.eligibility and row.eligibility.from_level == level
        )
        for index, condition in enumerate(version.conditions):
            label = (
                sample.results[index].label
                if index < len(sample.results)
                else condition_kind(condition["kind"]).describe(condition)
            )
            to_level = next_level(level)
            prefix = to_level.label if to_level else level.label
            headers.append((level, index, f"{prefix}: {label}"))
    return headers


def eligibility_workbook(listing: EligibilityList) -> bytes:
    """One row per agent, one column per condition of the rules in use: "met" or what is
    missing (blank for a condition of another level's rule)."""
    conditions = _condition_headers(listing)
    headers = [
        _("Employee number"),
        _("Name"),
        _("Department"),
        _("Level"),
        _("Status"),
        _("Conditions short"),
        *(header for _level, _index, header in conditions),
    ]
    rows = [_export_row(row, conditions) for row in listing.rows]
    widths = _widths(headers, rows)
    columns = [
        SheetColumn(header, "@" if index == 0 else None, width)
        for index, (header, width) in enumerate(zip(headers, widths, strict=True))
    ]
    return write_sheets(
        [
            Sheet(
                _("Eligibility"),
                columns,
                rows,
                bold_header=True,
                freeze_header=True,
            )
        ]
    )


def _export_row(row: EligibilityRow, conditions: Iterable[tuple[Level, int, str]]) -> list[Any]:
    cells: list[Any] = [
        row.employee_no,
        row.name,
        row.department or "",
        row.level.label if row.level else "",
        row.standing.label,
        row.short_by,
    ]
    for level, index, _header in conditions:
        eligibility = row.eligibility
        if eligibility is None or eligibility.from_level != level:
            cells.append("")
            continue
        result = eligibility.results[index]
        cells.append(_("Met") if result.met else (result.missing or _("Not met")))
    return cells


def _widths(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    widths = []
    for index, header in enumerate(headers):
        longest = max([display_width(header), *(display_width(str(r[index])) for r in rows[:200])])
        widths.append(float(min(60, max(10, longest + 2))))
    return widths
