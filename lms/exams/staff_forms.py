"""Forms of the trainers' and HR's exam pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.forms import MultiCheckboxField, NumberRange


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[arg-type]


class AttemptFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: bookmarkable, changes nothing

    exam = SelectField(_l("Exam"), coerce=_optional_int, validators=[Optional()], default="")
    department = SelectField(
        _l("Department"), coerce=_optional_int, validators=[Optional()], default=""
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    result = SelectField(_l("Result"), validators=[Optional()], default="")


class HandGradeForm(FlaskForm):
    mark = DecimalField(
        _l("Mark"), validators=[InputRequired(_l("Give a mark.")), NumberRange(min=0)], places=2
    )
    comment = TextAreaField(_l("Comment for the learner"), validators=[Length(max=2000)])


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give the reason for revoking.")), Length(max=300)],
    )


class SealForm(FlaskForm):
    image = FileField(
        _l("Seal image"),
        validators=[FileRequired(_l("Choose a PNG or JPEG image."))],
        description=_l("A round red seal on a transparent background (PNG) prints best."),
    )


class DrawRuleEntry(Form):
    """One line of the paper: a fixed question id, or N drawn from a category."""

    question = IntegerField(_l("Fixed question id"), validators=[Optional()])
    category = SelectField(_l("Or draw from"), coerce=_optional_int, validators=[Optional()])
    count = IntegerField(_l("How many"), validators=[Optional(), NumberRange(min=1, max=500)])
    tag = StringField(_l("Only with tag"), validators=[Optional(), Length(max=100)])
    difficulty = SelectField(_l("Difficulty"), validators=[Optional()], default="")
    mark = DecimalField(_l("Mark each"), default=1, places=2, validators=[Optional()])


class ExamForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    instructions = TextAreaField(_l("Instructions"))
    instructions_en = TextAreaField(_l("Instructions in English"))
    status = SelectField(_l("Status"))
    time_limit_minutes = IntegerField(
        _l("Time limit (minutes)"), validators=[Optional(), NumberRange(min=1, max=1440)]
    )
    pass_percent = DecimalField(_l("Pass mark (%)"), default=60, places=2)
    max_attempts = IntegerField(
        _l("Attempts allowed"), validators=[Optional(), NumberRange(min=1, max=100)]
    )
    grading_method = SelectField(_l("Grade taken from"))
    attempt_wait_minutes = IntegerField(
        _l("Wait between attempts (minutes)"), default=0, validators=[NumberRange(min=0)]
    )
    opens_at = DateTimeLocalField(_l("Opens"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes"), validators=[Optional()])
    shuffle_questions = BooleanField(_l("Shuffle questions"), default=True)
    shuffle_options = BooleanField(_l("Shuffle options"), default=True)
    certificate_months = IntegerField(
        _l("Certificate valid for (months)"),
        validators=[Optional(), NumberRange(min=1, max=120)],
        description=_l("Leave empty for an exam without a certificate."),
    )
    audience_roles = MultiCheckboxField(_l("For roles"))
    audience_levels = MultiCheckboxField(_l("For levels"))
    audience_departments = SelectMultipleField(_l("For departments"), coerce=int)
    audience_hired_after = DateField(_l("Hired on or after"), validators=[Optional()])
    review_immediately = MultiCheckboxField(_l("Right after the attempt, learners see"))
    review_open = MultiCheckboxField(_l("Later, while the exam is open"))
    review_closed = MultiCheckboxField(_l("After the exam closes"))
    rules = FieldList(FormField(DrawRuleEntry), min_entries=1)


class OverrideForm(FlaskForm):
    employee_no = StringField(_l("Employee number"), validators=[DataRequired(), Length(max=32)])
    extra_minutes = IntegerField(_l("Extra minutes"), default=0, validators=[NumberRange(min=0)])
    extra_attempts = IntegerField(_l("Extra attempts"), default=0, validators=[NumberRange(min=0)])
    opens_at = DateTimeLocalField(_l("Own window opens"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Own window closes"), validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[Length(max=200)])
