"""HR reports over the ledger: the dashboard, departments, agents and their appraisal
records, certificate expiries and knowledge gaps; every table also as XLSX and CSV."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.errors import FieldErrors
from lms.i18n import local_today
from lms.navigation import HR, NavEntry, register
from lms.records import charts, reports
from lms.records.report_forms import ExpiryFilterForm, HistoryFilterForm, PeriodFilterForm
from lms.tabular import write_csv
from lms.web import download, put_errors_on_form

bp = Blueprint("reports", __name__, template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPIRY_WINDOWS = (30, 60, 90)

register(
    NavEntry(
        "reports.dashboard",
        _l("HR reports"),
        "bi-bar-chart-line",
        roles=("hr",),
        order=50,
        description=_l("Hours, compliance and pass rates by department; appraisal records."),
        group=HR,
    )
)


def _period_form() -> tuple[PeriodFilterForm, reports.Period]:
    """The filter with its choices, and the period it names (this month when it names none
    properly: the errors are shown beside the fields)."""
    form = PeriodFilterForm(request.args)
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(str(i), path) for i, path in accounts.department_choices()
    ]
    form.level.choices = [SelectChoice("", _("All levels"))] + [
        SelectChoice(level.value, level.label) for level in accounts.Level
    ]
    form.period.choices = [SelectChoice(k.value, k.label) for k in reports.PeriodKind]
    form.validate()
    today = local_today()
    try:
        period = reports.choose_period(
            form.period.data, form.on.data, form.date_from.data, form.date_to.data, today
        )
    except FieldErrors as error:
        put_errors_on_form(form, error)
        period = reports.Period.containing(reports.PeriodKind.MONTH, today)
    return form, period


def _department(form: PeriodFilterForm) -> int | None:
    return form.department.data if not form.department.errors else None


def _level(form: PeriodFilterForm) -> str | None:
    return form.level.data if form.level.data in accounts.Level._value2member_map_ else None


def _status(*forms: FlaskForm) -> int:
    return 400 if any(f.errors for f in forms) else 200


def _export(tables: list[reports.ReportTable], fmt: str, name: str) -> ResponseReturnValue:
    if fmt == "xlsx":
        return download(reports.write_spreadsheet(tables), f"{name}.xlsx", XLSX)
    if fmt == "csv":
        table = tables[0]
        return download(
            write_csv([c.header for c in table.columns], reports.table_rows_for_csv(table)),
            f"{name}.csv",
            "text/csv",
        )
    abort(404)


def _shifted_args(period: reports.Period, steps: int) -> dict[str, str]:
    """The query string of the period before (-1) or after (+1), other filters kept."""
    other = period.shifted(steps)
    args = {k: v for k, v in request.args.items() if k not in ("on", "date_from", "date_to")}
    if other.kind is reports.PeriodKind.RANGE:
        args.update(date_from=other.start.isoformat(), date_to=other.end.isoformat())
    else:
        args["on"] = other.start.isoformat()
    args["period"] = other.kind.value
    return args


# --- the dashboard --------------------------------------------------------------------------


@bp.route("/reports")
@roles_required("hr")
def dashboard() -> ResponseReturnValue:
    figures = reports.dashboard()
    labels = [f"{m:%Y-%m}" for m in figures.months]
    ticks = [format_date(m, "MMM") for m in figures.months]  # 2月 / Feb
    hours = charts.line_chart(
        _("Hours per department by month"),
        ticks,
        charts.coloured([(s.name, s.values) for s in figures.hours_by_department]),
    )
    compliance = charts.bar_chart(
        _("Refreshers done on time by month (%)"),
        ticks,
        charts.ChartSeries(figures.refresher_compliance.name, figures.refresher_compliance.values),
        y_max=100,
    )
    pass_rate = charts.bar_chart(
        _("Exam pass rate by month (%)"),
        ticks,
        charts.ChartSeries(figures.pass_rate.name, figures.pass_rate.values, charts.PALETTE[2]),
        y_max=100,
    )
    return render_template(
        "records/reports/dashboard.html",
        labels=labels,
        hours=hours,
        compliance=compliance,
        pass_rate=pass_rate,
        swatch=charts.swatch,
    )


# --- departments ----------------------------------------------------------------------------


@bp.route("/reports/departments")
@roles_required("hr")
def departments() -> ResponseReturnValue:
    form, period = _period_form()
    report = reports.department_report(period, _department(form), _level(form))
    return render_template(
        "records/reports/departments.html",
        form=form,
        report=report,
        table=reports.department_table(report),
        labels=[(row.name, row.depth) for row in report.rows],
        previous_args=_shifted_args(period, -1),
        next_args=_shifted_args(period, 1),
    ), _status(form)


@bp.route("/reports/departments.<fmt>")
@roles_required("hr")
def departments_export(fmt: str) -> ResponseReturnValue:
    form, period = _period_form()
    report = reports.department_report(period, _department(form), _level(form))
    return _export([reports.department_table(report)], fmt, _("Department report"))


# --- agents ---------------------------------------------------------------------------------


@bp.route("/reports/agents")
@roles_required("hr")
def agents() -> ResponseReturnValue:
    form, period = _period_form()
    lines = reports.agent_lines(period, _department(form), _level(form))
    return render_template(
        "records/reports/agents.html",
        form=form,
        period=period,
        lines=lines,
        weights=reports.WEIGHTS,
        # The appraisal link keeps the period, not the department and level filters.
        period_args={k: v for k, v in request.args.items() if k not in ("department", "level")},
        previous_args=_shifted_args(period, -1),
        next_args=_shifted_args(period, 1),
    ), _status(form)


@bp.route("/reports/agents.<fmt>")
@roles_required("hr")
def agents_export(fmt: str) -> ResponseReturnValue:
    form, period = _period_form()
    lines = reports.agent_lines(period, _department(form), _level(form))
    return _export([reports.agents_table(period, lines)], fmt, _("Agents"))


def _person(user_id: int) -> accounts.User:
    person = accounts.get_user(user_id)
    if person is None:
        abort(404)
    return person


def _group_by() -> tuple[HistoryFilterForm, reports.PeriodKind]:
    form = HistoryFilterForm(request.args)
    kinds = [reports.PeriodKind.MONTH, reports.PeriodKind.QUARTER, reports.PeriodKind.YEAR]
    form.group_by.choices = [SelectChoice(k.value, k.label) for k in kinds]
    chosen = form.group_by.data
    return form, reports.PeriodKind(chosen) if chosen in ("quarter", "year") else kinds[0]


@bp.route("/reports/agents/<int:user_id>")
@roles_required("hr")
def agent(user_id: int) -> ResponseReturnValue:
    form, group_by = _group_by()
    history = reports.agent_history(_person(user_id), group_by)
    return render_template(
        "records/reports/agent.html",
        form=form,
        history=history,
        kinds=list(history.by_kind),
    )


@bp.route("/reports/agents/<int:user_id>.<fmt>")
@roles_required("hr")
def agent_export(user_id: int, fmt: str) -> ResponseReturnValue:
    _form, group_by = _group_by()
    person = _person(user_id)
    tables = reports.history_tables(reports.agent_history(person, group_by))
    return _export(tables, fmt, _("Training record %(no)s", no=person.employee_no))


@bp.route("/reports/agents/<int:user_id>/appraisal")
@roles_required("hr")
def appraisal(user_id: int) -> ResponseReturnValue:
    form, period = _period_form()
    record = reports.appraisal(_person(user_id), period)
    return render_template(
        "records/reports/appraisal.html",
        form=form,
        record=record,
        weights=reports.WEIGHTS,
        previous_args={**_shifted_args(period, -1), "user_id": user_id},
        next_args={**_shifted_args(period, 1), "user_id": user_id},
        export_args={**request.args.to_dict(), "user_id": user_id},
        attendance_label=reports.attendance_label,
    ), _status(form)


@bp.route("/reports/agents/<int:user_id>/appraisal.<fmt>")
@roles_required("hr")
def appraisal_export(user_id: int, fmt: str) -> ResponseReturnValue:
    _form, period = _period_form()
    person = _person(user_id)
    tables = reports.appraisal_tables(reports.appraisal(person, period))
    name = _("Appraisal %(no)s %(period)s", no=person.employee_no, period=period.label)
    return _export(tables, fmt, name)


# --- certificates and knowledge gaps --------------------------------------------------------


def _expiry_form() -> ExpiryFilterForm:
    form = ExpiryFilterForm(request.args)
    form.within.choices = [
        SelectChoice(days, _("%(days)d days", days=days)) for days in EXPIRY_WINDOWS
    ]
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(str(i), path) for i, path in accounts.department_choices()
    ]
    form.validate()
    return form


def _expiry_args(form: ExpiryFilterForm) -> tuple[int, int | None]:
    within = form.within.data if form.within.data in EXPIRY_WINDOWS else EXPIRY_WINDOWS[0]
    return within, form.department.data if not form.department.errors else None


@bp.route("/reports/certificates")
@roles_required("hr")
def expiries() -> ResponseReturnValue:
    form = _expiry_form()
    within, department_id = _expiry_args(form)
    lines = reports.expiries(within, department_id)
    return render_template(
        "records/reports/expiries.html",
        form=form,
        table=reports.expiries_table(lines, within),
        lines=lines,
    )


@bp.route("/reports/certificates.<fmt>")
@roles_required("hr")
def expiries_export(fmt: str) -> ResponseReturnValue:
    within, department_id = _expiry_args(_expiry_form())
    table = reports.expiries_table(reports.expiries(within, department_id), within)
    return _export([table], fmt, _("Certificate expiries"))


@bp.route("/reports/knowledge-gaps")
@roles_required("hr")
def knowledge_gaps() -> ResponseReturnValue:
    form, period = _period_form()
    found = reports.knowledge_gaps(period, _department(form))
    return render_template(
        "records/reports/knowledge_gaps.html",
        form=form,
        period=period,
        gaps=found,
        previous_args=_shifted_args(period, -1),
        next_args=_shifted_args(period, 1),
    ), _status(form)


@bp.route("/reports/knowledge-gaps.<fmt>")
@roles_required("hr")
def knowledge_gaps_export(fmt: str) -> ResponseReturnValue:
    form, period = _period_form()
    found = reports.knowledge_gaps(period, _department(form))
    return _export([reports.knowledge_gaps_table(found, period)], fmt, _("Knowledge gaps"))
