"""Knowledge gaps as a report table: the exams area computes them, this lays them out."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.exams import services as exams
from lms.records.reports.periods import Period
from lms.records.reports.tables import Column, ReportTable

TagGap = exams.knowledge_gaps.TagGap


def knowledge_gaps(period: Period, department_id: int | None = None) -> list[TagGap]:
    """Question tags by the share of points lost in ``period`` by the people of
    ``department_id`` with its teams (everyone when None), worst first."""
    return exams.knowledge_gaps.knowledge_gaps(period.start, period.end, department_id)


def knowledge_gaps_table(found: list[TagGap], period: Period) -> ReportTable:
    return ReportTable(
        _("Knowledge gaps, %(period)s", period=period.label),
        [
            Column(_("Tag"), "text", 20),
            Column(_("Points lost (%)"), "percent", 14),
            Column(_("Answers"), "int", 10),
            Column(_("People"), "int", 10),
        ],
        [[g.tag, float(g.lost_share), g.answers, g.people] for g in found],
    )
