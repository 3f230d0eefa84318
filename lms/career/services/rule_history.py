"""Promotion rules as HR reads them: each rule's version in force and any scheduled one, every
version in words with what changed from the one before, and what the edit form offers.

Read-only: versions are written by ``rules.save_rule_version`` only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.career.conditions import KINDS, metrics
from lms.career.models.rules import PromotionRuleVersion
from lms.career.services.rules import LEVEL_ORDER, Level, next_level, rule_versions
from lms.courses import services as courses
from lms.exams import services as exams
from lms.months import add_months


@dataclass(frozen=True)
class Titles:
    """Courses' and exams' titles in the page's language, by slug; a slug stands for itself
    when nothing by that name exists (any more)."""

    courses: Mapping[str, str]
    exams: Mapping[str, str]
    separator: str = "、"  # between titles: Chinese enumerates with 、, English with a comma

    def course(self, slug: str) -> str:
        return self.courses.get(slug, slug)

    def exam(self, slug: str) -> str:
        return self.exams.get(slug, slug)


def _in_language(zh: str, en: str | None, locale: str) -> str:
    return en if locale.startswith("en") and en else zh


def titles_for(conditions: Iterable[Mapping[str, Any]], locale: str) -> Titles:
    """The titles of every course and exam the conditions name: two statements."""
    course_slugs: set[str] = set()
    exam_slugs: set[str] = set()
    for condition in conditions:
        course_slugs.update(s for s in condition.get("courses") or () if isinstance(s, str))
        if isinstance(condition.get("exam"), str):
            exam_slugs.add(condition["exam"])
    return Titles(
        courses={
            slug: _in_language(zh, en, locale)
            for slug, (zh, en) in courses.course_titles(course_slugs).items()
        },
        exams={
            slug: _in_language(zh, en, locale)
            for slug, (zh, en) in exams.certificates.exam_titles(exam_slugs).items()
        },
        separator=", " if locale.startswith("en") else "、",
    )


def describe_condition(condition: Mapping[str, Any], titles: Titles) -> str:
    """A stored condition in words, naming its courses and exam by their titles.

    The kinds' ``describe`` names an exam by its slug and courses only by their number; HR
    choosing between versions needs to see which.
    """
    kind = KINDS.get(condition.get("kind", ""))
    if kind is None:  # a kind since removed from the registry: still readable in history
        return str(condition.get("kind"))
    params = dict(condition)
    if isinstance(params.get("exam"), str):
        params["exam"] = titles.exam(params["exam"])
    text = kind.describe(params)
    named = params.get("courses")
    if named:
        text = _(
            "%(condition)s: %(items)s",
            condition=text,
            items=titles.separator.join(titles.course(slug) for slug in named),
        )
    return text


def _key(condition: Mapping[str, Any]) -> str:
    # A list parameter (courses) is a set: all of them are needed, in any order.
    canonical = {k: sorted(v) if isinstance(v, list) else v for k, v in condition.items()}
    return json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str)


def changes_between(
    older: Sequence[Mapping[str, Any]], newer: Sequence[Mapping[str, Any]]
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """(added, removed): the conditions of ``newer`` not in ``older`` and the reverse.

    A changed threshold is one condition removed and one added; the order of the conditions,
    or of the courses in one, does not count as a change.
    """
    before, after = Counter(_key(c) for c in older), Counter(_key(c) for c in newer)
    added_left, removed_left = after - before, before - after
    added, removed = [], []
    for condition in newer:
        if added_left[_key(condition)] > 0:
            added_left[_key(condition)] -= 1
            added.append(condition)
    for condition in older:
        if removed_left[_key(condition)] > 0:
            removed_left[_key(condition)] -= 1
            removed.append(condition)
    return added, removed


@dataclass(frozen=True)
class VersionView:
    """One version of a rule as its pages show it."""

    version: PromotionRuleVersion
    conditions: list[str]
    author: str | None  # None for a version loaded from content/career
    added: list[str]
    removed: list[str]
    is_first: bool
    is_in_force: bool
    is_scheduled: bool  # takes effect after today

    @property
    def is_superseded(self) -> bool:
        return not (self.is_in_force or self.is_scheduled)


def history_of(from_level: Level | str, today: date, locale: str) -> list[VersionView]:
    """Every version of the rule up from ``from_level``, newest first, each with what changed
    from the version before it."""
    versions = rule_versions(from_level)
    titles = titles_for((c for v in versions for c in v.conditions), locale)
    authors = {
        user.id: user.name
        for user in accounts.users_by_id({v.created_by_id for v in versions if v.created_by_id})
    }
    in_force = _in_force_of(versions, today)
    views = []
    for position, version in enumerate(versions):
        older = versions[position + 1] if position + 1 < len(versions) else None
        added, removed = changes_between(older.conditions if older else [], version.conditions)
        views.append(
            VersionView(
                version=version,
                conditions=[describe_condition(c, titles) for c in version.conditions],
                author=authors.get(version.created_by_id) if version.created_by_id else None,
                added=[describe_condition(c, titles) for c in added] if older else [],
                removed=[describe_condition(c, titles) for c in removed],
                is_first=older is None,
                is_in_force=version is in_force,
                is_scheduled=version.effective_from > today,
            )
        )
    return views


def _in_force_of(
    versions: Sequence[PromotionRuleVersion], today: date
) -> PromotionRuleVersion | None:
    # The same choice as rules.rule_in_force, made on versions already loaded.
    started = [v for v in versions if v.effective_from <= today]
    return max(started, key=lambda v: (v.effective_from, v.number), default=None)


@dataclass(frozen=True)
class RuleOverview:
    """A rule on the rules page: the version in force today and those scheduled after it."""

    from_level: Level
    to_level: Level
    in_force: VersionView | None
    scheduled: list[VersionView]  # soonest first
    latest_number: int | None


def rules_overview(today: date, locale: str) -> list[RuleOverview]:
    """Every rule (one per level with a level above it), junior first."""
    overview = []
    for level in LEVEL_ORDER:
        target = next_level(level)
        if target is None:
            continue
        views = history_of(level, today, locale)
        overview.append(
            RuleOverview(
                from_level=level,
                to_level=target,
                in_force=next((v for v in views if v.is_in_force), None),
                scheduled=sorted(
                    (v for v in views if v.is_scheduled),
                    key=lambda v: (v.version.effective_from, v.version.number),
                ),
                latest_number=views[0].version.number if views else None,
            )
        )
    return overview


# --- what the edit form offers ----------------------------------------------------------------


def proposed_effective_from(today: date, latest: PromotionRuleVersion | None) -> date:
    """The date a new version is proposed to take effect: the first of next month.

    KPI conditions read whole months, imported after each month ends, and appraisals run
    by the month: a rule changing on the first judges every month by one wording, and gives
    agents the rest of this month's notice. Never before the latest version's date, which
    the rule's history would refuse.
    """
    proposed = add_months(today, 1)
    if latest is not None and latest.effective_from > proposed:
        return latest.effective_from
    return proposed


@dataclass(frozen=True)
class ParameterChoices:
    """The choices of the edit form's select parameters: (value, label) pairs."""

    courses: list[tuple[str, str]]
    exams: list[tuple[str, str]]
    metrics: list[tuple[str, str]]


def parameter_choices(locale: str) -> ParameterChoices:
    """Open courses and published exams (those with a slug, which rules name them by), and
    the appraisal metrics."""
    course_list = [
        (c.slug, courses.course_title(c, locale)) for c in courses.catalogue().courses if c.slug
    ]
    exam_list = [
        (e.slug, _in_language(e.title, e.title_en, locale))
        for e in exams.results.all_exams()
        if e.slug and e.status.value == "published"
    ]
    metric_list = [(key, str(metric.label)) for key, metric in metrics().items()]
    return ParameterChoices(course_list, exam_list, metric_list)


def describe_draft(conditions: Sequence[Mapping[str, Any]], locale: str) -> list[str | None]:
    """Each condition of an edit in words, or None while its parameters do not check."""
    titles = titles_for(conditions, locale)
    described: list[str | None] = []
    for condition in conditions:
        kind = KINDS.get(condition.get("kind", ""))
        if kind is None:
            described.append(None)
            continue
        params, problems = kind.validate(condition)
        described.append(
            None if problems else describe_condition({"kind": kind.name, **params}, titles)
        )
    return described
