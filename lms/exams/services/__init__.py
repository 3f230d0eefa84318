"""What the exams area offers: grading with the question-type registry, knowledge checks,
the question bank (``bank``) with its imports and exports (``interchange``), certificates
and the knowledge gaps per question tag for HR (``knowledge_gaps``).

Other areas import this package only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from lms.exams.formats import FormatError
from lms.exams.formats.gift import read_gift
from lms.exams.question_types import Score, question_type
from lms.exams.services import (
    attempts,
    bank,
    certificates,
    exam_files,
    grading,
    interchange,
    knowledge_gaps,
    papers,
    results,
)

__all__ = [
    "CHECK_TYPES",
    "attempts",
    "bank",
    "certificates",
    "grading",
    "knowledge_gaps",
    "papers",
    "results",
    "sync_exams",
    "interchange",
    "FormatError",
    "Score",
    "grade",
    "read_knowledge_check",
    "sync_question_bank",
]

#: The types a lesson's knowledge check may use: graded at once, no typing needed.
CHECK_TYPES = ("single_choice", "multiple_choice", "true_false")


def grade(type_name: str, payload: Mapping[str, Any], response: Any) -> Score:
    """Score ``response`` to a question of type ``type_name``; pure."""
    return question_type(type_name).grade(payload, response)


def read_knowledge_check(text: str, filename: str, first_line: int = 1) -> list[dict[str, Any]]:
    """The questions of a lesson's ```gift block, as plain dicts for the lesson's JSON column.

    FormatError names each question that does not parse or is not a check type.
    """
    parsed = read_gift(text, filename, first_line)
    problems = [
        f"{filename}:{category.line}: " + _("a knowledge check has no categories")
        for category in parsed.categories
    ]
    problems += [
        f"{filename}:{question.line}: "
        + _("a knowledge check takes single choice, multiple choice and true/false only")
        for question in parsed.questions
        if question.type not in CHECK_TYPES
    ]
    if problems:
        raise FormatError(problems)
    return [
        {
            "line": q.line,
            "name": q.name,
            "text": q.text,
            "text_format": q.text_format,
            "type": q.type,
            "payload": q.payload,
            "general_feedback": q.general_feedback,
        }
        for q in parsed.questions
    ]


def sync_question_bank(folder: Path) -> interchange.BankSyncReport:
    """Load the seeded bank from ``content/questions/`` (see ``interchange``)."""
    return interchange.sync_question_bank(folder)


def sync_exams(folder: Path) -> exam_files.ExamSyncReport:
    """Load the seeded exams from ``content/exams/`` (see ``exam_files``)."""
    return exam_files.sync_exams(folder)
