"""Two-factor sign-in pages: the second step of signing in, enrolment (at sign-in for
those who must, or from the account page), recovery codes, and turning it off."""

from __future__ import annotations

import time

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from lms.access import roles_required
from lms.accounts import services, two_factor
from lms.accounts.errors import AccountLocked, FieldErrors
from lms.accounts.forms import SecondFactorForm
from lms.accounts.models import User
from lms.accounts.routes import bp
from lms.extensions import db
from lms.forms import ConfirmForm
from lms.ratelimit import rate_limited
from lms.web import put_errors_on_form, safe_next_url

PENDING = "_second_factor"
PENDING_SECONDS = 300  # the password step is good for five minutes
SHOWN_CODES = "_recovery_codes"

# Pages a signed-in person who must enrol may still reach.
OPEN_WHILE_ENROLLING = {
    "accounts.two_factor",
    "accounts.two_factor_enrol",
    "accounts.recovery_codes",
    "accounts.logout",
    "accounts.change_password",
    "shell.set_language",
    "shell.healthz",
    "static",
}


def begin_second_step(user: User, next_url: str | None) -> ResponseReturnValue:
    """After the password: remember who passed it, and ask for the second factor (or, for
    someone who must use one and has none yet, set one up)."""
    session[PENDING] = {"user": user.get_id(), "at": int(time.time()), "next": next_url}
    if two_factor.is_enabled(user):
        return redirect(url_for("accounts.second_factor"))
    return redirect(url_for("accounts.two_factor_enrol"))


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = services.load_session_user(str(pending.get("user", "")))
    return user if user is not None and user.is_active else None


def _finish_sign_in(user: User) -> str:
    pending = session.pop(PENDING, {}) or {}
    session.permanent = True
    login_user(user)
    return safe_next_url(pending.get("next"), url_for("shell.home"))


@bp.before_app_request
def _require_enrolment() -> ResponseReturnValue | None:
    """Someone whose role requires a second factor and who has none yet (the rule came in
    after they signed in) sets one up before anything else."""
    if (
        current_user.is_authenticated
        and request.endpoint not in OPEN_WHILE_ENROLLING
        and two_factor.is_required(current_user)
        and not two_factor.is_enabled(current_user)
    ):
        return redirect(url_for("accounts.two_factor_enrol"))
    return None


@bp.route("/login/code", methods=["GET", "POST"])
@rate_limited("login", "20/60", methods=("POST",))
def second_factor() -> ResponseReturnValue:
    user = _pending_user()
    if user is None:
        flash(_("Sign in again: the first step has expired."), "info")
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            accepted = two_factor.check_second_factor(user, form.code.data)
        except AccountLocked as locked:
            db.session.commit()
            session.pop(PENDING, None)
            flash(
                _(
                    "Too many wrong codes. Signing in is locked until %(time)s.",
                    time=format_datetime(locked.until, "HH:mm"),
                ),
                "danger",
            )
            return redirect(url_for("accounts.login"))
        if accepted:
            target = _finish_sign_in(user)
            db.session.commit()
            return redirect(target)
        db.session.commit()  # the failure counts
        form.code.errors = [_("That code is not right, or it was used already.")]
    return render_template("accounts/second_factor.html", form=form, user=user)


@bp.route("/account/two-factor/enrol", methods=["GET", "POST"])
@rate_limited("login", "20/60", methods=("POST",))
def two_factor_enrol() -> ResponseReturnValue:
    """Set up the authenticator app: at sign-in (the password step passed) or signed in."""
    user = current_user if current_user.is_authenticated else _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    if not two_factor.may_enable(user):
        abort(403)
    if two_factor.is_enabled(user):
        return redirect(
            url_for("accounts.two_factor")
            if current_user.is_authenticated
            else url_for("accounts.second_factor")
        )
    if user.totp_secret is None:
        # Kept while enrolment is unfinished: a reload shows the same QR code as before.
        two_factor.start_enrolment(user)
        db.session.commit()
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(user, form.code.data)
        except FieldErrors as refused:
            db.session.rollback()
            put_errors_on_form(form, refused)
        else:
            target = url_for("shell.home")
            if not current_user.is_authenticated:
                target = _finish_sign_in(user)
            db.session.commit()
            session[SHOWN_CODES] = {"codes": codes, "next": target}
            return redirect(url_for("accounts.recovery_codes"))
    assert user.totp_secret is not None
    uri = two_factor.provisioning_uri(user, user.totp_secret)
    return render_template(
        "accounts/two_factor_enrol.html",
        form=form,
        user=user,
        secret=user.totp_secret,
        qr=two_factor.qr_svg(uri),
        required=two_factor.is_required(user),
    )


@bp.route("/account/two-factor/recovery-codes")
@login_required
def recovery_codes() -> ResponseReturnValue:
    """The recovery codes just made, shown once: a reload shows them no more."""
    shown = session.pop(SHOWN_CODES, None)
    if not shown:
        return redirect(url_for("accounts.two_factor"))
    return render_template(
        "accounts/recovery_codes.html", codes=shown["codes"], next_url=shown["next"]
    )


@bp.route("/account/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@login_required
def two_factor_settings() -> ResponseReturnValue:
    if not two_factor.may_enable(current_user):
        abort(404)
    form = SecondFactorForm()
    action = request.form.get("action")
    if request.method == "POST" and form.validate_on_submit():
        try:
            accepted = two_factor.check_second_factor(current_user, form.code.data)
        except AccountLocked:
            db.session.commit()
            form.code.errors = [_("Too many wrong codes; try again later.")]
        else:
            if not accepted:
                db.session.commit()
                form.code.errors = [_("That code is not right, or it was used already.")]
            elif action == "off" and not two_factor.is_required(current_user):
                two_factor.turn_off(current_user)
                db.session.commit()
                flash(_("Two-factor sign-in is off."), "success")
                return redirect(url_for("accounts.two_factor"))
            elif action == "codes":
                codes = two_factor.new_recovery_codes(current_user)
                db.session.commit()
                session[SHOWN_CODES] = {"codes": codes, "next": url_for("accounts.two_factor")}
                return redirect(url_for("accounts.recovery_codes"))
            else:
                db.session.rollback()
                abort(400)
    return render_template(
        "accounts/two_factor.html",
        form=form,
        enabled=two_factor.is_enabled(current_user),
        required=two_factor.is_required(current_user),
        codes_left=two_factor.recovery_codes_left(current_user),
    )


@bp.route("/admin/users/<int:user_id>/two-factor/reset", methods=["POST"])
@roles_required("admin")
def reset_two_factor(user_id: int) -> ResponseReturnValue:
    """For someone who lost their phone: their app and recovery codes stop working; one who
    must use a second factor sets a new one up at their next sign-in."""
    user = services.get_user(user_id)
    if user is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        two_factor.turn_off(user)
        services.end_sessions(user)
        db.session.commit()
        flash(_("Two-factor sign-in of %(name)s is reset.", name=user.name), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))
