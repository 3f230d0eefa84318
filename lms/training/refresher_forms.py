"""Forms of the refresher pages: a programme, and the filters of the overdue list and
the compliance table."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    MonthField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from lms.forms import MultiCheckboxField


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[arg-type]


class ProgrammeForm(FlaskForm):
    month = MonthField(_l("Month"), validators=[Optional()])
    title = StringField(_l("Title"), validators=[Length(max=200)])
    # "course:<id>" or "exam:<id>", in two groups of the same list: one of them, never both.
    item = SelectField(_l("What to complete"), validators=[Optional()], default="")
    due_on = DateField(
        _l("Due date"),
        validators=[Optional()],
        description=_l("Leave empty for the last day of the month."),
    )
    audience_roles = MultiCheckboxField(_l("For roles"))
    audience_levels = MultiCheckboxField(_l("For levels"))
    audience_departments = SelectMultipleField(
        _l("For departments"),
        coerce=int,
        description=_l("A department includes its teams. Leave everything empty for everyone."),
    )
    people = TextAreaField(
        _l("Also these people"),
        validators=[Length(max=5000)],
        description=_l("Employee numbers, separated by spaces, commas or new lines."),
        render_kw={"rows": 2},
    )


class OverdueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: bookmarkable, changes nothing

    department = SelectField(
        _l("Department"), coerce=_optional_int, validators=[Optional()], default=""
    )
    month = MonthField(_l("Month"), validators=[Optional()])


class ComplianceFilterForm(FlaskForm):
    class Meta:
        csrf = False

    month_from = MonthField(_l("From"), validators=[Optional()])
    month_to = MonthField(_l("To"), validators=[Optional()])
    department = SelectField(
        _l("Department"), coerce=_optional_int, validators=[Optional()], default=""
    )
