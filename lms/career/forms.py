"""Forms of the career pages; labels are lazily translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional


def _optional_int(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


class EligibilityFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: bookmarkable, changes nothing

    department = SelectField(
        _l("Department"), coerce=_optional_int, validators=[Optional()], default=""
    )
    level = SelectField(_l("Level"), validators=[Optional()], default="")
    status = SelectField(_l("Status"), validators=[Optional()], default="")


class DecisionForm(FlaskForm):
    """HR's decision about one agent. ``checklist`` carries the fingerprint of the checklist
    the page showed, so a decision is never recorded against one HR did not see."""

    outcome = RadioField(
        _l("Decision"),
        choices=[SelectChoice("promote", _l("Promote")), SelectChoice("defer", _l("Defer"))],
        validators=[InputRequired(_l("Choose promote or defer."))],
    )
    effective_on = DateField(
        _l("At the new level from"),
        validators=[Optional()],
        description=_l("Promotions only: the first day at the new level, today or earlier."),
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[InputRequired(_l("Give the reason.")), Length(max=2000)],
        description=_l("Kept with the decision; a deferral's reason is sent to the agent."),
        render_kw={"rows": 3},
    )
    promote_anyway = BooleanField(_l("Promote although not every condition is met"))
    checklist = HiddenField()
