"""The filters of HR's report pages: GET forms, bookmarkable, changing nothing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[arg-type]


class PeriodFilterForm(FlaskForm):
    """Department (with its teams), level and period: a month, quarter or year containing
    a day, or a date range."""

    class Meta:
        csrf = False

    department = SelectField(
        _l("Department"), coerce=_optional_int, validators=[Optional()], default=""
    )
    level = SelectField(_l("Level"), validators=[Optional()], default="")
    period = SelectField(_l("Period"), validators=[Optional()], default="month")
    on = DateField(_l("Period containing"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


class HistoryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    group_by = SelectField(_l("Hours by"), validators=[Optional()], default="month")


class ExpiryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    within = SelectField(_l("Expiring within"), coerce=int, default=30)
    department = SelectField(
        _l("Department"), coerce=_optional_int, validators=[Optional()], default=""
    )
