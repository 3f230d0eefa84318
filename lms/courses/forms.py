"""Forms of the courses area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField

from lms.courses.models import CourseCategory

LEVEL_CHOICES = [("junior", _l("Junior")), ("mid", _l("Mid-level")), ("senior", _l("Senior"))]


class CatalogueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), render_kw={"placeholder": _l("A word, such as 投诉")})
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice("", _l("All categories"))]
        + [SelectChoice(c.value, c.lazy_label) for c in CourseCategory],
    )
    level = SelectField(
        _l("Level"),
        choices=[SelectChoice("", _l("All levels"))]
        + [SelectChoice(value, label) for value, label in LEVEL_CHOICES],
    )


class LearnerFilterForm(FlaskForm):
    class Meta:
        csrf = False

    department = SelectField(_l("Department"), coerce=lambda v: int(v) if v else None)
