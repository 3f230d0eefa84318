"""Levels and promotion rules: loaded from content/career, edited by HR as new versions, and
the version in force on a date.

A rule's versions are never edited. ``sync_career`` adds a version when a rule file's
content changed (by a hash of what it says, so comments and layout do not count); HR's
edits add versions too. The version in force on a date is the one with the latest
``effective_from`` on or before it (the higher number when two share a date).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from lms.accounts import services as accounts
from lms.audit import services as audit
from lms.career.conditions import validate_conditions
from lms.career.errors import ContentProblems, RuleRefused
from lms.career.models.rules import LevelProfile, PromotionRule, PromotionRuleVersion, RuleSource
from lms.database import utcnow
from lms.extensions import db

Level = accounts.Level
LEVEL_ORDER: tuple[Level, ...] = tuple(Level)


def next_level(level: Level | str | None) -> Level | None:
    """The level above ``level``; None at the top or without a level."""
    if level is None:
        return None
    position = LEVEL_ORDER.index(Level(level))
    return LEVEL_ORDER[position + 1] if position + 1 < len(LEVEL_ORDER) else None


@dataclass(frozen=True)
class RuleSpec:
    """A rule as evaluation reads it: from a stored version, or one being drafted by HR."""

    from_level: Level
    to_level: Level
    conditions: tuple[Mapping[str, Any], ...]
    version_id: int | None = None
    number: int | None = None
    effective_from: date | None = None

    @classmethod
    def of(cls, version: PromotionRuleVersion) -> RuleSpec:
        return cls(
            from_level=version.rule.from_level,
            to_level=version.rule.to_level,
            conditions=tuple(version.conditions),
            version_id=version.id,
            number=version.number,
            effective_from=version.effective_from,
        )


# --- the version in force ---------------------------------------------------------------------


def rule_in_force(from_level: Level | str, as_of: date) -> PromotionRuleVersion | None:
    """The version of the rule up from ``from_level`` in force on ``as_of``."""
    return db.session.scalar(
        sa.select(PromotionRuleVersion)
        .join(PromotionRule)
        .options(joinedload(PromotionRuleVersion.rule))
        .where(
            PromotionRule.from_level == Level(from_level),
            PromotionRuleVersion.effective_from <= as_of,
        )
        .order_by(PromotionRuleVersion.effective_from.desc(), PromotionRuleVersion.number.desc())
        .limit(1)
    )


def rules_in_force(as_of: date) -> dict[Level, PromotionRuleVersion]:
    """Every rule's version in force on ``as_of``, by starting level; one statement."""
    versions = db.session.scalars(
        sa.select(PromotionRuleVersion)
        .options(joinedload(PromotionRuleVersion.rule))
        .where(PromotionRuleVersion.effective_from <= as_of)
        .order_by(PromotionRuleVersion.effective_from, PromotionRuleVersion.number)
    )
    in_force: dict[Level, PromotionRuleVersion] = {}
    for version in versions:  # oldest first: the last one seen per rule wins
        in_force[version.rule.from_level] = version
    return in_force


def rule_versions(from_level: Level | str) -> list[PromotionRuleVersion]:
    """The history of the rule up from ``from_level``, newest first."""
    return list(
        db.session.scalars(
            sa.select(PromotionRuleVersion)
            .join(PromotionRule)
            .options(joinedload(PromotionRuleVersion.rule))
            .where(PromotionRule.from_level == Level(from_level))
            .order_by(PromotionRuleVersion.number.desc())
        )
    )


def _latest(rule: PromotionRule) -> PromotionRuleVersion | None:
    return db.session.scalar(
        sa.select(PromotionRuleVersion)
        .where(PromotionRuleVersion.rule_id == rule.id)
        .order_by(PromotionRuleVersion.number.desc())
        .limit(1)
    )


def _rule(from_level: Level, to_level: Level) -> PromotionRule:
    rule = db.session.scalar(sa.select(PromotionRule).where(PromotionRule.from_level == from_level))
    if rule is None:
        rule = PromotionRule(from_level=from_level, to_level=to_level)
        db.session.add(rule)
        db.session.flush()
    return rule


