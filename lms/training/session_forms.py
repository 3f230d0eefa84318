"""Forms of the classroom-session pages: the trainer's session and roster, the agent's
check-in and rating."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.forms import MultiCheckboxField, NumberRange


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[arg-type]


class SessionForm(FlaskForm):
    topic = StringField(
        _l("Topic"), validators=[DataRequired(_l("Give the session a topic.")), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    category = SelectField(_l("Category"))
    course_id = SelectField(
        _l("Linked course"), coerce=_optional_int, validators=[Optional()], default=""
    )
    starts_at = DateTimeLocalField(
        _l("Starts"), validators=[InputRequired(_l("Give the start time."))]
    )
    ends_at = DateTimeLocalField(_l("Ends"), validators=[InputRequired(_l("Give the end time."))])
    location = StringField(
        _l("Room or meeting link"),
        validators=[DataRequired(_l("Give a room or a meeting link.")), Length(max=200)],
    )
    capacity = IntegerField(
        _l("Seats"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
        description=_l("Leave empty for no limit."),
    )
    trainer_id = SelectField(_l("Trainer"), coerce=_optional_int)
    minutes = IntegerField(
        _l("Training minutes"),
        validators=[Optional(), NumberRange(min=1, max=1440)],
        description=_l("Leave empty to count the whole length of the session."),
    )
    audience_roles = MultiCheckboxField(_l("Roles"))
    audience_levels = MultiCheckboxField(_l("Levels"))
    audience_departments = SelectMultipleField(_l("Departments"), coerce=int)
    named_people = TextAreaField(
        _l("Named people"),
        validators=[Length(max=5000)],
        description=_l("Employee numbers, separated by spaces, commas or new lines."),
    )


class CheckInForm(FlaskForm):
    code = StringField(
        _l("Check-in code"),
        validators=[DataRequired(_l("Type the code the trainer shows.")), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


SCORES = [SelectChoice(n, str(n)) for n in range(1, 6)]


class RatingForm(FlaskForm):
    efficiency = RadioField(
        _l("Efficiency"), choices=SCORES, coerce=int, validators=[InputRequired(_l("Choose."))]
    )
    professionalism = RadioField(
        _l("Professionalism"), choices=SCORES, coerce=int, validators=[InputRequired(_l("Choose."))]
    )
    clarity = RadioField(
        _l("Clarity"), choices=SCORES, coerce=int, validators=[InputRequired(_l("Choose."))]
    )
    usefulness = RadioField(
        _l("Usefulness"), choices=SCORES, coerce=int, validators=[InputRequired(_l("Choose."))]
    )
    overall = RadioField(
        _l("Overall"), choices=SCORES, coerce=int, validators=[InputRequired(_l("Choose."))]
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=2000)])


class RosterEntry(Form):
    user_id = HiddenField()
    selected = BooleanField(_l("Select"))
    attendance = SelectField(_l("Attendance"), validators=[Optional()], default="")


class RosterForm(FlaskForm):
    entries = FieldList(FormField(RosterEntry))
    bulk_attendance = SelectField(_l("Mark the selected as"), validators=[Optional()])
    apply_bulk = SubmitField(_l("Apply to selected"))
    save_rows = SubmitField(_l("Save attendance"))
