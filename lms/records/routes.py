"""The ledger's pages: the learner's own training record (培训记录) and confidentiality
acknowledgement; HR's ledger with corrections, external training, the policy and the
学时 rules."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services as accounts
from lms.errors import DomainError, FieldErrors
from lms.extensions import db
from lms.forms import ConfirmForm
from lms.i18n import to_local
from lms.navigation import HR, NavEntry, register
from lms.records import services
from lms.records.forms import (
    AcknowledgeForm,
    CorrectionForm,
    ExternalTrainingForm,
    HoursSettingsForm,
    LedgerFilterForm,
    PolicyForm,
    RejectForm,
    SignatureFilterForm,
)
from lms.records.services import LedgerFilter, ParticipationKind, TrainingMethod
from lms.tabular import write_csv, write_xlsx
from lms.web import download, put_errors_on_form

bp = Blueprint("records", __name__, template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

register(
    NavEntry(
        "records.my_record",
        _l("Training record"),
        "bi-card-checklist",
        order=30,
        description=_l("Everything you took part in, with its hours (学时)."),
    )
)
register(
    NavEntry(
        "records.ledger",
        _l("Ledger"),
        "bi-journal-text",
        roles=("hr",),
        order=51,
        description=_l("Every participation (培训台账): filter, export, correct."),
        group=HR,
    )
)
register(
    NavEntry(
        "records.external_list",
        _l("External training"),
        "bi-box-arrow-in-down",
        roles=("hr",),
        order=52,
        description=_l("Seminars and outside certificates, approved by a second HR colleague."),
        group=HR,
    )
)
register(
    NavEntry(
        "records.policy_status",
        _l("Confidentiality policy"),
        "bi-shield-lock",
        roles=("hr",),
        order=53,
        description=_l("Publish the 保密承诺 and see who has signed the version in force."),
        group=HR,
    )
)
register(
    NavEntry(
        "records.settings",
        _l("学时 rules"),
        "bi-hourglass-split",
        roles=("hr",),
        order=54,
        description=_l("How minutes become 学时, the daily cap and the yearly targets."),
        group=HR,
    )
)


def _locale() -> str:
    return str(get_locale() or "zh_Hans")


# --- the learner's own pages -----------------------------------------------------------------


@bp.route("/my/record")
@login_required
def my_record() -> ResponseReturnValue:
    return render_template(
        "records/my_record.html",
        record=services.training_record(current_user.id),
        external=services.external_of(current_user.id),
        policy_pending=services.policy_pending_for(current_user.id),
        acknowledgements=services.acknowledgements_of(current_user.id),
    )


@bp.route("/my/policy", methods=["GET", "POST"])
@login_required
def my_policy() -> ResponseReturnValue:
    policy = services.policy_in_force()
    form = AcknowledgeForm()
    if request.method == "POST":
        if not form.validate_on_submit() or not form.policy_id.data.isdigit():
            abort(400)
        try:
            services.acknowledge_policy(current_user.id, int(form.policy_id.data))
        except DomainError as refusal:
            db.session.rollback()
            flash(str(refusal), "warning")
        else:
            db.session.commit()
            flash(_("Thank you: your acknowledgement is recorded."), "success")
        return redirect(url_for("records.my_policy"))
    signed = services.acknowledgement(current_user.id, policy.id) if policy else None
    if policy is not None:
        form.policy_id.data = str(policy.id)
    return render_template(
        "records/my_policy.html",
        policy=policy,
        title=services.policy_title(policy, _locale()) if policy else None,
        body=services.render_policy(policy, _locale()) if policy else None,
        signed=signed,
        form=form,
    )


@bp.route("/records/external/<int:training_id>/evidence")
@login_required
def evidence(training_id: int) -> ResponseReturnValue:
    training = services.get_external(training_id)
    # Someone else's evidence is answered as if it did not exist.
    if training is None or not services.may_see_evidence(training, current_user):
        abort(404)
    response = download(training.evidence, training.evidence_name, training.evidence_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- 学时 rules --------------------------------------------------------------------------------

LEVELS = (accounts.Level.JUNIOR, accounts.Level.MID, accounts.Level.SENIOR)


@bp.route("/records/settings", methods=["GET", "POST"])
@roles_required("hr")
def settings() -> ResponseReturnValue:
    form = HoursSettingsForm()
    if request.method == "GET":
        rules = services.hours_settings()
        form.minutes_per_hour.data = rules.minutes_per_hour
        form.rounding.data = str(rules.rounding_tenths)
        form.minimum_minutes.data = rules.minimum_minutes
        form.daily_cap_hours.data = rules.daily_cap_hours
        for level in LEVELS:
            getattr(form, f"target_{level.value}").data = rules.yearly_target(level.value)
    elif form.validate_on_submit():
        rules = services.HoursRules(
            minutes_per_hour=form.minutes_per_hour.data,
            rounding_tenths=int(form.rounding.data),
            minimum_minutes=form.minimum_minutes.data,
            daily_cap_hours=form.daily_cap_hours.data,
            yearly_targets={
                level.value: getattr(form, f"target_{level.value}").data for level in LEVELS
            },
        )
        try:
            services.save_hours_settings(rules, current_user.id)
        except FieldErrors as refusal:
            db.session.rollback()
            put_errors_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("The 学时 rules are saved; every figure follows them from now on."), "success")
            return redirect(url_for("records.settings"))
    row = services.hours_settings_row()
    status = 200 if request.method == "GET" else 400
    return render_template(
        "records/settings.html",
        form=form,
        rules=services.hours_settings(),
        step=Decimal(services.hours_settings().rounding_tenths) / 10,
        saved_by=accounts.get_user(row.updated_by_id) if row and row.updated_by_id else None,
        saved_at=row.updated_at if row else None,
        level_fields=[getattr(form, f"target_{level.value}") for level in LEVELS],
    ), status


# --- the ledger ----------------------------------------------------------------------------------


def _ledger_form() -> LedgerFilterForm:
    form = LedgerFilterForm(request.args)
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(str(i), path) for i, path in accounts.department_choices()
    ]
    form.kind.choices = [SelectChoice("", _("All kinds"))] + [
        SelectChoice(k.value, k.label) for k in ParticipationKind
    ]
    form.category.choices = [SelectChoice("", _("All categories"))] + [
        SelectChoice(code, label) for code, label in services.ledger_categories()
    ]
    form.method.choices = [SelectChoice("", _("All methods"))] + [
        SelectChoice(m.value, m.label) for m in TrainingMethod
    ]
    form.validate()
    return form


def _criteria(form: LedgerFilterForm) -> LedgerFilter:
    def valid(field_: object) -> object:
        return field_.data if not field_.errors else None  # type: ignore[attr-defined]

    return LedgerFilter(
        person=(form.person.data or "").strip(),
        department_id=valid(form.department),  # type: ignore[arg-type]
        kind=ParticipationKind(form.kind.data) if valid(form.kind) else None,
        category=valid(form.category) or None,  # type: ignore[arg-type]
        method=TrainingMethod(form.method.data) if valid(form.method) else None,
        date_from=valid(form.date_from),  # type: ignore[arg-type]
        date_to=valid(form.date_to),  # type: ignore[arg-type]
    )


def _filter_args(form: LedgerFilterForm) -> dict[str, str]:
    names = ("person", "department", "kind", "category", "method", "date_from", "date_to")
    return {name: request.args[name] for name in names if request.args.get(name)}


@bp.route("/records/ledger")
@roles_required("hr")
def ledger() -> ResponseReturnValue:
    form = _ledger_form()
    page = services.ledger_page(_criteria(form), page=request.args.get("page", 1, type=int))
    return render_template("records/ledger.html", form=form, page=page, args=_filter_args(form))


@bp.route("/records/ledger/export.<fmt>")
@roles_required("hr")
def ledger_export(fmt: str) -> ResponseReturnValue:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = services.ledger_rows(_criteria(_ledger_form()))
    headers = services.ledger_headers()
    name = _("training-ledger")
    if fmt == "csv":
        return download(write_csv(headers, rows), f"{name}.csv", "text/csv")
    return download(write_xlsx(headers, rows, text_columns=[0]), f"{name}.xlsx", XLSX)


def _correction_form(record: services.ParticipationRecord) -> CorrectionForm:
    form = CorrectionForm() if request.method == "POST" else CorrectionForm(formdata=None)
    if request.method != "POST":
        for name in services.CORRECTABLE:
            getattr(form, name).data = getattr(record, name)

    def choices(known: dict[str, object], current: str | None) -> list[SelectChoice]:
        options = [SelectChoice("", "—")] + [SelectChoice(c, str(lb)) for c, lb in known.items()]
        if current and current not in known:  # free text a source wrote ("86%")
            options.append(SelectChoice(current, current))
        return options

    form.category.choices = choices(dict(services.CATEGORY_LABELS), record.category)
    form.attendance.choices = choices(dict(services.ATTENDANCE_LABELS), record.attendance)
    results = {code: services.result_label(code) for code in services.RESULT_CODES}
    form.result.choices = choices(results, record.result)
    return form


@bp.route("/records/ledger/<int:record_id>", methods=["GET", "POST"])
@roles_required("hr")
def record_detail(record_id: int) -> ResponseReturnValue:
    record = services.get_record(record_id)
    if record is None:
        abort(404)
    form = _correction_form(record)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            values = services.RecordValues(
                title=form.title.data or "",
                occurred_on=form.occurred_on.data,
                minutes=form.minutes.data,
                credit_hours=form.credit_hours.data,
                category=form.category.data or None,
                attendance=form.attendance.data or None,
                result=form.result.data or None,
            )
            try:
                services.correct_record(record, values, form.reason.data, current_user.id)
            except FieldErrors as refusal:
                db.session.rollback()
                put_errors_on_form(form, refusal)
            else:
                db.session.commit()
                flash(_("The record is corrected; the change is kept in its history."), "success")
                return redirect(url_for("records.record_detail", record_id=record.id))
    labels, pinned = services.field_labels(), services.corrected_fields(record.id)
    return render_template(
        "records/record.html",
        line=services.record_line(record),
        history=services.corrections_of(record.id),
        pinned=[labels[name] for name in services.CORRECTABLE if name in pinned],
        labels=labels,
        form=form,
    ), status


# --- external training ---------------------------------------------------------------------


@bp.route("/records/external")
@roles_required("hr")
def external_list() -> ResponseReturnValue:
    return render_template(
        "records/external_list.html",
        pending=services.pending_external(),
        decided=services.decided_external(),
    )


@bp.route("/records/external/new", methods=["GET", "POST"])
@roles_required("hr")
def external_new() -> ResponseReturnValue:
    form = ExternalTrainingForm()
    form.category.choices = [SelectChoice("", "—")] + [
        SelectChoice(code, str(label)) for code, label in services.CATEGORY_LABELS.items()
    ]
    if request.method == "GET" and request.args.get("employee_no"):
        form.employee_no.data = request.args["employee_no"]
    if form.validate_on_submit():
        upload = form.evidence.data
        # Read one byte past the limit: enough to refuse a big file without holding it all.
        content = upload.stream.read(services.MAX_EVIDENCE_BYTES + 1)
        entry = services.ExternalEntry(
            employee_no=form.employee_no.data.strip(),
            title=form.title.data,
            provider=form.provider.data,
            occurred_on=form.occurred_on.data,
            evidence_name=upload.filename or "",
            evidence=content,
            category=form.category.data or None,
            minutes=form.minutes.data,
            credit_hours=form.credit_hours.data,
            result=form.result.data,
        )
        try:
            training = services.enter_external_training(entry, current_user.id)
        except FieldErrors as refusal:
            db.session.rollback()
            put_errors_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Entered. Another HR colleague must now approve it."), "success")
            return redirect(url_for("records.external_detail", training_id=training.id))
    status = 400 if request.method == "POST" else 200
    return render_template("records/external_new.html", form=form), status


def _external_or_404(training_id: int) -> services.ExternalTraining:
    training = services.get_external(training_id)
    if training is None:
        abort(404)
    return training


@bp.route("/records/external/<int:training_id>")
@roles_required("hr")
def external_detail(training_id: int) -> ResponseReturnValue:
    return _external_page(_external_or_404(training_id), RejectForm(formdata=None))


def _external_page(training: services.ExternalTraining, reject_form: RejectForm) -> str:
    return render_template(
        "records/external.html",
        line=services.external_line(training),
        may_approve=training.entered_by_id != current_user.id,
        reject_form=reject_form,
        approve_form=ConfirmForm(formdata=None),
    )


@bp.route("/records/external/<int:training_id>/approve", methods=["POST"])
@roles_required("hr")
def external_approve(training_id: int) -> ResponseReturnValue:
    training = _external_or_404(training_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.approve_external(training, current_user.id)
    except DomainError as refusal:
        db.session.rollback()
        flash(str(refusal), "danger")
    else:
        db.session.commit()
        flash(_("Approved: the training is in the ledger."), "success")
    return redirect(url_for("records.external_detail", training_id=training_id))


@bp.route("/records/external/<int:training_id>/reject", methods=["POST"])
@roles_required("hr")
def external_reject(training_id: int) -> ResponseReturnValue:
    training = _external_or_404(training_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject_external(training, form.reason.data, current_user.id)
        except FieldErrors as refusal:
            db.session.rollback()
            put_errors_on_form(form, refusal)
        except DomainError as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
            return redirect(url_for("records.external_detail", training_id=training_id))
        else:
            db.session.commit()
            flash(_("Rejected; nothing was added to the ledger."), "success")
            return redirect(url_for("records.external_list"))
    return _external_page(training, form), 400


# --- the confidentiality policy -------------------------------------------------------------


def _signature_form() -> SignatureFilterForm:
    form = SignatureFilterForm(request.args)
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(str(i), path) for i, path in accounts.department_choices()
    ]
    form.validate()
    return form


@bp.route("/records/policy")
@roles_required("hr")
def policy_status() -> ResponseReturnValue:
    form = _signature_form()
    policy = services.policy_in_force()
    department_id = form.department.data if not form.department.errors else None
    return render_template(
        "records/policy_status.html",
        form=form,
        policy=policy,
        title=services.policy_title(policy, _locale()) if policy else None,
        body=services.render_policy(policy, _locale()) if policy else None,
        signatures=services.signatures(policy, department_id) if policy else None,
        versions=services.all_policies(),
        department=form.department.data if department_id else "",
    )


@bp.route("/records/policy/export.<fmt>")
@roles_required("hr")
def policy_export(fmt: str) -> ResponseReturnValue:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    policy = services.policy_in_force()
    if policy is None:
        abort(404)
    form = _signature_form()
    found = services.signatures(
        policy, form.department.data if not form.department.errors else None
    )
    headers = [_("Employee no."), _("Full name"), _("Department"), _("Version"), _("Signed at")]
    signed = _("Not signed")
    rows = [
        [
            line.employee_no,
            line.name,
            line.department,
            policy.version,
            # Excel has no zones: the local wall-clock time, as the page shows it.
            to_local(line.acknowledged_at) if line.acknowledged_at else signed,
        ]
        for line in found.unsigned + found.signed
    ]
    name = _("confidentiality-v%(version)d", version=policy.version)
    if fmt == "csv":
        return download(write_csv(headers, rows), f"{name}.csv", "text/csv")
    return download(write_xlsx(headers, rows, text_columns=[0]), f"{name}.xlsx", XLSX)


@bp.route("/records/policy/new", methods=["GET", "POST"])
@roles_required("hr")
def policy_new() -> ResponseReturnValue:
    current = services.policy_in_force()
    form = PolicyForm()
    if request.method == "GET" and current is not None:
        form.title.data, form.body.data = current.title, current.body
        form.title_en.data, form.body_en.data = current.title_en, current.body_en
    if form.validate_on_submit():
        try:
            policy = services.publish_policy(
                form.title.data,
                form.body.data,
                current_user.id,
                form.title_en.data,
                form.body_en.data,
            )
        except FieldErrors as refusal:
            db.session.rollback()
            put_errors_on_form(form, refusal)
        else:
            db.session.commit()
            flash(
                _(
                    "Version %(version)d is in force; every agent is asked to sign it.",
                    version=policy.version,
                ),
                "success",
            )
            return redirect(url_for("records.policy_status"))
    status = 400 if request.method == "POST" else 200
    return render_template("records/policy_new.html", form=form, current=current), status


@bp.cli.command("publish-policy")
@click.argument(
    "folder", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
def publish_policy_command(folder: Path | None) -> None:
    """Publish the confidentiality policy from content/policies/ (only versions not yet out)."""
    folder = folder or Path(current_app.root_path).parent / "content" / "policies"
    for path in services.iter_policy_files(folder):
        policy = services.publish_policy_file(path)
        if policy is None:
            click.echo(f"{path.name}: already published")
        else:
            click.echo(f"{path.name}: version {policy.version} published")
    db.session.commit()