def _add_version(
    rule: PromotionRule,
    *,
    conditions: list[dict[str, Any]],
    effective_from: date,
    note: str,
    source: RuleSource,
    content_hash: str | None = None,
    by_id: int | None = None,
    now: datetime | None = None,
) -> PromotionRuleVersion:
    latest = _latest(rule)
    version = PromotionRuleVersion(
        rule=rule,
        number=(latest.number + 1) if latest else 1,
        effective_from=effective_from,
        conditions=conditions,
        note=note,
        source=source,
        content_hash=content_hash,
        created_by_id=by_id,
        created_at=now or utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    return version


# --- HR's edits -------------------------------------------------------------------------------


def save_rule_version(
    from_level: Level | str,
    conditions: Any,
    effective_from: date | None,
    note: str,
    by_id: int | None,
    now: datetime | None = None,
) -> PromotionRuleVersion:
    """HR's edit of the rule up from ``from_level``, saved as its next version.

    Every condition's parameters are checked by its kind; the date it takes effect may not
    be before the latest version's (a rule's history reads forward). Refusals are
    ``RuleRefused`` with ``(field, message)`` pairs: ``conditions-<n>-<param>``,
    ``effective_from``, ``from_level``.
    """
    level = Level(from_level)
    target = next_level(level)
    if target is None:
        raise RuleRefused([("from_level", _("There is no level above this one."))])
    checked, problems = validate_conditions(conditions)
    rule = db.session.scalar(sa.select(PromotionRule).where(PromotionRule.from_level == level))
    latest = _latest(rule) if rule is not None else None
    if effective_from is None:
        problems.append(("effective_from", _("Enter the date the new version takes effect.")))
    elif latest is not None and effective_from < latest.effective_from:
        problems.append(
            (
                "effective_from",
                _(
                    "Version %(number)d takes effect on %(date)s; a new version cannot take "
                    "effect before it.",
                    number=latest.number,
                    date=latest.effective_from.isoformat(),
                ),
            )
        )
    if problems:
        raise RuleRefused(problems)
    assert effective_from is not None
    version = _add_version(
        rule or _rule(level, target),
        conditions=checked,
        effective_from=effective_from,
        note=note.strip(),
        source=RuleSource.HR,
        by_id=by_id,
        now=now,
    )
    audit.record(
        "career.rule_changed",
        actor_id=by_id,
        subject_type="promotion_rule",
        subject_id=version.rule_id,
        message=audit.N_("Saved version %(number)d of a promotion rule, in force from %(date)s"),
        params={"number": version.number, "date": effective_from.isoformat()},
        before=_audited(latest) if latest is not None else None,
        after=_audited(version),
        now=version.created_at,
    )
    return version


def _audited(version: PromotionRuleVersion) -> dict[str, Any]:
    """What the audit log keeps of a rule version."""
    return {
        "from_level": version.rule.from_level,
        "to_level": version.rule.to_level,
        "version": version.number,
        "effective_from": version.effective_from,
        "conditions": version.conditions,
        "note": version.note,
    }


# --- levels -----------------------------------------------------------------------------------


def level_profiles() -> list[LevelProfile]:
    """The levels' titles and duties, junior first."""
    return list(db.session.scalars(sa.select(LevelProfile).order_by(LevelProfile.position)))


def level_profile(level: Level | str) -> LevelProfile | None:
    return db.session.scalar(sa.select(LevelProfile).where(LevelProfile.level == Level(level)))


def duties(profile: LevelProfile, locale: str) -> list[str]:
    return list(profile.duties_en if locale.startswith("en") else profile.duties_zh)


# --- loading content/career -------------------------------------------------------------------


@dataclass
class CareerSyncReport:
    created: list[str] = field(default_factory=list)  # rules and levels new to the database
    new_versions: list[str] = field(default_factory=list)  # "junior-to-mid v2"
    updated: list[str] = field(default_factory=list)  # levels whose text changed
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.new_versions or self.updated)


