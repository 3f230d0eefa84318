"""The audit log's filter: a GET form, bookmarkable, changing nothing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()], default="")
    actor = StringField(
        _l("Who"),
        validators=[Optional(), Length(max=100)],
        render_kw={"placeholder": _l("Employee number or name")},
    )
    subject = StringField(
        _l("Concerning"),
        validators=[Optional(), Length(max=100)],
        render_kw={"placeholder": _l("Employee number or name")},
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
