"""The bell: a person's notifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.extensions import db
from lms.forms import ConfirmForm
from lms.navigation import NavEntry, register
from lms.notifications import services as notifications

bp = Blueprint("notifications", __name__, template_folder="templates")

# Reached from the bell in the top bar, so not repeated in the menu.
register(
    NavEntry(
        "notifications.index",
        _l("Notifications"),
        "bi-bell",
        order=90,
        description=_l("Reminders and news for you."),
        in_menu=False,
    )
)


@bp.app_context_processor
def _bell() -> dict[str, Callable[[], int]]:
    """``unread_notifications()`` for the top bar: counted only where a template asks."""

    def unread() -> int:
        if not current_user.is_authenticated:
            return 0
        return notifications.unread_count(current_user.id)

    return {"unread_notifications": unread}


@bp.route("/notifications")
@login_required
def index() -> ResponseReturnValue:
    items = notifications.list_for(current_user.id)
    return render_template(
        "notifications/index.html",
        items=[(n, notifications.text_of(n)) for n in items],
        has_unread=any(n.read_at is None for n in items),
        form=ConfirmForm(),
    )


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id: int) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notification = notifications.mark_read(current_user.id, notification_id)
    if notification is None:
        abort(404)
    db.session.commit()
    return redirect(notifications.url_of(notification) or url_for("notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all() -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notifications.mark_all_read(current_user.id)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/unread-count")
@login_required
def unread_count() -> Any:
    return jsonify(unread=notifications.unread_count(current_user.id))
