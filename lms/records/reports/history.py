"""One agent's whole training record: every line with its capped 学时, the 学时 by kind and
by month, quarter or year, and their certificates with their validity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.exams import services as exams
from lms.i18n import local_today
from lms.records import services as records
from lms.records.models import ParticipationKind
from lms.records.reports.periods import Period, PeriodKind
from lms.records.reports.tables import Column, ReportTable, number


@dataclass(frozen=True)
class CertificateLine:
    exam_title: str
    serial: str
    issued_on: date
    expires_on: date | None
    status: str  # valid, expired, revoked

    @property
    def status_label(self) -> str:
        labels = {"valid": _("Valid"), "expired": _("Expired"), "revoked": _("Revoked")}
        return labels.get(self.status, self.status)


def certificate_lines(user_id: int, today: date) -> list[CertificateLine]:
    """The person's certificates with their validity on ``today``, newest first."""
    titles = {e.id: e.title for e in exams.results.all_exams()}
    return [
        CertificateLine(
            titles.get(c.exam_id, ""),
            c.serial,
            c.issued_on,
            c.expires_on,
            exams.certificates.status_of(c, today),
        )
        for c in exams.certificates.certificates_of(user_id)
    ]


def certificates_table(lines: list[CertificateLine]) -> ReportTable:
    return ReportTable(
        _("Certificates"),
        [
            Column(_("Exam"), "text", 30),
            Column(_("Serial number"), "text", 20),
            Column(_("Issued on"), "date", 12),
            Column(_("Valid until"), "date", 12),
            Column(_("Status"), "text", 10),
        ],
        [[c.exam_title, c.serial, c.issued_on, c.expires_on, c.status_label] for c in lines],
    )


@dataclass(frozen=True)
class HoursBucket:
    label: str
    by_kind: dict[ParticipationKind, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_kind.values(), Decimal(0))


@dataclass(frozen=True)
class AgentHistory:
    user: accounts.User
    department: str
    lines: list[records.RecordLine]
    total_hours: Decimal
    by_kind: dict[ParticipationKind, Decimal]
    by_period: list[HoursBucket]
    certificates: list[CertificateLine]


def department_of(user: accounts.User) -> str:
    """The path of ``user``'s department ("" when they have none)."""
    if not user.department_id:
        return ""
    return accounts.department_paths().get(user.department_id, "")


def agent_history(
    user: accounts.User, group_by: PeriodKind = PeriodKind.MONTH, today: date | None = None
) -> AgentHistory:
    """Everything ``user`` took part in with its capped 学时, the 学时 by kind and by
    month / quarter / year (newest first), and their certificates."""
    today = today or local_today()
    record = records.training_record(user.id)
    by_kind: dict[ParticipationKind, Decimal] = {k: Decimal(0) for k in ParticipationKind}
    buckets: dict[date, dict[ParticipationKind, Decimal]] = {}
    for line in record.lines:
        by_kind[line.record.kind] += line.hours
        start = Period.containing(group_by, line.record.occurred_on).start
        bucket = buckets.setdefault(start, {k: Decimal(0) for k in ParticipationKind})
        bucket[line.record.kind] += line.hours
    return AgentHistory(
        user=user,
        department=department_of(user),
        lines=record.lines,
        total_hours=record.total_hours,
        by_kind=by_kind,
        by_period=[
            HoursBucket(Period.containing(group_by, start).label, buckets[start])
            for start in sorted(buckets, reverse=True)
        ],
        certificates=certificate_lines(user.id, today),
    )


def history_tables(history: AgentHistory) -> list[ReportTable]:
    kinds = list(ParticipationKind)
    lines = ReportTable(
        _("Training record"),
        [
            Column(_("Date"), "date", 12),
            Column(_("Kind"), "text", 12),
            Column(_("Title"), "text", 40),
            Column(_("Result"), "text", 10),
            Column(_("Score"), "decimal", 8),
            Column(_("Hours"), "decimal", 8),
        ],
        [
            [
                line.record.occurred_on,
                line.record.kind.label,
                line.record.title,
                line.result_label,
                number(line.record.score),
                number(line.hours),
            ]
            for line in history.lines
        ],
        [_("Total"), "", "", "", None, number(history.total_hours)],
    )
    periods = ReportTable(
        _("Hours by period"),
        [Column(_("Period"), "text", 12)]
        + [Column(k.label, "decimal", 10) for k in kinds]
        + [Column(_("Total"), "decimal", 10)],
        [
            [b.label] + [number(b.by_kind[k]) for k in kinds] + [number(b.total)]
            for b in history.by_period
        ],
        [_("Total")] + [number(history.by_kind[k]) for k in kinds] + [number(history.total_hours)],
    )
    return [lines, periods, certificates_table(history.certificates)]
