"""Home (the agent's dashboard), language switch and health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, refresh
from flask_login import current_user, login_required

from lms.accounts import services as accounts
from lms.extensions import db
from lms.i18n import DEFAULT_LOCALE, LOCALES, SESSION_KEY
from lms.navigation import links_for
from lms.shell import services
from lms.shell.forms import LanguageForm
from lms.web import safe_next_url

bp = Blueprint("shell", __name__, template_folder="templates")


@bp.route("/")
@login_required
def home() -> ResponseReturnValue:
    return render_template(
        "shell/home.html",
        home=services.home_page(current_user, str(get_locale() or DEFAULT_LOCALE)),
        cards=[link for link in links_for(current_user) if link.description],
    )


@bp.route("/language", methods=["POST"])
def set_language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in LOCALES:
        session[SESSION_KEY] = form.locale.data
        if current_user.is_authenticated:
            accounts.set_locale(current_user, form.locale.data)
            db.session.commit()
        refresh()
    return redirect(safe_next_url(form.next.data, url_for("shell.home")))


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
