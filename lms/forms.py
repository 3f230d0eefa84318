"""Forms every area shares."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards a one-button POST (deactivate, mark done, log out)."""
