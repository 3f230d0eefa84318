"""Sign-in, own account, and the admin pages for people and departments."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from lms.access import roles_required
from lms.accounts import services, two_factor, user_import
from lms.accounts.errors import (
    AccountInactive,
    AccountLocked,
    DepartmentInUse,
    DomainError,
    FieldErrors,
    ImportRejected,
    InvalidCredentials,
)
from lms.accounts.forms import (
    ChangePasswordForm,
    DepartmentForm,
    LoginForm,
    UserForm,
    UserImportForm,
    UserSearchForm,
)
from lms.accounts.models import Level, Role, User
from lms.extensions import db, login_manager
from lms.forms import ConfirmForm
from lms.i18n import SESSION_KEY as LOCALE_KEY
from lms.navigation import ADMINISTRATION, NavEntry, register
from lms.ratelimit import rate_limited
from lms.web import download, put_errors_on_form, safe_next_url

bp = Blueprint("accounts", __name__, template_folder="templates")

register(
    NavEntry(
        "accounts.users",
        _l("People"),
        "bi-people",
        ("admin",),
        order=900,
        description=_l("Find, create and deactivate accounts; reset passwords."),
        group=ADMINISTRATION,
    )
)
register(
    NavEntry(
        "accounts.departments",
        _l("Departments"),
        "bi-diagram-3",
        ("admin",),
        order=910,
        description=_l("The centres, departments and teams people belong to."),
        group=ADMINISTRATION,
    )
)
register(
    NavEntry(
        "accounts.import_users",
        _l("Import people"),
        "bi-upload",
        ("admin",),
        order=920,
        description=_l("Add a whole team at once from a CSV or Excel file."),
        in_menu=False,
        group=ADMINISTRATION,
    )
)
register(
    NavEntry(
        "accounts.change_password",
        _l("Change password"),
        "bi-key",
        order=990,
        description=_l("Choose a new password for your account."),
        in_menu=False,
    )
)

# Pages a user who must choose a new password may still reach.
_OPEN_WHILE_CHANGING_PASSWORD = {
    "accounts.change_password",
    "accounts.logout",
    "shell.set_language",
    "shell.healthz",
    "static",
}


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    return services.load_session_user(token)


@bp.before_app_request
def _require_password_change() -> ResponseReturnValue | None:
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _OPEN_WHILE_CHANGING_PASSWORD
    ):
        return redirect(url_for("accounts.change_password"))
    return None


# --- signing in ---------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@rate_limited("login", "20/60", methods=("POST",))
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("shell.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.employee_no.data, form.password.data)
        except AccountLocked as locked:
            db.session.commit()
            form.form_errors.append(
                _(
                    "Too many failed sign-ins. Signing in is locked until %(time)s; "
                    "try again then, or ask an administrator to reset your password.",
                    time=format_datetime(locked.until, "HH:mm"),
                )
            )
        except (InvalidCredentials, AccountInactive) as refused:
            db.session.commit()
            form.form_errors.append(str(refused))
        else:
            if user.locale is None and session.get(LOCALE_KEY):
                services.set_locale(user, session[LOCALE_KEY])
            # Signed in before the commit, which would expire the user and cost a reload;
            # the password is already checked, the commit only records the time.
            if two_factor.is_enabled(user) or two_factor.is_required(user):
                db.session.commit()
                return two_factor_routes.begin_second_step(user, request.args.get("next"))
            session.permanent = True
            login_user(user)
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next"), url_for("shell.home")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        services.end_sessions(current_user)
        db.session.commit()
        locale = session.get(LOCALE_KEY) or current_user.locale
        logout_user()
        session.clear()
        if locale:
            session[LOCALE_KEY] = locale
        flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                form.confirm_password.data,
            )
        except FieldErrors as error:
            db.session.rollback()
            put_errors_on_form(form, error)
        else:
            db.session.commit()
            # Other sessions ended with the change; this one carries on with the new version.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("shell.home"))
    return render_template(
        "accounts/change_password.html", form=form, forced=current_user.must_change_password
    )


# --- people (admin) -----------------------------------------------------------------


def _department_choices(blank_label: str) -> list[SelectChoice]:
    return [SelectChoice("", blank_label)] + [
        SelectChoice(str(department_id), path)
        for department_id, path in services.department_choices()
    ]


def _user_or_404(user_id: int) -> User:
    user = services.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/admin/users")
@roles_required("admin")
def users() -> ResponseReturnValue:
    form = UserSearchForm(request.args)
    form.department.choices = _department_choices(_("All departments"))
    form.validate()
    page = request.args.get("page", 1, type=int)
    pagination = services.list_users(
        query=form.q.data or "",
        department_id=form.department.data if not form.department.errors else None,
        role=Role(form.role.data) if form.role.data in Role._value2member_map_ else None,
        status=form.status.data if form.status.data in ("active", "inactive", "all") else "active",
        page=max(page, 1),
        per_page=current_app.config["USERS_PER_PAGE"],
    )
    return render_template(
        "accounts/users.html",
        form=form,
        pagination=pagination,
        paths=services.department_paths(),
        total=services.count_users(),
    )


def _details_from(form: UserForm) -> services.UserDetails:
    return services.UserDetails(
        employee_no=form.employee_no.data or "",
        name=form.name.data or "",
        roles={Role(r) for r in form.roles.data or [] if r in Role._value2member_map_},
        department_id=form.department_id.data,
        position=form.position.data,
        hire_date=form.hire_date.data,
        # An unknown level is the form's error to show (not a valid choice); left out here.
        level=Level(form.level.data) if form.level.data in Level._value2member_map_ else None,
        level_since=form.level_since.data,
    )


def _validate_person_form(form: UserForm, user: User | None = None) -> bool:
    """Validate the form and, where it fails, also show the service's own problems,
    so that the admin sees every problem at once."""
    if form.validate_on_submit():
        return True
    if form.is_submitted():
        put_errors_on_form(form, FieldErrors(services.validate_details(_details_from(form), user)))
    return False


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def create_user() -> ResponseReturnValue:
    form = UserForm()
    form.department_id.choices = _department_choices(_("No department"))
    if request.method == "GET":
        form.roles.data = [Role.AGENT.value]
    if _validate_person_form(form):
        try:
            user, password = services.create_user(_details_from(form), by_id=current_user.id)
        except FieldErrors as error:
            db.session.rollback()
            put_errors_on_form(form, error)
        else:
            db.session.commit()
            # Shown once, on this response only; it is never stored in clear.
            return render_template(
                "accounts/password_issued.html", user=user, password=password, created=True
            )
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    form.department_id.choices = _department_choices(_("No department"))
    if request.method == "GET":
        form.roles.data = sorted(r.value for r in user.roles)
        form.level.data = user.level.value if user.level else ""
    if _validate_person_form(form, user):
        try:
            services.update_user(user, _details_from(form), by_id=current_user.id)
        except FieldErrors as error:
            db.session.rollback()
            put_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=user.name), "success")
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    return render_template(
        "accounts/user_form.html",
        form=form,
        user=user,
        action_form=ConfirmForm(),
        is_self=user.id == current_user.id,
    )


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required("admin")
def deactivate_user(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.deactivate_user(user, by=current_user)
        except DomainError as refused:
            db.session.rollback()
            flash(str(refused), "danger")
        else:
            db.session.commit()
            flash(
                _("%(name)s can no longer sign in. Their history is kept.", name=user.name),
                "success",
            )
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required("admin")
def reactivate_user(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        services.reactivate_user(user)
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=user.name), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reset-password", methods=["POST"])
@roles_required("admin")
def reset_password(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.edit_user", user_id=user.id))
    password = services.reset_password(user, by_id=current_user.id)
    db.session.commit()
    return render_template(
        "accounts/password_issued.html", user=user, password=password, created=False
    )


# --- bulk import (admin) -------------------------------------------------------------


@bp.route("/admin/users/import", methods=["GET", "POST"])
@roles_required("admin")
def import_users() -> ResponseReturnValue:
    form = UserImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            summary = user_import.import_users(
                upload.filename or "upload.csv",
                upload.read(),
                imported_by=current_user,
                initial_password=form.initial_password.data or None,
            )
        except ImportRejected as rejected:
            db.session.rollback()
            problems = rejected.problems
        else:
            db.session.commit()
            return render_template("accounts/import_done.html", summary=summary)
    return render_template("accounts/import.html", form=form, problems=problems)


@bp.route("/admin/users/import/template.<any(csv, xlsx):kind>")
@roles_required("admin")
def import_template(kind: str) -> ResponseReturnValue:
    name = _("user-import-template")
    if kind == "csv":
        return download(user_import.template_csv(), f"{name}.csv", "text/csv")
    return download(
        user_import.template_xlsx(),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- departments (admin) ---------------------------------------------------------------


@bp.route("/admin/departments", methods=["GET", "POST"])
@roles_required("admin")
def departments() -> ResponseReturnValue:
    form = DepartmentForm()
    form.parent_id.choices = _department_choices(_("None (a top-level centre)"))
    if form.validate_on_submit():
        try:
            department = services.create_department(form.name.data, form.parent_id.data)
        except FieldErrors as error:
            db.session.rollback()
            put_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Department %(name)s created.", name=department.name), "success")
            return redirect(url_for("accounts.departments"))
    return render_template(
        "accounts/departments.html",
        form=form,
        tree=services.department_tree(),
        action_form=ConfirmForm(),
    )


@bp.route("/admin/departments/<int:department_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_department(department_id: int) -> ResponseReturnValue:
    department = services.get_department(department_id)
    if department is None:
        abort(404)
    form = DepartmentForm(obj=department if request.method == "GET" else None)
    form.parent_id.choices = _department_choices(_("None (a top-level centre)"))
    if form.validate_on_submit():
        try:
            services.update_department(department, form.name.data, form.parent_id.data)
        except FieldErrors as error:
            db.session.rollback()
            put_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Department %(name)s saved.", name=department.name), "success")
            return redirect(url_for("accounts.departments"))
    return render_template("accounts/department_form.html", form=form, department=department)


@bp.route("/admin/departments/<int:department_id>/delete", methods=["POST"])
@roles_required("admin")
def delete_department(department_id: int) -> ResponseReturnValue:
    department = services.get_department(department_id)
    if department is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_department(department)
        except DepartmentInUse as refused:
            db.session.rollback()
            flash(str(refused), "danger")
        else:
            db.session.commit()
            flash(_("Department deleted."), "success")
    return redirect(url_for("accounts.departments"))


# The second factor's pages share this blueprint; imported last, as they import ``bp``.
from lms.accounts import two_factor_routes  # noqa: E402
