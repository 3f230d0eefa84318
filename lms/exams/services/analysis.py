"""Item analysis of exam questions: the classical test theory statistics of Moodle's quiz report.

Trainers use these numbers to find questions that are too easy, too hard or that reward the
wrong learners. Everything here is pure: it takes plain ``ItemResponse`` records (one per
question per attempt) and returns ``ItemStats``; no database, no Flask.

Formulas, for a question *i* and the attempts that contained it:

* **Facility index** = mean of the item's fraction (mark earned / the item's max mark, 0..1).
  An unanswered or ungraded item (``fraction is None``) counts as 0, as it does in the
  attempt's total: a learner who skips a question did not get it right.
* **Discrimination index** = Pearson correlation, over the attempts, between the item's
  fraction *x* and the attempt's rest-of-test fraction *y*::

      y = (sum of fraction * max_mark over the attempt's other items)
          / (sum of max_mark over the attempt's other items)

      r = sum((x - mean x) * (y - mean y))
          / sqrt(sum((x - mean x) ** 2) * sum((y - mean y) ** 2))

  This is Moodle's "discrimination index"; Moodle prints it times 100, we keep -1..1.
  The *rest* of the test is used rather than the whole total because the total contains the
  item itself, so the item would partly correlate with its own mark and look better than it
  is (badly so on short tests). Attempts whose other items are worth 0 have no rest score and
  are left out. The index is ``None`` when undefined: fewer than 2 usable attempts, or either
  side has zero variance (everyone scored the same on the item or on the rest).

Warning codes (machine-readable; the UI translates them):

* ``too_easy``: facility > 0.9; ``too_hard``: facility < 0.2.
* ``negative_discrimination``: discrimination < 0, weak learners do better than strong ones
  (often a wrong key or a misleading wording).
* ``weak_discrimination``: 0 <= discrimination < 0.2, the item barely separates learners.
* ``few_attempts``: fewer than 10 attempts, so the other numbers are not yet reliable.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "FEW_ATTEMPTS",
    "TOO_EASY",
    "TOO_HARD",
    "WEAK_DISCRIMINATION",
    "ItemResponse",
    "ItemStats",
    "analyse_items",
]

#: Facility above this is ``too_easy``.
TOO_EASY = 0.9
#: Facility below this is ``too_hard``.
TOO_HARD = 0.2
#: Discrimination in [0, this) is ``weak_discrimination``; below 0 is ``negative_discrimination``.
WEAK_DISCRIMINATION = 0.2
#: Fewer attempts than this is ``few_attempts``.
FEW_ATTEMPTS = 10

# Spreads this small are float noise (e.g. 1/3 computed two ways), not real variance; a
# correlation computed from them would be meaningless.
_ZERO_SPREAD = 1e-12


@dataclass(frozen=True)
class ItemResponse:
    """One question in one attempt, as graded."""

    attempt_id: int
    question_id: int
    #: Mark earned as a fraction of the question's max, 0..1; None = not answered / not graded.
    fraction: float | None
    #: The question's weight in that attempt.
    max_mark: float
    #: The option labels the learner chose (choice texts, "True"); () if none / not a choice.
    chosen: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemStats:
    """The item-analysis statistics of one question (see the module docstring)."""

    question_id: int
    #: Attempts that contained the question.
    attempts: int
    #: Of them, how many gave an answer (fraction not None).
    answered: int
    #: Mean fraction, unanswered counting 0; None if no attempts.
    facility: float | None
    #: Correlation of the item's fraction with the rest of the test, -1..1; None if undefined.
    discrimination: float | None
    #: How many attempts chose each option label, labels in sorted order.
    option_counts: dict[str, int]
    #: Machine codes: too_easy, too_hard, negative_discrimination, weak_discrimination,
    #: few_attempts.
    warnings: tuple[str, ...]


def analyse_items(responses: Iterable[ItemResponse]) -> list[ItemStats]:
    """One ``ItemStats`` per question in ``responses``, ordered by question id.

    Raises ValueError if an attempt holds the same question twice: its total, and so every
    rest score of that attempt, would be ambiguous.
    """
    attempts: dict[int, dict[int, ItemResponse]] = {}
    for response in responses:
        items = attempts.setdefault(response.attempt_id, {})
        if response.question_id in items:
            raise ValueError(
                f"attempt {response.attempt_id} has question {response.question_id} twice"
            )
        items[response.question_id] = response

    # Per question: its (item fraction, rest fraction) pairs for the correlation, and its
    # responses for facility, answered and option counts.
    pairs: dict[int, list[tuple[float, float]]] = {}
    by_question: dict[int, list[ItemResponse]] = {}
    for items in attempts.values():
        # fsum keeps the totals exactly rounded, so a rest max of 0 (attempt holds only this
        # item, or its other items weigh 0) comes out as exactly 0.0 after the subtraction.
        total_earned = math.fsum(_earned(r) for r in items.values())
        total_max = math.fsum(r.max_mark for r in items.values())
        for response in items.values():
            by_question.setdefault(response.question_id, []).append(response)
            pair_list = pairs.setdefault(response.question_id, [])
            rest_max = total_max - response.max_mark
            if rest_max <= 0:
                continue
            rest = (total_earned - _earned(response)) / rest_max
            pair_list.append((_fraction(response), rest))

    return [
        _item_stats(question_id, by_question[question_id], pairs[question_id])
        for question_id in sorted(by_question)
    ]


def _item_stats(
    question_id: int, responses: list[ItemResponse], pairs: list[tuple[float, float]]
) -> ItemStats:
    """The statistics of one question from its responses and (item, rest) pairs."""
    attempts = len(responses)
    facility = math.fsum(_fraction(r) for r in responses) / attempts if attempts else None
    discrimination = _correlation(pairs)
    # An attempt counts once per label even if the label was sent twice.
    counts = Counter(label for r in responses for label in set(r.chosen))
    return ItemStats(
        question_id=question_id,
        attempts=attempts,
        answered=sum(1 for r in responses if r.fraction is not None),
        facility=facility,
        discrimination=discrimination,
        option_counts={label: counts[label] for label in sorted(counts)},
        warnings=_warnings(attempts, facility, discrimination),
    )


def _warnings(
    attempts: int, facility: float | None, discrimination: float | None
) -> tuple[str, ...]:
    """The warning codes for these numbers; an undefined number raises no warning."""
    warnings: list[str] = []
    if facility is not None:
        if facility > TOO_EASY:
            warnings.append("too_easy")
        elif facility < TOO_HARD:
            warnings.append("too_hard")
    if discrimination is not None:
        if discrimination < 0:
            warnings.append("negative_discrimination")
        elif discrimination < WEAK_DISCRIMINATION:
            warnings.append("weak_discrimination")
    if attempts < FEW_ATTEMPTS:
        warnings.append("few_attempts")
    return tuple(warnings)


def _correlation(pairs: list[tuple[float, float]]) -> float | None:
    """Pearson's r of the pairs; None with fewer than 2 pairs or a constant side."""
    if len(pairs) < 2:
        return None
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    if max(xs) - min(xs) <= _ZERO_SPREAD or max(ys) - min(ys) <= _ZERO_SPREAD:
        return None
    mean_x = math.fsum(xs) / len(xs)
    mean_y = math.fsum(ys) / len(ys)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in pairs)
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    # Rounding can push a perfect correlation a hair past 1; keep the documented range.
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _fraction(response: ItemResponse) -> float:
    """The response's fraction, unanswered counting as 0 (nothing earned)."""
    return response.fraction if response.fraction is not None else 0.0


def _earned(response: ItemResponse) -> float:
    """The marks the response earned in its attempt."""
    return _fraction(response) * response.max_mark
