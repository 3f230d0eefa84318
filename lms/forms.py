"""Forms every area shares."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards a one-button POST (deactivate, mark done, log out)."""


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (roles, review options)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
