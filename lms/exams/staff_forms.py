"""Forms of the trainers' and HR's exam pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


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
