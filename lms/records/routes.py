"""The learner's own training record (培训记录)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.navigation import NavEntry, register
from lms.records import services

bp = Blueprint("records", __name__, template_folder="templates")

register(
    NavEntry(
        "records.my_record",
        _l("Training record"),
        "bi-card-checklist",
        order=30,
        description=_l("Everything you took part in, with its hours (学时)."),
    )
)


@bp.route("/my/record")
@login_required
def my_record() -> ResponseReturnValue:
    return render_template(
        "records/my_record.html", record=services.training_record(current_user.id)
    )
