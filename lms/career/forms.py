"""Forms of the career pages; labels are lazily translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional


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
