"""What checking a condition gives: the result, the evidence it looked at, the next steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


class Evidence(NamedTuple):
    """One thing a condition looked at, as a page shows it and links to it.

    ``kind``: record, certificate, course, refresher, kpi_month or level; ``ref``: what a
    link needs (a record id, a certificate serial, a course slug); ``counts``: whether it
    counted toward the condition (a KPI month under the threshold does not).

    A named tuple rather than a dataclass: an HR list makes one for every record, month
    and refresher of thousands of agents, and a tuple is made in a third of the time.
    """

    kind: str
    title: str
    on: date | None = None
    value: str | None = None
    ref: str | None = None
    counts: bool = True


@dataclass(frozen=True)
class NextStep:
    """Something the agent can do about a missing condition: take a course, sit an exam."""

    kind: str  # "course" or "exam"
    slug: str
    title: str


@dataclass(frozen=True)
class ConditionResult:
    kind: str
    label: str  # the condition in words
    met: bool
    actual: str
    required: str
    evidence: tuple[Evidence, ...] = ()
    missing: str = ""  # what is missing, in words; empty when met
    met_on: date | None = None  # when time alone will meet it; None if it will not
    next_steps: tuple[NextStep, ...] = ()
