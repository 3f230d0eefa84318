"""Refresher figures for the reports, from the training area, which owns the monthly
refreshers: who was assigned what, due when, done on time, late or missed."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from lms.records.reports.periods import Period, month_start
from lms.training.services import refreshers

# Training's own counts serve the reports: assigned, on time, late, missed, open, with the
# rates HR sees on training's compliance page.
RefresherTally = refreshers.RefresherCounts


def refresher_compliance(
    month_from: date,
    month_to: date,
    department_ids: Sequence[int] | None,
    today: date | None = None,
) -> dict[tuple[int | None, date], RefresherTally]:
    """Refresher assignments per (department, month) for the months from ``month_from``'s
    to ``month_to``'s, of the departments ``department_ids`` with their teams (everyone
    when None), by the department people were in when assigned."""
    tallies: dict[tuple[int | None, date], RefresherTally] = defaultdict(RefresherTally)
    for row in refreshers.compliance(month_from, month_to, department_ids, today=today):
        tallies[(row.department_id, month_start(row.month))] += row
    return tallies


def refresher_tallies(
    user_ids: Sequence[int], period: Period, today: date | None = None
) -> dict[int, RefresherTally]:
    """Each person's refreshers due in ``period`` (everyone in ``user_ids`` has a tally,
    empty when nothing was due), in a constant number of statements."""
    return refreshers.refresher_tallies(user_ids, period.start, period.end, today=today)


@dataclass(frozen=True)
class RefresherLine:
    title: str
    due_on: date | None
    status: refreshers.RefresherStatus

    @property
    def status_label(self) -> str:
        return str(self.status.label)


def refresher_lines(user_id: int, period: Period, today: date | None = None) -> list[RefresherLine]:
    """One person's refreshers of the months of ``period``, in month and due-date order."""
    return [
        RefresherLine(row.title, row.due_on, row.status)
        for row in refreshers.refresher_statuses(user_id, period.start, period.end, today=today)
    ]


def tally(lines: Iterable[RefresherLine]) -> RefresherTally:
    counts = Counter(line.status for line in lines)
    status = refreshers.RefresherStatus
    return RefresherTally(
        assigned=sum(counts.values()),
        on_time=counts[status.ON_TIME],
        late=counts[status.LATE],
        missed=counts[status.MISSED],
        open=counts[status.DUE],
    )
