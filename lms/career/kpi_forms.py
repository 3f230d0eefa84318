"""Forms of the KPI pages; labels are lazily translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class KpiImportForm(FlaskForm):
    file = FileField(
        _l("KPI file"),
        validators=[
            FileRequired(),
            FileAllowed(["csv", "xlsx", "txt"], _l("Upload a .csv or .xlsx file.")),
        ],
        description=_l("CSV (UTF-8 or GBK, as Excel saves it) or XLSX, at most 16 MB."),
    )


class AgentLookupForm(FlaskForm):
    class Meta:
        csrf = False

    employee_no = StringField(
        _l("Employee number"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"placeholder": _l("For example KF0001")},
    )
