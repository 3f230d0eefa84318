"""The admin's audit log: filter the events, read each one's before and after, export them."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from lms.access import roles_required
from lms.audit import services as audit
from lms.audit.forms import AuditFilterForm
from lms.navigation import ADMINISTRATION, NavEntry, register
from lms.tabular import Sheet, SheetColumn, write_csv, write_sheets
from lms.web import download

bp = Blueprint("audit", __name__, template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50

register(
    NavEntry(
        "audit.events",
        _l("Audit log"),
        "bi-journal-check",
        ("admin",),
        order=930,
        description=_l(
            "Who changed roles, passwords, grades, certificates, rules and promotions, and when."
        ),
        group=ADMINISTRATION,
    )
)


def _filter() -> tuple[AuditFilterForm, audit.AuditFilter]:
    """The filter form from the query string, and what it names (a field in error is left
    out of the filter and shown with its message)."""
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _("All actions"))] + [
        SelectChoice(code, label) for code, label in audit.ACTIONS.items()
    ]
    form.validate()
    where = audit.AuditFilter(
        action=form.action.data if not form.action.errors and form.action.data else None,
        actor="" if form.actor.errors else (form.actor.data or ""),
        subject="" if form.subject.errors else (form.subject.data or ""),
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data,
    )
    return form, where


def _query_args(form: AuditFilterForm) -> dict[str, str]:
    """The filter as query-string values, for the pages and the export links."""
    return {
        name: request.args.get(name, "")
        for name in ("action", "actor", "subject", "date_from", "date_to")
        if request.args.get(name)
    }


@bp.route("/admin/audit")
@roles_required("admin")
def events() -> ResponseReturnValue:
    form, where = _filter()
    page = audit.events_page(where, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template(
        "audit/events.html",
        form=form,
        page=page,
        lines=audit.lines_of(page.items),
        args=_query_args(form),
    ), (400 if form.errors else 200)


@bp.route("/admin/audit/export.<any(csv, xlsx):fmt>")
@roles_required("admin")
def export(fmt: str) -> ResponseReturnValue:
    form, where = _filter()
    headers, rows = audit.export_table(where)
    name = _("audit-log")
    if fmt == "xlsx":
        return download(_workbook(headers, rows), f"{name}.xlsx", XLSX)
    if fmt == "csv":
        return download(write_csv(headers, rows), f"{name}.csv", "text/csv")
    abort(404)


# Employee numbers as text (leading zeros kept); the long columns wide.
_WIDTHS = (8, 20, 14, 12, 18, 44, 14, 12, 18, 44, 44, 16)
_TEXT_COLUMNS = (2, 6)


def _workbook(headers: list[str], rows: list[list[object]]) -> bytes:
    columns = [
        SheetColumn(header, "@" if i in _TEXT_COLUMNS else None, _WIDTHS[i])
        for i, header in enumerate(headers)
    ]
    sheet = Sheet(_("Audit log"), columns, rows, bold_header=True, freeze_header=True)
    return write_sheets([sheet])
