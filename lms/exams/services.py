"""What other areas may ask of exams: grading a response with the question-type registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lms.exams.question_types import Score, question_type

__all__ = ["Score", "grade"]


def grade(type_name: str, payload: Mapping[str, Any], response: Any) -> Score:
    """Score ``response`` to a question of type ``type_name``; pure."""
    return question_type(type_name).grade(payload, response)
