"""The question-type registry: one class per type, each with a validator and a pure grade().

A question version's type-specific content is a plain dict (the ``payload``),
so it can be stored as JSON and graded without a database. Grading follows
Moodle's semantics: an option's fraction is its share of the mark, negative
fractions are penalties, and a question's score never goes below 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

Payload = Mapping[str, Any]


@dataclass(frozen=True)
class Score:
    """The outcome of grading one response: a fraction of the mark in [0, 1] and feedback."""

    fraction: float
    feedback: list[str] = field(default_factory=list)

    @property
    def is_correct(self) -> bool:
        return self.fraction >= 0.9999999

    @property
    def is_partial(self) -> bool:
        return 0 < self.fraction < 0.9999999


class QuestionType:
    name: ClassVar[str]

    def validate(self, payload: Payload) -> list[str]:
        """Problems that make ``payload`` unusable; empty when it is fine."""
        raise NotImplementedError

    def grade(self, payload: Payload, response: Any) -> Score:
        """Score ``response`` against ``payload``; pure and safe to rerun."""
        raise NotImplementedError


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


class SingleChoice(QuestionType):
    """One option is picked; it scores its own fraction.

    payload: ``{"choices": [{"text", "fraction", "feedback"}, ...]}``; response: option index.
    """

    name = "single_choice"

    def validate(self, payload: Payload) -> list[str]:
        choices = payload.get("choices") or []
        problems = []
        if len(choices) < 2:
            problems.append("a choice question needs at least two options")
        if choices and max(c["fraction"] for c in choices) < 1:
            problems.append("no option is fully right")
        return problems

    def grade(self, payload: Payload, response: Any) -> Score:
        choices = payload["choices"]
        if not isinstance(response, int) or isinstance(response, bool):
            return Score(0.0)
        if not 0 <= response < len(choices):
            return Score(0.0)
        chosen = choices[response]
        return Score(_clamp(chosen["fraction"]), [chosen["feedback"]] if chosen["feedback"] else [])


class MultipleChoice(QuestionType):
    """Several options may be picked; their fractions add up, clamped to [0, 1].

    payload as for single choice; response: a collection of option indexes.
    """

    name = "multiple_choice"

    def validate(self, payload: Payload) -> list[str]:
        choices = payload.get("choices") or []
        problems = []
        if len(choices) < 2:
            problems.append("a choice question needs at least two options")
        positive = sum(c["fraction"] for c in choices if c["fraction"] > 0)
        if choices and abs(positive - 1) > 0.01:
            problems.append("the weights of the right options must add up to 100%")
        return problems

    def grade(self, payload: Payload, response: Any) -> Score:
        choices = payload["choices"]
        try:
            picked = sorted({int(i) for i in response or ()})
        except (TypeError, ValueError):
            return Score(0.0)
        picked = [i for i in picked if 0 <= i < len(choices)]
        total = sum(choices[i]["fraction"] for i in picked)
        return Score(
            _clamp(total), [choices[i]["feedback"] for i in picked if choices[i]["feedback"]]
        )


class TrueFalse(QuestionType):
    """payload: ``{"answer", "feedback_right", "feedback_wrong"}``; response: a bool."""

    name = "true_false"

    def validate(self, payload: Payload) -> list[str]:
        return [] if isinstance(payload.get("answer"), bool) else ["the right answer is missing"]

    def grade(self, payload: Payload, response: Any) -> Score:
        if not isinstance(response, bool):
            return Score(0.0)
        if response == payload["answer"]:
            feedback = payload.get("feedback_right") or ""
            return Score(1.0, [feedback] if feedback else [])
        feedback = payload.get("feedback_wrong") or ""
        return Score(0.0, [feedback] if feedback else [])


QUESTION_TYPES: dict[str, QuestionType] = {
    cls.name: cls() for cls in (SingleChoice, MultipleChoice, TrueFalse)
}


def question_type(name: str) -> QuestionType:
    """The registered type called ``name``; KeyError for an unknown one."""
    return QUESTION_TYPES[name]
