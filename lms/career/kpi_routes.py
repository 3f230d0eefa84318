"""KPI pages for HR: import a file, the history of imports and what each replaced, and one
agent's figures month by month."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.career.kpi_forms import AgentLookupForm, KpiImportForm
from lms.career.services import kpis
from lms.errors import ImportRejected
from lms.extensions import db
from lms.navigation import HR, NavEntry, register
from lms.tabular import write_csv, write_xlsx
from lms.web import download

bp = Blueprint("kpis", __name__, template_folder="templates")

register(
    NavEntry(
        "kpis.history",
        _l("KPIs"),
        "bi-speedometer2",
        roles=("hr",),
        order=60,
        description=_l("Import monthly KPI figures and see each agent's months."),
        group=HR,
    )
)


@bp.route("/hr/kpis")
@roles_required("hr")
def history() -> ResponseReturnValue:
    lookup = AgentLookupForm(request.args)
    if request.args and lookup.validate():
        user = accounts.find_user_by_employee_no(lookup.employee_no.data)
        if user is not None:
            return redirect(url_for("kpis.agent", user_id=user.id))
        lookup.employee_no.errors = [
            _("No one has the employee number %(no)s.", no=lookup.employee_no.data)
        ]
    return render_template("career/kpis/history.html", imports=kpis.recent_imports(), lookup=lookup)


@bp.route("/hr/kpis/import", methods=["GET", "POST"])
@roles_required("hr")
def import_file() -> ResponseReturnValue:
    form = KpiImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = kpis.import_kpis(upload.filename or "kpi.csv", upload.read(), current_user.id)
        except ImportRejected as rejected:
            db.session.rollback()
            problems = rejected.problems
        else:
            db.session.commit()
            return render_template("career/kpis/import_done.html", report=report)
    return render_template(
        "career/kpis/import.html", form=form, problems=problems, metrics=kpis.METRICS.values()
    )


@bp.route("/hr/kpis/template.<any(csv, xlsx):kind>")
@roles_required("hr")
def template(kind: str) -> ResponseReturnValue:
    name = _("kpi-template")
    headers = kpis.template_headers()
    if kind == "csv":
        return download(write_csv(headers, []), f"{name}.csv", "text/csv")
    return download(
        write_xlsx(headers, [], text_columns=[0, 2]),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/hr/kpis/imports/<int:import_id>")
@roles_required("hr")
def import_detail(import_id: int) -> ResponseReturnValue:
    record = kpis.get_import(import_id)
    if record is None:
        abort(404)
    return render_template(
        "career/kpis/import_detail.html", record=record, changes=kpis.changes_of(import_id)
    )


@bp.route("/hr/kpis/agents/<int:user_id>")
@roles_required("hr")
def agent(user_id: int) -> ResponseReturnValue:
    user = accounts.get_user(user_id)
    if user is None:
        abort(404)
    return render_template(
        "career/kpis/agent.html",
        person=accounts.profile_of(user),
        table=kpis.kpis_of(user_id),
    )
