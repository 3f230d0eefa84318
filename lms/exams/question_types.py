"""The question-type registry: one class per type, each with a validator and a pure grade().

A question version's type-specific content is a plain dict (the ``payload``),
so it can be stored as JSON and graded without a database. Grading follows
Moodle's semantics: an option's fraction is its share of the mark, negative
fractions are penalties, and a question's score never goes below 0.

Payloads, by type:

- ``single_choice`` / ``multiple_choice``: ``{"choices": [{"text", "fraction", "feedback"}]}``
- ``true_false``: ``{"answer": bool, "feedback_right", "feedback_wrong"}``
- ``short_answer``: ``{"answers": [{"text", "fraction", "feedback"}], "case_sensitive": bool}``
- ``numerical``: ``{"answers": [{"value": float | None, "tolerance", "fraction", "feedback"}]}``
  (``value`` None is Moodle's ``*``: any other number)
- ``matching``: ``{"pairs": [{"question", "answer"}]}``; an empty question is a distractor answer
- ``ordering``: ``{"items": [text, ...]}`` in the right order
- ``essay``: ``{}`` (a person grades it) and ``description``: ``{}`` (no answer, no mark)
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from flask_babel import gettext as _

Payload = Mapping[str, Any]

# Moodle accepts only these fractions (question/engine/bank.php); ± each, and 0.
GRADE_OPTIONS: tuple[float, ...] = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)
# Moodle calls a fraction right above 0.999999 (three thirds of 0.3333333 included).
_FULL = 0.999999


def is_grade_option(fraction: float) -> bool:
    """Whether ``fraction`` is one of Moodle's grade options (within 0.00001), negative allowed."""
    return abs(fraction) < 0.00001 or any(
        abs(abs(fraction) - option) < 0.00001 for option in GRADE_OPTIONS
    )


def snap_fraction(fraction: float) -> float:
    """The grade option ``fraction`` stands for (so 0.333333 and 1/3 store alike)."""
    for option in GRADE_OPTIONS:
        if abs(abs(fraction) - option) < 0.00001:
            return math.copysign(option, fraction)
    return 0.0 if abs(fraction) < 0.00001 else fraction


def checked_fraction(fraction: float) -> float:
    """``fraction`` snapped to the grade option it stands for; ValueError naming it if none."""
    if not is_grade_option(fraction):
        raise ValueError(
            _(
                "weight %(weight)s%% is not one of Moodle's grade options",
                weight=f"{fraction * 100:g}",
            )
        )
    return snap_fraction(fraction)


@dataclass(frozen=True)
class Score:
    """The outcome of grading one response: a fraction of the mark in [0, 1] and feedback.

    ``needs_grading`` marks a response only a person can score (an essay).
    """

    fraction: float
    feedback: list[str] = field(default_factory=list)
    needs_grading: bool = False

    @property
    def is_correct(self) -> bool:
        return self.fraction >= _FULL

    @property
    def is_partial(self) -> bool:
        return 0 < self.fraction < _FULL


class QuestionType:
    name: ClassVar[str]
    #: Whether the type is graded by the machine; essays are not, descriptions carry no mark.
    auto_graded: ClassVar[bool] = True
    has_mark: ClassVar[bool] = True

    def validate(self, payload: Payload) -> list[str]:
        """Problems that make ``payload`` unusable; empty when it is fine."""
        raise NotImplementedError

    def grade(self, payload: Payload, response: Any) -> Score:
        """Score ``response`` against ``payload``; pure and safe to rerun."""
        raise NotImplementedError

    def right_answer(self, payload: Payload) -> Any:
        """The response that scores full marks (for review pages and tests)."""
        raise NotImplementedError


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _feedback(*texts: str) -> list[str]:
    return [text for text in texts if text]


def _bad_fractions(rows: list[Mapping[str, Any]]) -> list[str]:
    problems = []
    for row in rows:
        try:
            checked_fraction(row["fraction"])
        except ValueError as error:
            problems.append(str(error))
    return problems


class _Choice(QuestionType):
    def _common(self, payload: Payload) -> list[str]:
        choices = payload.get("choices") or []
        problems = []
        if len(choices) < 2:
            problems.append(_("a choice question needs at least two options"))
        if any(not str(c.get("text", "")).strip() for c in choices):
            problems.append(_("an option has no text"))
        return problems + _bad_fractions(choices)


class SingleChoice(_Choice):
    """One option is picked; it scores its own fraction. Response: the option's index."""

    name = "single_choice"

    def validate(self, payload: Payload) -> list[str]:
        problems = self._common(payload)
        choices = payload.get("choices") or []
        if choices and max(c["fraction"] for c in choices) < _FULL:
            problems.append(_("no option is fully right"))
        return problems

    def grade(self, payload: Payload, response: Any) -> Score:
        choices = payload["choices"]
        if not isinstance(response, int) or isinstance(response, bool):
            return Score(0.0)
        if not 0 <= response < len(choices):
            return Score(0.0)
        chosen = choices[response]
        return Score(_clamp(chosen["fraction"]), _feedback(chosen["feedback"]))

    def right_answer(self, payload: Payload) -> int:
        choices = payload["choices"]
        return max(range(len(choices)), key=lambda i: choices[i]["fraction"])


