"""Forms of HR's ledger pages and of the confidentiality acknowledgement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.accounts.models import Level


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[arg-type]


class HoursSettingsForm(FlaskForm):
    minutes_per_hour = IntegerField(
        _l("Minutes per 学时"), validators=[InputRequired(_l("Enter a whole number of minutes."))]
    )
    rounding = SelectField(
        _l("Round down to"),
        choices=[SelectChoice("5", "0.5"), SelectChoice("10", "1"), SelectChoice("1", "0.1")],
        validators=[InputRequired()],
    )
    minimum_minutes = IntegerField(
        _l("Minimum minutes"), validators=[InputRequired(_l("Enter a whole number of minutes."))]
    )
    daily_cap_hours = DecimalField(
        _l("Daily cap (学时)"), places=1, validators=[InputRequired(_l("Enter a number."))]
    )
    target_junior = DecimalField(
        Level.JUNIOR.lazy_label, places=1, validators=[InputRequired(_l("Enter a number."))]
    )
    target_mid = DecimalField(
        Level.MID.lazy_label, places=1, validators=[InputRequired(_l("Enter a number."))]
    )
    target_senior = DecimalField(
        Level.SENIOR.lazy_label, places=1, validators=[InputRequired(_l("Enter a number."))]
    )


class LedgerFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: bookmarkable, changes nothing

    person = StringField(_l("Person"), validators=[Optional(), Length(max=100)])
    department = SelectField(
        _l("Department"), coerce=_optional_int, validators=[Optional()], default=""
    )
    kind = SelectField(_l("Kind"), validators=[Optional()], default="")
    category = SelectField(_l("Category"), validators=[Optional()], default="")
    method = SelectField(_l("Method"), validators=[Optional()], default="")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


class CorrectionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    occurred_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    minutes = IntegerField(_l("Minutes"), validators=[Optional()])
    credit_hours = DecimalField(
        _l("Declared hours (学时)"),
        places=1,
        validators=[Optional()],
        description=_l("Leave empty to count the minutes by the 学时 rules."),
    )
    category = SelectField(_l("Category"), validators=[Optional()])
    attendance = SelectField(_l("Attendance"), validators=[Optional()])
    result = SelectField(_l("Result"), validators=[Optional()])
    reason = TextAreaField(
        _l("Reason for the correction"),
        validators=[DataRequired(_l("Say why the record is corrected.")), Length(max=300)],
        render_kw={"rows": 2},
    )


class ExternalTrainingForm(FlaskForm):
    employee_no = StringField(
        _l("Employee no."), validators=[DataRequired(_l("Enter the employee number."))]
    )
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter the title.")), Length(max=200)]
    )
    provider = StringField(
        _l("Provider"),
        validators=[DataRequired(_l("Enter who provided the training.")), Length(max=200)],
        description=_l("The organiser, school or certifying body."),
    )
    category = SelectField(_l("Category"), validators=[Optional()])
    occurred_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    minutes = IntegerField(_l("Minutes"), validators=[Optional()])
    credit_hours = DecimalField(
        _l("Declared hours (学时)"),
        places=1,
        validators=[Optional()],
        description=_l("When the certificate states its hours; otherwise give the minutes."),
    )
    result = StringField(
        _l("Result"),
        validators=[Optional(), Length(max=100)],
        description=_l("For example: passed, certified, attended."),
    )
    evidence = FileField(
        _l("Evidence"),
        validators=[FileRequired(_l("Attach the certificate or attendance proof."))],
        description=_l("PDF, PNG or JPEG, at most 5 MB."),
        render_kw={"accept": "application/pdf,image/png,image/jpeg"},
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for rejecting"),
        validators=[DataRequired(_l("Say why it is rejected.")), Length(max=300)],
        render_kw={"rows": 2},
    )


class PolicyForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter the title.")), Length(max=200)]
    )
    body = TextAreaField(
        _l("Text (Markdown)"),
        validators=[DataRequired(_l("Enter the text of the policy."))],
        render_kw={"rows": 14},
    )
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(
        _l("Text in English (Markdown)"), validators=[Optional()], render_kw={"rows": 8}
    )


class SignatureFilterForm(FlaskForm):
    class Meta:
        csrf = False

    department = SelectField(
        _l("Department"), coerce=_optional_int, validators=[Optional()], default=""
    )


class AcknowledgeForm(FlaskForm):
    policy_id = HiddenField(validators=[DataRequired()])
