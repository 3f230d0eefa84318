"""The appraisal record: one person's period on a printable sheet, scored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.i18n import local_date, local_today
from lms.records import services as records
from lms.records.hours import HoursRules
from lms.records.models import ParticipationKind
from lms.records.reports.agents import AgentLine, agent_line
from lms.records.reports.history import (
    CertificateLine,
    certificate_lines,
    certificates_table,
    department_of,
)
from lms.records.reports.periods import ONE_PLACE, Period
from lms.records.reports.refreshers import RefresherLine, RefresherTally, refresher_lines, tally
from lms.records.reports.tables import Column, ReportTable, number

attendance_label = records.attendance_label


@dataclass(frozen=True)
class Acknowledgement:
    title: str
    acknowledged_on: date


def acknowledgements(user_id: int) -> list[Acknowledgement]:
    """The policy versions the person acknowledged, newest first, on the local day."""
    return [
        Acknowledgement(line.title, local_date(line.acknowledged_at))
        for line in records.acknowledgements_of(user_id)
    ]


@dataclass(frozen=True)
class Appraisal:
    line: AgentLine
    period: Period
    department: str
    courses: list[records.RecordLine]
    exams: list[records.RecordLine]
    classroom: list[records.RecordLine]
    other: list[records.RecordLine]
    refreshers: list[RefresherLine]
    refresher_tally: RefresherTally
    classroom_hours: Decimal
    certificates: list[CertificateLine]
    acknowledgements: list[Acknowledgement]


def appraisal(
    user: accounts.User,
    period: Period,
    rules: HoursRules | None = None,
    today: date | None = None,
) -> Appraisal:
    """The appraisal record of ``user`` over ``period``: courses, exams with scores,
    refreshers on time / late / missed, classroom hours, certificates with their validity
    at the period's end (or today, if sooner), acknowledgements and the learning score."""
    rules = rules or records.hours_settings()
    today = today or local_today()
    in_period = [
        line
        for line in records.training_record(user.id).lines
        if period.start <= line.record.occurred_on <= period.end
    ]
    in_period.sort(key=lambda line: (line.record.occurred_on, line.record.id))

    def of(kind: ParticipationKind) -> list[records.RecordLine]:
        return [line for line in in_period if line.record.kind is kind]

    refreshers = refresher_lines(user.id, period, today)
    counted = tally(refreshers)
    exams = of(ParticipationKind.EXAM)
    scores = [Decimal(line.record.score) for line in exams if line.record.score is not None]
    exam_score = (
        (sum(scores, Decimal(0)) / len(scores)).quantize(ONE_PLACE, ROUND_HALF_UP)
        if scores
        else None
    )
    tenths = int(sum((line.hours for line in in_period), Decimal(0)) * 10)
    department = department_of(user)
    classroom = of(ParticipationKind.CLASSROOM)
    known = {ParticipationKind.COURSE, ParticipationKind.EXAM, ParticipationKind.CLASSROOM}
    return Appraisal(
        line=agent_line(user, department, tenths, exam_score, counted, period, rules),
        period=period,
        department=department,
        courses=of(ParticipationKind.COURSE),
        exams=exams,
        classroom=classroom,
        other=[ln for ln in in_period if ln.record.kind not in known],
        refreshers=refreshers,
        refresher_tally=counted,
        classroom_hours=sum((ln.hours for ln in classroom), Decimal(0)),
        certificates=certificate_lines(user.id, min(period.end, today)),
        acknowledgements=acknowledgements(user.id),
    )


def _ledger_table(title: str, lines: list[records.RecordLine]) -> ReportTable:
    return ReportTable(
        title,
        [
            Column(_("Date"), "date", 12),
            Column(_("Title"), "text", 40),
            Column(_("Result"), "text", 10),
            Column(_("Score"), "decimal", 8),
            Column(_("Attendance"), "text", 10),
            Column(_("Hours"), "decimal", 8),
        ],
        [
            [
                ln.record.occurred_on,
                ln.record.title,
                ln.result_label,
                number(ln.record.score),
                attendance_label(ln.record.attendance),
                number(ln.hours),
            ]
            for ln in lines
        ],
    )


def appraisal_tables(record: Appraisal) -> list[ReportTable]:
    line = record.line
    summary = ReportTable(
        _("Appraisal"),
        [Column(_("Item"), "text", 24), Column(_("Value"), "text", 40)],
        [
            [_("Name"), line.name],
            [_("Employee no."), line.employee_no],
            [_("Department"), record.department],
            [_("Level"), line.level.label if line.level else ""],
            [_("Period"), record.period.label],
            [_("Hours"), number(line.hours)],
            [_("Target hours"), number(line.target)],
            [_("Average exam score"), number(line.exam_score)],
            [_("Refreshers on time"), record.refresher_tally.on_time],
            [_("Refreshers late"), record.refresher_tally.late],
            [_("Refreshers missed"), record.refresher_tally.missed],
            [_("Classroom hours"), number(record.classroom_hours)],
            [_("Learning score"), number(line.score)],
        ],
    )
    return [
        summary,
        _ledger_table(_("Courses"), record.courses),
        _ledger_table(_("Exams"), record.exams),
        ReportTable(
            _("Refreshers"),
            [
                Column(_("Title"), "text", 40),
                Column(_("Due on"), "date", 12),
                Column(_("Status"), "text", 10),
            ],
            [[r.title, r.due_on, r.status_label] for r in record.refreshers],
        ),
        _ledger_table(_("Classroom sessions"), record.classroom),
        certificates_table(record.certificates),
        ReportTable(
            _("Acknowledgements"),
            [Column(_("Policy"), "text", 40), Column(_("Acknowledged on"), "date", 14)],
            [[a.title, a.acknowledged_on] for a in record.acknowledgements],
        ),
    ]