class MultipleChoice(_Choice):
    """Several options may be picked; their fractions add up, clamped to [0, 1].

    Response: a collection of option indexes.
    """

    name = "multiple_choice"

    def validate(self, payload: Payload) -> list[str]:
        problems = self._common(payload)
        choices = payload.get("choices") or []
        positive = sum(c["fraction"] for c in choices if c["fraction"] > 0)
        if choices and abs(positive - 1) > 0.01:
            problems.append(_("the weights of the right options must add up to 100%"))
        return problems

    def grade(self, payload: Payload, response: Any) -> Score:
        choices = payload["choices"]
        try:
            picked = sorted({int(i) for i in response or ()})
        except (TypeError, ValueError, OverflowError):
            return Score(0.0)
        picked = [i for i in picked if 0 <= i < len(choices)]
        total = sum(choices[i]["fraction"] for i in picked)
        return Score(_clamp(total), _feedback(*(choices[i]["feedback"] for i in picked)))

    def right_answer(self, payload: Payload) -> list[int]:
        return [i for i, c in enumerate(payload["choices"]) if c["fraction"] > 0]


class TrueFalse(QuestionType):
    """Response: a bool."""

    name = "true_false"

    def validate(self, payload: Payload) -> list[str]:
        return [] if isinstance(payload.get("answer"), bool) else [_("the right answer is missing")]

    def grade(self, payload: Payload, response: Any) -> Score:
        if not isinstance(response, bool):
            return Score(0.0)
        if response == payload["answer"]:
            return Score(1.0, _feedback(payload.get("feedback_right") or ""))
        return Score(0.0, _feedback(payload.get("feedback_wrong") or ""))

    def right_answer(self, payload: Payload) -> bool:
        return payload["answer"]


_SPACES = re.compile(r"\s+")


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """Full-width folded to half-width (ＡＢＣ１ → ABC1), spaces collapsed and trimmed,
    and case folded unless the question is case-sensitive."""
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return folded if case_sensitive else folded.casefold()


_UNESCAPED_STAR = re.compile(r"(?<!\\)\*")


def wildcard_match(answer: str, given: str) -> bool:
    """Whether ``given`` matches ``answer``, where '*' stands for any run of characters and
    '\\*' for a star itself, as in Moodle.

    Matched piece by piece with ``str.find`` instead of a regular expression: the learner
    types the text, and a pattern with many stars must not make a regex backtrack for minutes.
    """
    pieces = [piece.replace("\\*", "*") for piece in _UNESCAPED_STAR.split(answer)]
    if len(pieces) == 1:
        return given == pieces[0]
    first, *middle, last = pieces
    if not given.startswith(first) or len(given) < len(first) + len(last):
        return False
    if not given.endswith(last):
        return False
    position, end = len(first), len(given) - len(last)
    for piece in middle:
        found = given.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


class ShortAnswer(QuestionType):
    """A typed answer; the first accepted answer it matches gives its credit. Response: text."""

    name = "short_answer"

    def validate(self, payload: Payload) -> list[str]:
        answers = payload.get("answers") or []
        problems = []
        if not answers:
            problems.append(_("a short-answer question needs at least one accepted answer"))
        if any(not str(a.get("text", "")).strip() for a in answers):
            problems.append(_("an accepted answer is empty"))
        if answers and max(a["fraction"] for a in answers) < _FULL:
            problems.append(_("no accepted answer gives full marks"))
        return problems + _bad_fractions(answers)

    def grade(self, payload: Payload, response: Any) -> Score:
        if not isinstance(response, str) or not response.strip():
            return Score(0.0)
        case_sensitive = bool(payload.get("case_sensitive"))
        given = normalise_text(response, case_sensitive)
        for answer in payload["answers"]:
            if wildcard_match(normalise_text(answer["text"], case_sensitive), given):
                return Score(_clamp(answer["fraction"]), _feedback(answer["feedback"]))
        return Score(0.0)

    def right_answer(self, payload: Payload) -> str:
        return max(payload["answers"], key=lambda a: a["fraction"])["text"]


