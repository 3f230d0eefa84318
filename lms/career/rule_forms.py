"""The promotion-rule edit form: the date and note, and one row per condition whose inputs are
its kind's parameters.

A row's fields are named ``conditions-<n>-<param>``, the very names the service's refusals
use, so each message lands beside its input. Rows are added and removed by submit buttons
that re-render the form (no script needed); the posted rows are read back by
``read_conditions`` and the button's action applied by ``apply_action``, both without HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, Form, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.core import Field, UnboundField
from wtforms.validators import DataRequired, InputRequired, Length

from lms.career.conditions import KINDS, KPI_MODES, ConditionKind
from lms.career.services.rule_history import ParameterChoices
from lms.forms import MultiCheckboxField

ROW_KIND = re.compile(r"conditions-(\d+)-kind")
ROW_FIELD = re.compile(r"conditions-(\d+)-(\w+)")


class RuleEditForm(FlaskForm):
    effective_from = DateField(
        _l("Takes effect on"),
        validators=[InputRequired(_l("Enter the date the new version takes effect."))],
        description=_l(
            "Proposed: the first of next month, so each KPI month is judged by one wording "
            "and agents have notice. Not before the latest version's date."
        ),
    )
    note = TextAreaField(
        _l("Why this change"),
        validators=[
            DataRequired(_l("Say why the rule changes: the history shows it to everyone.")),
            Length(max=1000),
        ],
        render_kw={"rows": 3},
    )
    add_kind = SelectField(_l("Kind of condition"), validate_choice=False)  # read by "add" only


def _number(label: Any, mode: str = "numeric") -> UnboundField:
    # Text, not type=number: what was typed comes back as typed, and the kind's own check
    # (not the browser's) says what is wrong beside it.
    return StringField(label, render_kw={"inputmode": mode, "autocomplete": "off"})


PARAM_FIELDS: dict[str, Callable[[], UnboundField]] = {
    "months": lambda: _number(_l("Period (months)")),
    "hours": lambda: _number(_l("Training hours (学时)"), "decimal"),
    "percent": lambda: _number(_l("Completed (%)"), "decimal"),
    "count": lambda: _number(_l("Sessions")),
    "threshold": lambda: _number(_l("Threshold"), "decimal"),
    "metric": lambda: SelectField(_l("Metric")),
    "mode": lambda: SelectField(_l("Measured")),
    "exam": lambda: SelectField(_l("Certificate of the exam")),
    "courses": lambda: MultiCheckboxField(_l("Courses")),
}
# Where a parameter means something else for one kind, its label says so.
PARAM_FIELD_OF_KIND: dict[tuple[str, str], Callable[[], UnboundField]] = {
    ("months_at_level", "months"): lambda: _number(_l("Months at the level")),
}
LIST_PARAMS = frozenset({"courses"})
MODE_LABELS = {"average": _l("On average"), "every_month": _l("In every month")}


def _row_form_class(kind: ConditionKind) -> type[Form]:
    fields: dict[str, Any] = {"kind": HiddenField()}
    for param in kind.params:
        make = PARAM_FIELD_OF_KIND.get((kind.name, param)) or PARAM_FIELDS.get(param)
        fields[param] = make() if make else StringField(param)
    return type(f"{kind.name.title().replace('_', '')}Row", (Form,), fields)


ROW_FORMS: dict[str, type[Form]] = {name: _row_form_class(kind) for name, kind in KINDS.items()}


# --- from the posted form to conditions, and back ---------------------------------------------


def read_conditions(formdata: MultiDict[str, str]) -> list[dict[str, Any]]:
    """The conditions as posted, in row order, with the values as typed (the kinds check them).

    A row of a kind nobody offers (a hand-made request) is left out.
    """
    indices = sorted({int(m.group(1)) for key in formdata if (m := ROW_KIND.fullmatch(key))})
    conditions = []
    for index in indices:
        kind = KINDS.get(formdata.get(f"conditions-{index}-kind", ""))
        if kind is None:
            continue
        condition: dict[str, Any] = {"kind": kind.name}
        for param in kind.params:
            name = f"conditions-{index}-{param}"
            if param in LIST_PARAMS:
                condition[param] = [v.strip() for v in formdata.getlist(name) if v.strip()]
            else:
                condition[param] = formdata.get(name, "").strip()
        conditions.append(condition)
    return conditions


def apply_action(
    conditions: list[dict[str, Any]], action: str, add_kind: str | None
) -> list[dict[str, Any]] | None:
    """The rows after an "add" or "remove-<n>" button; None for any other action (save)."""
    if action == "add":
        return [*conditions, {"kind": add_kind}] if add_kind in KINDS else conditions
    if action.startswith("remove-"):
        index = action.removeprefix("remove-")
        if index.isdigit():
            return [c for n, c in enumerate(conditions) if n != int(index)]
        return conditions
    return None


@dataclass
class ConditionRow:
    """One condition on the form: its kind, its inputs, and what is wrong with the row itself."""

    index: int
    kind: ConditionKind
    form: Form
    described: str | None = None  # the condition in words, once its parameters check
    errors: list[str] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return bool(self.errors) or any(f.errors for f in self.form)


def _shown(value: Any) -> Any:
    if value is None:
        return ""
    return value if isinstance(value, list) else str(value)


def _with_unknown(
    choices: Sequence[tuple[str, Any]], chosen: Any, blank: Any | None = None
) -> list[tuple[str, Any]]:
    # A slug no longer offered (a retired course) stays chosen, shown by its slug.
    known = {value for value, _label in choices}
    wanted = chosen if isinstance(chosen, list) else [chosen] if chosen else []
    extra = [(value, value) for value in wanted if value not in known]
    return ([("", blank)] if blank is not None else []) + list(choices) + extra


def condition_rows(
    conditions: Sequence[Mapping[str, Any]],
    choices: ParameterChoices,
    described: Sequence[str | None] = (),
) -> list[ConditionRow]:
    """The rows of the form for ``conditions``, numbered from 0 in order."""
    rows = []
    for index, condition in enumerate(conditions):
        kind = KINDS[condition["kind"]]
        data = {param: _shown(condition.get(param)) for param in kind.params}
        form = ROW_FORMS[kind.name](prefix=f"conditions-{index}", data={**data, "kind": kind.name})
        _set_choices(form, choices)
        rows.append(
            ConditionRow(index, kind, form, described[index] if index < len(described) else None)
        )
    return rows


def _set_choices(form: Form, choices: ParameterChoices) -> None:
    fields: dict[str, Field] = dict(form._fields)
    if "metric" in fields:
        fields["metric"].choices = _with_unknown(
            choices.metrics, fields["metric"].data, _l("Choose a metric…")
        )
    if "mode" in fields:
        fields["mode"].choices = [(mode, MODE_LABELS.get(mode, mode)) for mode in KPI_MODES]
        fields["mode"].data = fields["mode"].data or KPI_MODES[0]
    if "exam" in fields:
        fields["exam"].choices = _with_unknown(
            choices.exams, fields["exam"].data, _l("Choose an exam…")
        )
    if "courses" in fields:
        fields["courses"].choices = _with_unknown(choices.courses, fields["courses"].data)


def put_problems(
    form: RuleEditForm, rows: Sequence[ConditionRow], problems: Sequence[tuple[str, str]]
) -> list[str]:
    """Each ``(field, message)`` beside its input; returns those about the rule as a whole."""
    general = []
    for name, message in problems:
        match = ROW_FIELD.fullmatch(name)
        if match and int(match.group(1)) < len(rows):
            row = rows[int(match.group(1))]
            target = row.form._fields.get(match.group(2))
            if target is not None and match.group(2) != "kind":
                target.errors = [*target.errors, message]
            else:
                row.errors.append(message)
        elif name in ("effective_from", "note"):
            # A date the form could not read already says so; the rule's "enter a date" adds
            # nothing to that.
            if not form[name].errors:
                form[name].errors = [message]
        else:
            general.append(message)
    return general
