"""Calendar months: one set of month arithmetic for every area (due dates, periods, KPI
months, certificate expiry, rule windows)."""

from __future__ import annotations

import calendar
from datetime import date


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month (before, if negative)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def shift_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), on the month's last day where the day
    does not exist (31 January plus one month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
