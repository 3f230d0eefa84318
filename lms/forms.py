"""Forms every area shares."""

from __future__ import annotations

import math
import sys
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField, validators
from wtforms.widgets import CheckboxInput, ListWidget


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards a one-button POST (deactivate, mark done, log out)."""


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (roles, review options)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NumberRange(validators.NumberRange):
    """WTForms' NumberRange, also for an integer too large to be a float.

    It calls ``math.isnan`` on the number, which raises OverflowError past about 1e308: a
    form posted with 400 nines was a server error. Such a number is out of any range, so
    it is judged as infinity, with the field's usual message.
    """

    def __call__(self, form: Any, field: Field) -> None:
        value = field.data
        if not isinstance(value, int) or abs(value) <= sys.float_info.max:
            super().__call__(form, field)
            return
        field.data = math.inf if value > 0 else -math.inf
        try:
            super().__call__(form, field)
        finally:
            field.data = value