def sync_career(folder: Path) -> CareerSyncReport:
    """Load ``folder`` (content/career: ``levels.yaml`` and ``rules/*.yaml``) idempotently.

    A rule file whose content changed becomes a new version from its ``effective_from``;
    an unchanged one adds nothing. A file with any problem is reported as ``file:line:
    reason`` and nothing of it loads; the other files still do.
    """
    report = CareerSyncReport()
    levels_file = folder / "levels.yaml"
    if levels_file.is_file():
        try:
            _sync_levels(_read_levels(levels_file, _shown(levels_file, folder)), report)
        except ContentProblems as error:
            report.problems.extend(error.problems)
    for path in sorted((folder / "rules").glob("*.yaml")):
        try:
            spec = _read_rule(path, _shown(path, folder))
            _sync_rule(spec, report)
        except ContentProblems as error:
            report.problems.extend(error.problems)
    db.session.flush()
    return report


def _shown(path: Path, folder: Path) -> str:
    return f"career/{path.relative_to(folder).as_posix()}"


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _compose(path: Path, shown: str) -> tuple[Any, yaml.Node | None]:
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        raise ContentProblems([f"{shown}:{mark.line + 1 if mark else 1}: YAML: {reason}"]) from None


def _line_of(node: yaml.Node | None, *path: str | int) -> int:
    """The 1-based line of the value at ``path`` in ``node``, or of the nearest parent."""
    line = node.start_mark.line + 1 if node is not None else 1
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            found = next((kv for kv in node.value if kv[0].value == step), None)
            if found is None:
                return line
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                return line
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


@dataclass(frozen=True)
class _RuleFile:
    name: str
    from_level: Level
    to_level: Level
    effective_from: date
    note: str
    conditions: list[dict[str, Any]]
    content_hash: str
    shown: str


RULE_KEYS = {"from", "to", "effective_from", "note", "conditions"}


def _read_rule(path: Path, shown: str) -> _RuleFile:
    data, node = _compose(path, shown)
    if not isinstance(data, dict):
        raise ContentProblems([f"{shown}:1: a rule file is a mapping (from, to, conditions, ...)"])
    problems: list[str] = []

    def at(*where: str | int) -> str:
        return f"{shown}:{_line_of(node, *where)}"

    for key in sorted(set(data) - RULE_KEYS, key=str):
        problems.append(f"{at(key)}: unknown field '{key}'")
    levels = {level.value: level for level in Level}
    from_level = levels.get(str(data.get("from")))
    to_level = levels.get(str(data.get("to")))
    if from_level is None:
        problems.append(f"{at('from')}: from must be one of {', '.join(levels)}")
    if to_level is None:
        problems.append(f"{at('to')}: to must be one of {', '.join(levels)}")
    elif from_level is not None and next_level(from_level) != to_level:
        problems.append(f"{at('to')}: a rule leads to the next level up, not to {to_level.value}")
    effective_from = data.get("effective_from")
    if not isinstance(effective_from, date) or isinstance(effective_from, datetime):
        problems.append(f"{at('effective_from')}: effective_from must be a date like 2026-01-01")
    note = data.get("note") or ""
    if not isinstance(note, str):
        problems.append(f"{at('note')}: note must be text")
    checked, condition_problems = validate_conditions(data.get("conditions"))
    for where, message in condition_problems:
        parts = where.split("-", 2)  # conditions-<n>-<param>
        steps: list[str | int] = ["conditions"]
        if len(parts) >= 2:
            steps.append(int(parts[1]))
        if len(parts) == 3:
            steps.append(parts[2])
        problems.append(f"{at(*steps)}: {message}")
    if problems:
        raise ContentProblems(problems)
    assert from_level is not None and to_level is not None
    meaning = {
        "from": from_level.value,
        "to": to_level.value,
        "effective_from": effective_from,
        "note": note,
        "conditions": checked,
    }
    return _RuleFile(
        name=path.stem,
        from_level=from_level,
        to_level=to_level,
        effective_from=effective_from,  # type: ignore[arg-type]
        note=note.strip(),
        conditions=checked,
        content_hash=_digest(meaning),
        shown=shown,
    )