def parse_number(text: Any) -> float | None:
    """A number typed by a learner (full-width digits, a decimal comma, spaces), or None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        try:
            value = float(text)
        except OverflowError:  # an int too big for a float
            return None
        return value if math.isfinite(value) else None
    if not isinstance(text, str):
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if re.fullmatch(r"[-+]?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    elif re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?", cleaned):
        # As in Moodle: with a point, or more than one comma, commas group thousands.
        cleaned = cleaned.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class Numerical(QuestionType):
    """A number within an answer's tolerance earns that answer's credit; the first match wins."""

    name = "numerical"

    def validate(self, payload: Payload) -> list[str]:
        answers = payload.get("answers") or []
        problems = []
        if not answers:
            problems.append(_("a numerical question needs at least one answer"))
        for answer in answers:
            value, tolerance = answer.get("value"), answer.get("tolerance", 0)
            if value is not None and not isinstance(value, int | float):
                problems.append(_("an answer is not a number"))
            if not isinstance(tolerance, int | float) or tolerance < 0:
                problems.append(_("a tolerance must be a number of zero or more"))
        if answers and max(a["fraction"] for a in answers) < _FULL:
            problems.append(_("no answer gives full marks"))
        return problems + _bad_fractions(answers)

    def grade(self, payload: Payload, response: Any) -> Score:
        given = parse_number(response)
        if given is None:
            return Score(0.0)
        for answer in payload["answers"]:
            value = answer["value"]
            # A hair of slack so that 0.1 + 0.2 style float noise never fails a right answer.
            slack = float(answer.get("tolerance") or 0) + 1e-9 * max(1.0, abs(value or 0))
            if value is None or abs(given - value) <= slack:
                return Score(_clamp(answer["fraction"]), _feedback(answer["feedback"]))
        return Score(0.0)

    def right_answer(self, payload: Payload) -> float | None:
        return max(payload["answers"], key=lambda a: a["fraction"])["value"]


class Matching(QuestionType):
    """Each stem is matched with one answer; credit is the share of stems matched right.

    Response: ``{stem index (as str or int): answer text}``.
    """

    name = "matching"

    def validate(self, payload: Payload) -> list[str]:
        pairs = payload.get("pairs") or []
        stems = [p for p in pairs if str(p.get("question", "")).strip()]
        problems = []
        if len(stems) < 2:
            problems.append(_("a matching question needs at least two pairs"))
        if any(not str(p.get("answer", "")).strip() for p in pairs):
            problems.append(_("a pair has no answer"))
        return problems

    @staticmethod
    def stems(payload: Payload) -> list[int]:
        return [i for i, p in enumerate(payload["pairs"]) if str(p["question"]).strip()]

    @staticmethod
    def answers(payload: Payload) -> list[str]:
        """The distinct answers offered, in payload order."""
        return list(dict.fromkeys(p["answer"] for p in payload["pairs"]))

    def grade(self, payload: Payload, response: Any) -> Score:
        stems = self.stems(payload)
        if not isinstance(response, Mapping) or not stems:
            return Score(0.0)
        given = {str(k): v for k, v in response.items()}
        right = sum(1 for i in stems if given.get(str(i)) == payload["pairs"][i]["answer"])
        return Score(right / len(stems))

    def right_answer(self, payload: Payload) -> dict[str, str]:
        return {str(i): payload["pairs"][i]["answer"] for i in self.stems(payload)}


class Ordering(QuestionType):
    """Put the items in order; credit is the share of items in their right place.

    Response: the item indexes (of the payload's right order) in the order the learner gave.
    """

    name = "ordering"

    def validate(self, payload: Payload) -> list[str]:
        items = payload.get("items") or []
        problems = []
        if len(items) < 2:
            problems.append(_("an ordering question needs at least two items"))
        if any(not str(item).strip() for item in items):
            problems.append(_("an item has no text"))
        if len(set(items)) != len(items):
            problems.append(_("two items have the same text"))
        return problems

    def grade(self, payload: Payload, response: Any) -> Score:
        items = payload["items"]
        try:
            order = [int(i) for i in response]
        except (TypeError, ValueError, OverflowError):
            return Score(0.0)
        if sorted(order) != list(range(len(items))):
            return Score(0.0)
        right = sum(1 for position, index in enumerate(order) if position == index)
        return Score(right / len(items))

    def right_answer(self, payload: Payload) -> list[int]:
        return list(range(len(payload["items"])))


class Essay(QuestionType):
    """A written answer that a trainer grades; the machine only records it."""

    name = "essay"
    auto_graded = False

    def validate(self, payload: Payload) -> list[str]:
        return []

    def grade(self, payload: Payload, response: Any) -> Score:
        return Score(0.0, needs_grading=bool(isinstance(response, str) and response.strip()))

    def right_answer(self, payload: Payload) -> None:
        return None


class Description(QuestionType):
    """Text only (a case the next questions refer to): no answer and no mark."""

    name = "description"
    auto_graded = False
    has_mark = False

    def validate(self, payload: Payload) -> list[str]:
        return []

    def grade(self, payload: Payload, response: Any) -> Score:
        return Score(0.0)

    def right_answer(self, payload: Payload) -> None:
        return None


QUESTION_TYPES: dict[str, QuestionType] = {
    cls.name: cls()
    for cls in (
        SingleChoice,
        MultipleChoice,
        TrueFalse,
        ShortAnswer,
        Numerical,
        Matching,
        Ordering,
        Essay,
        Description,
    )
}


def question_type(name: str) -> QuestionType:
    """The registered type called ``name``; KeyError for an unknown one."""
    return QUESTION_TYPES[name]
