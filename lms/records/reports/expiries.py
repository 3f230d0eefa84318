"""Certificates about to expire, for HR to plan the re-certification exams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.exams import services as exams
from lms.i18n import local_today
from lms.records.reports.tables import Column, ReportTable


@dataclass(frozen=True)
class ExpiryLine:
    department: str
    employee_no: str
    name: str
    exam_title: str
    serial: str
    expires_on: date
    days_left: int


def expiries(
    within_days: int, department_id: int | None = None, today: date | None = None
) -> list[ExpiryLine]:
    """Valid certificates expiring within ``within_days``, by department then date."""
    today = today or local_today()
    found = exams.certificates.expiring(within_days, today)
    people = {u.id: u for u in accounts.users_by_id({c.user_id for c in found})}
    scope = set(accounts.department_and_descendants(department_id)) if department_id else None
    paths = accounts.department_paths()
    titles = {e.id: e.title for e in exams.results.all_exams()}
    lines = []
    for c in found:
        person = people[c.user_id]
        if scope is not None and person.department_id not in scope:
            continue
        assert c.expires_on is not None
        lines.append(
            ExpiryLine(
                paths.get(person.department_id, "") if person.department_id else "",
                person.employee_no,
                person.name,
                titles.get(c.exam_id, ""),
                c.serial,
                c.expires_on,
                (c.expires_on - today).days,
            )
        )
    lines.sort(key=lambda line: (line.department, line.expires_on, line.employee_no))
    return lines


def expiries_table(lines: list[ExpiryLine], within_days: int) -> ReportTable:
    return ReportTable(
        _("Certificates expiring within %(days)d days", days=within_days),
        [
            Column(_("Department"), "text", 30),
            Column(_("Employee no."), "text", 12),
            Column(_("Name"), "text", 12),
            Column(_("Exam"), "text", 30),
            Column(_("Serial number"), "text", 20),
            Column(_("Valid until"), "date", 12),
            Column(_("Days left"), "int", 8),
        ],
        [
            [x.department, x.employee_no, x.name, x.exam_title, x.serial, x.expires_on, x.days_left]
            for x in lines
        ],
    )
