"""Seeded exams from ``content/exams/*.yaml``, loaded idempotently by ``flask content sync``.

A file is applied only when its content hash changed, so an exam a trainer edits in
the app keeps the edit until someone changes the file. A bad file is reported as
``file:line: reason`` and none of it is loaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from lms.exams.models import (
    REVIEW_ITEMS,
    REVIEW_TIMES,
    Exam,
    ExamDrawRule,
    ExamStatus,
    GradingMethod,
    QuestionCategory,
)
from lms.exams.question_types import QUESTION_TYPES
from lms.extensions import db


@dataclass
class ExamSyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _category(name: str) -> QuestionCategory | None:
    return db.session.scalar(
        sa.select(QuestionCategory).where(
            QuestionCategory.parent_id.is_(None), QuestionCategory.name == name
        )
    )


def _read(path: Path, root: Path) -> tuple[dict[str, Any] | None, list[str]]:
    label = str(path.relative_to(root.parent))
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", 0) + 1
        return None, [f"{label}:{line}: YAML: {getattr(error, 'problem', error)}"]
    if not isinstance(spec, dict):
        return None, [f"{label}:1: an exam file is a mapping of settings"]
    problems = []
    for key in ("slug", "title", "draw"):
        if not spec.get(key):
            problems.append(f"{label}:1: '{key}' is missing")
    if spec.get("grading_method", "highest") not in {m.value for m in GradingMethod}:
        problems.append(f"{label}:1: unknown grading_method {spec.get('grading_method')!r}")
    for time, items in (spec.get("review") or {}).items():
        if time not in REVIEW_TIMES or any(item not in REVIEW_ITEMS for item in items or []):
            problems.append(f"{label}:1: review {time!r}: {items!r} is not a review option")
    unknown = [t for t in spec.get("question_types") or [] if t not in QUESTION_TYPES]
    if unknown:
        problems.append(f"{label}:1: unknown question types {unknown}")
    for rule in spec.get("draw") or []:
        if _category(str(rule.get("category", ""))) is None:
            problems.append(f"{label}:1: no top-level question category {rule.get('category')!r}")
        if not isinstance(rule.get("count"), int) or rule["count"] < 1:
            problems.append(f"{label}:1: a draw rule needs a count of at least 1")
    return spec, problems


def _apply(exam: Exam, spec: dict[str, Any]) -> None:
    exam.title = spec["title"]
    exam.title_en = spec.get("title_en")
    exam.instructions = spec.get("instructions", "").strip()
    exam.instructions_en = (spec.get("instructions_en") or "").strip() or None
    exam.time_limit_minutes = spec.get("time_limit_minutes")
    exam.pass_percent = Decimal(str(spec.get("pass_percent", 60)))
    exam.max_attempts = spec.get("max_attempts")
    exam.grading_method = GradingMethod(spec.get("grading_method", "highest"))
    exam.attempt_wait_minutes = int(spec.get("attempt_wait_minutes", 0))
    exam.certificate_months = spec.get("certificate_months")
    exam.shuffle_questions = bool(spec.get("shuffle_questions", True))
    exam.shuffle_options = bool(spec.get("shuffle_options", True))
    exam.audience = dict(spec.get("audience") or {})
    exam.review = {time: list(items or []) for time, items in (spec.get("review") or {}).items()}
    exam.status = ExamStatus.PUBLISHED
    types = list(spec.get("question_types") or [])
    exam.draw_rules = [
        ExamDrawRule(
            position=position,
            category_id=_category(rule["category"]).id,  # type: ignore[union-attr]
            include_subcategories=bool(rule.get("subcategories", True)),
            count=rule["count"],
            question_types=list(rule.get("question_types") or types),
            mark=float(rule.get("mark", 1.0)),
        )
        for position, rule in enumerate(spec["draw"], start=1)
    ]


def sync_exams(folder: Path) -> ExamSyncReport:
    """Create or update the seeded exams from ``folder``; run after the question bank's sync."""
    report = ExamSyncReport()
    if not folder.is_dir():
        return report
    for path in sorted(folder.glob("*.yaml")):
        spec, problems = _read(path, folder)
        if problems or spec is None:
            report.problems.extend(problems)
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        exam = db.session.scalar(sa.select(Exam).where(Exam.slug == spec["slug"]))
        if exam is not None and exam.content_hash == digest:
            report.unchanged.append(spec["slug"])
            continue
        if exam is None:
            exam = Exam(slug=spec["slug"])
            db.session.add(exam)
            report.created.append(spec["slug"])
        else:
            report.updated.append(spec["slug"])
        _apply(exam, spec)
        exam.content_hash = digest
    db.session.flush()
    return report
