"""Monthly refreshers: programmes for trainers and HR, the agent's due list."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.accounts.models import Level, Role
from lms.extensions import db
from lms.forms import ConfirmForm
from lms.i18n import local_today
from lms.navigation import TEACHING, NavEntry, register
from lms.tabular import write_csv, write_xlsx
from lms.training.errors import RefresherRefused
from lms.training.models.refreshers import RefresherProgramme, RefresherStatus
from lms.training.refresher_forms import ComplianceFilterForm, OverdueFilterForm, ProgrammeForm
from lms.training.services import refreshers
from lms.web import download, put_errors_on_form

bp = Blueprint("refreshers", __name__, template_folder="templates")

register(
    NavEntry(
        "refreshers.mine",
        _l("Refreshers"),
        "bi-arrow-repeat",
        order=25,
        description=_l("This month's refresher and how you did in past months."),
    )
)
register(
    NavEntry(
        "refreshers.programmes",
        _l("Refresher programmes"),
        "bi-calendar2-check",
        roles=("trainer", "hr"),
        order=47,
        description=_l("Monthly refreshers: who must do what by when, overdue, compliance."),
        group=TEACHING,
    )
)

STATUS_BADGES = {
    RefresherStatus.DUE: "text-bg-primary",
    RefresherStatus.ON_TIME: "text-bg-success",
    RefresherStatus.LATE: "text-bg-warning",
    RefresherStatus.MISSED: "text-bg-danger",
}


def _locale() -> str:
    return str(get_locale())


def _programme_or_404(programme_id: int) -> RefresherProgramme:
    programme = refreshers.get_programme(programme_id)
    if programme is None:
        abort(404)
    return programme


@bp.route("/refreshers")
@login_required
def mine() -> ResponseReturnValue:
    return render_template(
        "training/refreshers/mine.html",
        mine=refreshers.my_refreshers(current_user.id),
        badges=STATUS_BADGES,
    )


# --- programmes -----------------------------------------------------------------------------


@bp.route("/refresher-programmes")
@roles_required("trainer", "hr")
def programmes() -> ResponseReturnValue:
    return render_template("training/refreshers/programmes.html", rows=refreshers.programme_list())


def _programme_form(programme: RefresherProgramme | None) -> ProgrammeForm:
    form = ProgrammeForm() if request.method == "POST" else ProgrammeForm(formdata=None)
    if request.method != "POST" and programme is not None:
        audience = accounts.Audience.from_dict(programme.audience)
        form.month.data = programme.month
        form.title.data = programme.title
        form.item.data = (
            f"course:{programme.course_id}" if programme.course_id else f"exam:{programme.exam_id}"
        )
        form.due_on.data = programme.due_on
        form.audience_roles.data = list(audience.roles)
        form.audience_levels.data = list(audience.levels)
        form.audience_departments.data = list(audience.department_ids)
        form.people.data = " ".join(
            sorted(u.employee_no for u in accounts.users_by_id(audience.user_ids))
        )
    elif request.method != "POST":
        form.month.data = refreshers.first_of_month(local_today())
    items = refreshers.refresher_items(_locale())
    form.item.choices = {
        _("Choose"): [SelectChoice("", _("A course or a quiz…"))],
        _("Courses"): [SelectChoice(f"course:{i}", title) for i, title in items.courses],
        _("Quizzes"): [SelectChoice(f"exam:{i}", title) for i, title in items.quizzes],
    }
    form.audience_roles.choices = [SelectChoice(r.value, r.label) for r in Role]
    form.audience_levels.choices = [SelectChoice(lv.value, lv.label) for lv in Level]
    form.audience_departments.choices = [
        SelectChoice(i, path) for i, path in accounts.department_choices()
    ]
    return form


def _spec(form: ProgrammeForm) -> refreshers.ProgrammeSpec:
    kind, _sep, raw_id = (form.item.data or "").partition(":")
    item_id = int(raw_id) if raw_id.isdigit() else None
    return refreshers.ProgrammeSpec(
        month=form.month.data,
        title=form.title.data or "",
        course_id=item_id if kind == "course" else None,
        exam_id=item_id if kind == "exam" else None,
        audience=accounts.Audience(
            roles=tuple(form.audience_roles.data or ()),
            department_ids=tuple(form.audience_departments.data or ()),
            levels=tuple(form.audience_levels.data or ()),
        ),
        employee_nos=tuple(n for n in re.split(r"[\s,，、;；]+", form.people.data or "") if n),
        due_on=form.due_on.data,
    )


@bp.route("/refresher-programmes/new", methods=["GET", "POST"])
@bp.route("/refresher-programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@roles_required("trainer", "hr")
def edit_programme(programme_id: int | None = None) -> ResponseReturnValue:
    programme = _programme_or_404(programme_id) if programme_id else None
    form = _programme_form(programme)
    if request.method == "POST" and form.validate_on_submit():
        try:
            programme = refreshers.save_programme(programme, _spec(form), current_user.id)
        except RefresherRefused as refusal:
            db.session.rollback()
            put_errors_on_form(form, refusal)
        else:
            db.session.commit()
            flash(
                _(
                    "Refresher saved and assigned to %(count)d people.",
                    count=len(programme.assignments),
                ),
                "success",
            )
            return redirect(url_for("refreshers.programme", programme_id=programme.id))
    return render_template("training/refreshers/edit.html", programme=programme, form=form), (
        400 if request.method == "POST" else 200
    )


@bp.route("/refresher-programmes/<int:programme_id>")
@roles_required("trainer", "hr")
def programme(programme_id: int) -> ResponseReturnValue:
    detail = refreshers.programme_detail(_programme_or_404(programme_id), _locale())
    db.session.commit()  # the completions just read from the ledger
    return render_template(
        "training/refreshers/programme.html",
        detail=detail,
        badges=STATUS_BADGES,
        statuses=list(RefresherStatus),
        assign_form=ConfirmForm(),
    )


@bp.route("/refresher-programmes/<int:programme_id>/assign", methods=["POST"])
@roles_required("trainer", "hr")
def assign(programme_id: int) -> ResponseReturnValue:
    programme = _programme_or_404(programme_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    added = refreshers.assign(programme)
    db.session.commit()
    flash(_("%(count)d newcomers assigned.", count=len(added)), "success")
    return redirect(url_for("refreshers.programme", programme_id=programme.id))


# --- overdue and compliance -----------------------------------------------------------------


def _department_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("All departments"))] + [
        SelectChoice(str(i), path) for i, path in accounts.department_choices()
    ]


@bp.route("/refresher-programmes/overdue")
@roles_required("trainer", "hr")
def overdue() -> ResponseReturnValue:
    form = OverdueFilterForm(request.args)
    form.department.choices = _department_choices()
    form.validate()
    rows = refreshers.overdue(
        month=form.month.data if not form.month.errors else None,
        department_id=form.department.data if not form.department.errors else None,
    )
    db.session.commit()
    return render_template("training/refreshers/overdue.html", form=form, rows=rows)


def _compliance_table() -> tuple[ComplianceFilterForm, refreshers.ComplianceTable]:
    form = ComplianceFilterForm(request.args)
    form.department.choices = _department_choices()
    form.validate()
    this_month = refreshers.first_of_month(local_today())
    month_to = (not form.month_to.errors and form.month_to.data) or this_month
    default_from = date(month_to.year - (month_to.month <= 5), (month_to.month - 6) % 12 + 1, 1)
    month_from = (not form.month_from.errors and form.month_from.data) or default_from
    month_from = min(month_from, month_to)
    form.month_from.data, form.month_to.data = month_from, month_to
    department = form.department.data if not form.department.errors else None
    table = refreshers.compliance_table(month_from, month_to, [department] if department else None)
    db.session.commit()  # the completions just read from the ledger
    return form, table


@bp.route("/refresher-programmes/compliance")
@roles_required("trainer", "hr")
def compliance() -> ResponseReturnValue:
    form, table = _compliance_table()
    return render_template("training/refreshers/compliance.html", form=form, table=table)


@bp.route("/refresher-programmes/compliance.<any(csv, xlsx):fmt>")
@roles_required("trainer", "hr")
def export_compliance(fmt: str) -> ResponseReturnValue:
    _form, table = _compliance_table()
    headers, values = refreshers.compliance_export(table)
    name = _("refresher-compliance")
    if fmt == "csv":
        return download(write_csv(headers, values), f"{name}.csv", "text/csv")
    return download(
        write_xlsx(headers, values),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
