"""The career path's pages: the agent's own path and HR's eligibility list with its export."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.career import services as career
from lms.career.errors import CareerError, DecisionRefused
from lms.career.forms import DecisionForm, EligibilityFilterForm
from lms.career.models.decisions import Outcome
from lms.career.services import agent_view, views
from lms.extensions import db
from lms.i18n import local_today
from lms.navigation import HR, NavEntry, register
from lms.web import download, put_errors_on_form

bp = Blueprint("career", __name__, template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

register(
    NavEntry(
        "career.my_path",
        _l("Career path"),
        "bi-signpost-split",
        order=45,
        description=_l("Your level, and what is left before the next one."),
    )
)
register(
    NavEntry(
        "career.eligibility",
        _l("Promotion eligibility"),
        "bi-ladder",
        roles=("hr",),
        order=62,
        description=_l("Every agent against the rule up to the next level."),
        group=HR,
    )
)


@bp.route("/my/career")
@login_required
def my_path() -> ResponseReturnValue:
    # Always the signed-in person's own: no id in the URL, so no one else's is reachable.
    path = views.career_path(current_user, str(get_locale()))
    own = agent_view.own_history(current_user.id)
    return render_template("career/my_path.html", path=path, own=own)


def _filter_form() -> EligibilityFilterForm:
    form = EligibilityFilterForm(request.args)
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(str(i), path) for i, path in accounts.department_choices()
    ]
    form.level.choices = [SelectChoice("", _("All levels"))] + [
        SelectChoice(level.value, level.label) for level in accounts.Level
    ]
    form.status.choices = [SelectChoice("", _("Any status"))] + [
        SelectChoice(standing.value, standing.label) for standing in views.Standing
    ]
    return form


def _filters(form: EligibilityFilterForm) -> views.EligibilityFilter:
    if not form.validate():  # an unknown choice in a hand-made URL: show everyone
        return views.EligibilityFilter()
    return views.EligibilityFilter(
        department_id=form.department.data,
        level=accounts.Level(form.level.data) if form.level.data else None,
        standing=views.Standing(form.status.data) if form.status.data else None,
    )


@bp.route("/career/eligibility")
@roles_required("hr")
def eligibility() -> ResponseReturnValue:
    form = _filter_form()
    listing = views.eligibility_list(_filters(form))
    return render_template(
        "career/eligibility.html", form=form, listing=listing, export_args=request.args.to_dict()
    )


@bp.route("/career/eligibility.xlsx")
@roles_required("hr")
def export() -> ResponseReturnValue:
    listing = views.eligibility_list(_filters(_filter_form()))
    name = _("eligibility-%(date)s", date=listing.as_of.isoformat())
    return download(views.eligibility_workbook(listing), f"{name}.xlsx", XLSX)


def _agent_or_404(user_id: int) -> accounts.User:
    user = accounts.get_user(user_id)
    if user is None or accounts.Role.AGENT not in user.roles:
        abort(404)
    return user


def _agent_page(user: accounts.User, form: DecisionForm) -> str:
    page = agent_view.agent_career(user, str(get_locale()))
    # Always the checklist on this page: after a refusal it may differ from the one posted.
    form.checklist.data = page.fingerprint
    return render_template("career/agent.html", page=page, form=form)


@bp.route("/career/agents/<int:user_id>")
@roles_required("hr")
def agent(user_id: int) -> ResponseReturnValue:
    user = _agent_or_404(user_id)
    form = DecisionForm(formdata=None, effective_on=local_today())
    return _agent_page(user, form)


@bp.route("/career/agents/<int:user_id>/decisions", methods=["POST"])
@roles_required("hr")
def decide(user_id: int) -> ResponseReturnValue:
    user = _agent_or_404(user_id)
    form = DecisionForm()
    if form.validate_on_submit():
        decision = career.DecisionForm(
            outcome=Outcome(form.outcome.data),
            reason=form.reason.data or "",
            effective_on=form.effective_on.data,
            promote_anyway=form.promote_anyway.data,
            seen=form.checklist.data or None,
        )
        try:
            made = career.record_decision(user.id, decision, by_id=current_user.id)
        except DecisionRefused as refused:
            db.session.rollback()
            put_errors_on_form(form, refused)
        except CareerError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            if made.outcome is Outcome.PROMOTE:
                flash(
                    _(
                        "%(name)s is promoted to %(level)s.",
                        name=user.name,
                        level=made.to_level.label,
                    ),
                    "success",
                )
            else:
                flash(
                    _("The deferral is recorded and %(name)s is told.", name=user.name), "success"
                )
            return redirect(url_for("career.agent", user_id=user.id))
    return _agent_page(user, form)