def _sync_rule(spec: _RuleFile, report: CareerSyncReport) -> None:
    rule = db.session.scalar(
        sa.select(PromotionRule).where(PromotionRule.from_level == spec.from_level)
    )
    if rule is None:
        rule = _rule(spec.from_level, spec.to_level)
        _add_version(
            rule,
            conditions=spec.conditions,
            effective_from=spec.effective_from,
            note=spec.note,
            source=RuleSource.CONTENT,
            content_hash=spec.content_hash,
        )
        report.created.append(spec.name)
        return
    last_loaded = db.session.scalar(
        sa.select(PromotionRuleVersion)
        .where(
            PromotionRuleVersion.rule_id == rule.id,
            PromotionRuleVersion.source == RuleSource.CONTENT,
        )
        .order_by(PromotionRuleVersion.number.desc())
        .limit(1)
    )
    # Compared with what the file last said, not with the latest version: an unchanged
    # file leaves HR's later edits in force.
    if last_loaded is not None and last_loaded.content_hash == spec.content_hash:
        report.unchanged.append(spec.name)
        return
    latest = _latest(rule)
    if latest is not None and spec.effective_from < latest.effective_from:
        raise ContentProblems(
            [
                f"{spec.shown}:{1}: effective_from {spec.effective_from.isoformat()} is before "
                f"version {latest.number}'s ({latest.effective_from.isoformat()}); a changed "
                "rule takes effect on or after it"
            ]
        )
    version = _add_version(
        rule,
        conditions=spec.conditions,
        effective_from=spec.effective_from,
        note=spec.note,
        source=RuleSource.CONTENT,
        content_hash=spec.content_hash,
    )
    report.new_versions.append(f"{spec.name} v{version.number}")


@dataclass(frozen=True)
class _LevelEntry:
    level: Level
    position: int
    title_zh: str
    title_en: str
    duties_zh: list[str]
    duties_en: list[str]
    content_hash: str


def _read_levels(path: Path, shown: str) -> list[_LevelEntry]:
    data, node = _compose(path, shown)
    entries = data.get("levels") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ContentProblems([f"{shown}:1: levels.yaml holds a list under 'levels'"])
    problems: list[str] = []
    found: list[_LevelEntry] = []
    known = {level.value: level for level in Level}
    for index, entry in enumerate(entries):

        def at(*where: str | int, index: int = index) -> str:
            return f"{shown}:{_line_of(node, 'levels', index, *where)}"

        if not isinstance(entry, dict):
            problems.append(f"{at()}: each level is a mapping (level, title, duties)")
            continue
        level = known.get(str(entry.get("level")))
        if level is None:
            problems.append(f"{at('level')}: level must be one of {', '.join(known)}")
        title, duties_ = entry.get("title"), entry.get("duties")
        if not (isinstance(title, dict) and _texts([title.get("zh"), title.get("en")])):
            problems.append(f"{at('title')}: title needs zh and en")
        if not (
            isinstance(duties_, dict)
            and _texts(duties_.get("zh"), listed=True)
            and _texts(duties_.get("en"), listed=True)
        ):
            problems.append(f"{at('duties')}: duties need a list of zh and a list of en points")
        if problems:
            continue
        assert level is not None and isinstance(title, dict) and isinstance(duties_, dict)
        found.append(
            _LevelEntry(
                level=level,
                position=LEVEL_ORDER.index(level),
                title_zh=title["zh"].strip(),
                title_en=title["en"].strip(),
                duties_zh=[d.strip() for d in duties_["zh"]],
                duties_en=[d.strip() for d in duties_["en"]],
                content_hash=_digest(entry),
            )
        )
    if problems:
        raise ContentProblems(problems)
    return found


def _texts(values: Any, listed: bool = False) -> bool:
    if listed and (not isinstance(values, list) or not values):
        return False
    return isinstance(values, Sequence) and all(isinstance(v, str) and v.strip() for v in values)


def _sync_levels(entries: list[_LevelEntry], report: CareerSyncReport) -> None:
    existing = {profile.level: profile for profile in db.session.scalars(sa.select(LevelProfile))}
    for entry in entries:
        profile = existing.get(entry.level)
        name = f"level {entry.level.value}"
        if profile is not None and profile.content_hash == entry.content_hash:
            report.unchanged.append(name)
            continue
        if profile is None:
            profile = LevelProfile(level=entry.level)
            db.session.add(profile)
            report.created.append(name)
        else:
            report.updated.append(name)
        profile.position = entry.position
        profile.title_zh, profile.title_en = entry.title_zh, entry.title_en
        profile.duties_zh, profile.duties_en = entry.duties_zh, entry.duties_en
        profile.content_hash = entry.content_hash
