"""The career path's pages: the agent's own path and HR's eligibility list with its export."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.career.forms import EligibilityFilterForm
from lms.career.services import views
from lms.navigation import HR, NavEntry, register
from lms.web import download

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
    return render_template("career/my_path.html", path=path)


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
