"""HR's pages of the promotion rules: each rule in force and scheduled, its history of
versions, and the edit that saves a new version from a chosen date."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from lms.access import roles_required
from lms.career.conditions import KINDS
from lms.career.errors import RuleRefused
from lms.career.rule_forms import (
    RuleEditForm,
    apply_action,
    condition_rows,
    put_problems,
    read_conditions,
)
from lms.career.services import rule_history, rules
from lms.extensions import db
from lms.i18n import local_today
from lms.navigation import HR, NavEntry, register

bp = Blueprint("career_rules", __name__, template_folder="templates")

register(
    NavEntry(
        "career_rules.index",
        _l("Promotion rules"),
        "bi-journal-check",
        roles=("hr",),
        order=63,
        description=_l("The conditions for each next level, their versions, and changing them."),
        group=HR,
    )
)


def _rule_level_or_404(value: str) -> rules.Level:
    """The starting level of a rule named in the URL: one with a level above it."""
    try:
        level = rules.Level(value)
    except ValueError:
        abort(404)
    if rules.next_level(level) is None:
        abort(404)
    return level


@bp.route("/career/rules")
@roles_required("hr")
def index() -> ResponseReturnValue:
    overview = rule_history.rules_overview(local_today(), str(get_locale()))
    return render_template("career/rules/index.html", overview=overview, today=local_today())


@bp.route("/career/rules/<from_level>/versions")
@roles_required("hr")
def versions(from_level: str) -> ResponseReturnValue:
    level = _rule_level_or_404(from_level)
    history = rule_history.history_of(level, local_today(), str(get_locale()))
    return render_template(
        "career/rules/versions.html",
        from_level=level,
        to_level=rules.next_level(level),
        history=history,
    )


@bp.route("/career/rules/<from_level>/edit", methods=["GET", "POST"])
@roles_required("hr")
def edit(from_level: str) -> ResponseReturnValue:
    level = _rule_level_or_404(from_level)
    locale = str(get_locale())
    history = rules.rule_versions(level)
    latest = history[0] if history else None
    form = RuleEditForm()
    form.add_kind.choices = [SelectChoice(name, str(kind.label)) for name, kind in KINDS.items()]
    problems: list[tuple[str, str]] = []
    if request.method != "POST":
        conditions = [dict(c) for c in latest.conditions] if latest else []
        form.effective_from.data = rule_history.proposed_effective_from(local_today(), latest)
    else:
        conditions = read_conditions(request.form)
        changed = apply_action(conditions, request.form.get("action", "save"), form.add_kind.data)
        if changed is not None:  # a row added or removed: the same form again, nothing saved
            conditions = changed
        else:
            form_ok = form.validate_on_submit()
            try:
                version = rules.save_rule_version(
                    level, conditions, form.effective_from.data, form.note.data, current_user.id
                )
            except RuleRefused as refused:
                db.session.rollback()
                problems = refused.pairs
            else:
                if form_ok:
                    db.session.commit()
                    flash(
                        _(
                            "Version %(number)d is saved; it takes effect on %(date)s.",
                            number=version.number,
                            date=version.effective_from.isoformat(),
                        ),
                        "success",
                    )
                    return redirect(url_for(".versions", from_level=level.value))
                # The note is missing: the rule's own checks passed, but nothing is kept.
                db.session.rollback()
    rows = condition_rows(
        conditions,
        rule_history.parameter_choices(locale),
        rule_history.describe_draft(conditions, locale),
    )
    general = put_problems(form, rows, problems)
    return render_template(
        "career/rules/edit.html",
        form=form,
        rows=rows,
        general=general,
        from_level=level,
        to_level=rules.next_level(level),
        latest=latest,
    )
