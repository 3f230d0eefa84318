"""Reading and checking a KPI file: one row per agent and month, one column per metric.

Pure: it is given the metrics, the employee numbers it may accept and today's date, and
returns the figures or raises ``ImportRejected`` with every problem as ``file:line: reason``.
Writing them is ``services.kpis.import_kpis``'s business.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.errors import ImportRejected
from lms.tabular import read_table

if TYPE_CHECKING:
    from lms.career.services.kpis import Metric

KEY_COLUMNS: dict[str, list[str]] = {
    "employee_no": ["工号", "员工编号", "employee no", "employee number"],
    "month": ["月份", "月", "统计月份", "month"],
}
# Columns people keep in the file to read it themselves; their content is not checked.
INFORMATIVE_COLUMNS: dict[str, list[str]] = {
    "_name": ["姓名", "名字", "name", "full name"],
    "_department": ["部门", "department"],
}
MONTH_PATTERN = re.compile(
    r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:月)?(?:\s*[-/.]\s*\d{1,2}\s*日?)?$"
)
COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")
PERCENT_SIGNS = ("%", "％")


@dataclass
class KpiRow:
    line: int
    user_id: int
    month: date
    values: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass
class KpiFile:
    """A checked file: its rows, the metrics it has columns for, the months it covers."""

    rows: list[KpiRow]
    metrics: list[str]
    months: list[date]


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def parse_month(value: Any) -> date | None:
    """The month a cell names (its first day): 2026-11, 2026/11, 2026年11月, 202611, a date
    or an Excel date; None when it is not one."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value).strip()
    match = MONTH_PATTERN.match(text) or COMPACT_MONTH.match(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


def parse_value(metric: Metric, raw: Any) -> tuple[Decimal | None, str | None]:
    """(value, None) for a good cell, (None, None) for an empty one, (None, reason) else."""
    text = str(raw).strip().replace(",", "")
    if text == "":
        return None, None
    if text.endswith(PERCENT_SIGNS) and metric.unit.value == "percent":
        text = text[:-1].strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _(
            '%(metric)s "%(value)s" is not a number', metric=metric.zh, value=str(raw).strip()
        )
    if not value.is_finite():
        return None, _(
            '%(metric)s "%(value)s" is not a number', metric=metric.zh, value=str(raw).strip()
        )
    if metric.decimals == 0 and metric.unit.value == "count" and value != value.to_integral():
        return None, _(
            "%(metric)s must be a whole number, not %(value)s", metric=metric.zh, value=text
        )
    if not metric.minimum <= value <= metric.maximum:
        return None, _(
            "%(metric)s %(value)s is out of range (%(low)s to %(high)s)",
            metric=metric.zh,
            value=text,
            low=metric.minimum,
            high=metric.maximum,
        )
    step = Decimal(1).scaleb(-metric.decimals)
    return value.quantize(step, rounding=ROUND_HALF_UP), None


def read_kpi_file(
    filename: str,
    content: bytes,
    metrics: Mapping[str, Metric],
    employees: Mapping[str, int],
    today: date,
) -> KpiFile:
    """Check every row of a KPI file; raise ``ImportRejected`` listing every problem.

    ``employees`` maps an employee number's comparable form (``employee_no_key``) to the
    agent's id. A month after the current one, a figure out of its metric's range or not
    a number, an unknown employee number and a second row for the same agent and month
    are each a problem of that line.
    """
    columns: dict[str, list[str]] = {**KEY_COLUMNS, **INFORMATIVE_COLUMNS}
    for metric in metrics.values():
        columns[metric.key] = list(metric.headers)
    table = read_table(filename, content, columns, ["employee_no", "month"])
    if table.problems:
        raise ImportRejected(table.problems)
    present = [key for key in metrics if any(key in row.cells for row in table.rows[:1])]
    if not table.rows:
        raise ImportRejected([_("%(file)s:2: the file has a header but no figures", file=filename)])
    if not present:
        raise ImportRejected(
            [
                _(
                    "%(file)s:1: the file has no metric column (for example 满意度 or CSAT)",
                    file=filename,
                )
            ]
        )

    this_month = today.replace(day=1)
    problems: list[str] = []
    first_line: dict[tuple[int, date], int] = {}
    rows: list[KpiRow] = []
    for row in table.rows:
        reasons: list[str] = []
        number = str(row.cells.get("employee_no", "")).strip()
        user_id = employees.get(accounts.employee_no_key(number)) if number else None
        if not number:
            reasons.append(_("the employee number is missing"))
        elif user_id is None:
            reasons.append(
                _("unknown employee %(no)s (no active agent has this number)", no=number)
            )

        raw_month = row.cells.get("month", "")
        month = parse_month(raw_month)
        if raw_month in ("", None):
            reasons.append(_("the month is missing"))
        elif month is None:
            reasons.append(_('month "%(value)s" is not a month like 2026-11', value=raw_month))
        elif month > this_month:
            reasons.append(_("month %(month)s is in the future", month=month.strftime("%Y-%m")))

        if user_id is not None and month is not None:
            earlier = first_line.get((user_id, month))
            if earlier is not None:
                reasons.append(
                    _(
                        "%(no)s has a second row for %(month)s (first on line %(line)d)",
                        no=number,
                        month=month.strftime("%Y-%m"),
                        line=earlier,
                    )
                )
            else:
                first_line[(user_id, month)] = row.line

        values: dict[str, Decimal | None] = {}
        for key in present:
            value, reason = parse_value(metrics[key], row.cells.get(key, ""))
            if reason:
                reasons.append(reason)
            values[key] = value

        problems += [f"{filename}:{row.line}: {reason}" for reason in reasons]
        if not reasons and user_id is not None and month is not None:
            rows.append(KpiRow(row.line, user_id, month, values))

    if problems:
        raise ImportRejected(problems)
    months = sorted({row.month for row in rows})
    return KpiFile(rows, present, months)
