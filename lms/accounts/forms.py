"""Forms of the accounts area; labels are lazily translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.accounts.models import Level, Role
from lms.forms import MultiCheckboxField


def _optional_int(value: object) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[arg-type]


class LoginForm(FlaskForm):
    employee_no = StringField(
        _l("Employee number"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired()],
        description=_l("At least 8 characters, with letters and digits."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired()],
        render_kw={"autocomplete": "new-password"},
    )


class UserForm(FlaskForm):
    # Presence and uniqueness are the service's to check, so that every problem
    # is reported at once rather than the form's first and the service's later.
    employee_no = StringField(
        _l("Employee number"),
        validators=[Length(max=32)],
        render_kw={"aria-required": "true"},
        description=_l("The sign-in name. Kept exactly as typed, leading zeros included."),
    )
    name = StringField(
        _l("Full name"), validators=[Length(max=100)], render_kw={"aria-required": "true"}
    )
    department_id = SelectField(_l("Department"), coerce=_optional_int, validators=[Optional()])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=100)])
    hire_date = DateField(_l("Hire date"), validators=[Optional()])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=[SelectChoice(role.value, role.lazy_label) for role in Role],
    )
    level = SelectField(
        _l("Career level"),
        choices=[SelectChoice("", _l("None"))]
        + [SelectChoice(level.value, level.lazy_label) for level in Level],
        validators=[Optional()],
    )
    level_since = DateField(_l("At this level since"), validators=[Optional()])


class DepartmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    parent_id = SelectField(_l("Parent"), coerce=_optional_int, validators=[Optional()])


class UserImportForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[
            FileRequired(),
            FileAllowed(["csv", "xlsx", "txt"], _l("Upload a .csv or .xlsx file.")),
        ],
        description=_l("CSV (UTF-8 or GBK, as Excel saves it) or XLSX, at most 16 MB."),
    )
    initial_password = StringField(
        _l("Initial password"),
        validators=[Optional(), Length(max=128)],
        description=_l(
            "Given to everyone in the file, who must change it at first sign-in. "
            "Leave empty to generate one."
        ),
    )


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), render_kw={"placeholder": _l("Employee number, name or pinyin")})
    department = SelectField(_l("Department"), coerce=_optional_int, validators=[Optional()])
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("All roles"))]
        + [SelectChoice(role.value, role.lazy_label) for role in Role],
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("active", _l("Active")),
            SelectChoice("inactive", _l("Deactivated")),
            SelectChoice("all", _l("All")),
        ],
        default="active",
    )


class SecondFactorForm(FlaskForm):
    """The code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("The 6 digits your authenticator app shows, or one of your recovery codes."),
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "text",
            "autofocus": True,
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )
