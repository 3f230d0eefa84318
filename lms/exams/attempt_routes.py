"""Taking exams: the list, the start page, the attempt with its autosave API, the submit
page, the result, the certificate PDF, and the public verification page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.database import utcnow
from lms.exams.errors import AttemptClosed, DeadlinePassed, NoSuchAttempt, NotAvailable
from lms.exams.models import Attempt, AttemptState
from lms.exams.services import attempts, certificates, results
from lms.extensions import db
from lms.forms import ConfirmForm
from lms.navigation import NavEntry, register
from lms.ratelimit import rate_limited
from lms.web import download, takes_json

bp = Blueprint("attempts", __name__, template_folder="templates")

register(
    NavEntry(
        "attempts.exams",
        _l("Exams"),
        "bi-patch-check",
        order=30,
        description=_l("Certification exams: start, resume, see results and certificates."),
    )
)


@bp.app_template_global()
def attempt_labels() -> dict[str, str]:
    """The words around every question of an attempt, translated once per page, not once
    per question (a paper has fifty)."""
    return {
        "choose_all": _("Choose all that apply"),
        "true": _("True"),
        "false": _("False"),
        "your_answer": _("Your answer"),
        "choose": _("Choose…"),
        "ordering": _("Give each step its place, 1 first."),
        "flag": _("Flag for review"),
    }


def _attempt_or_404(attempt_id: int) -> Attempt:
    attempt = attempts.attempt_for(attempt_id, current_user.id)
    if attempt is None:
        abort(404)
    return attempt


@bp.route("/exams")
@login_required
def exams() -> ResponseReturnValue:
    return render_template("exams/exams.html", rows=results.exams_for(current_user))


@bp.route("/exams/<int:exam_id>")
@login_required
def exam(exam_id: int) -> ResponseReturnValue:
    exam = results.get_exam(exam_id)
    if exam is None:
        abort(404)
    return render_template(
        "exams/start.html",
        exam=exam,
        summary=results.exam_summary(exam, current_user),
        form=ConfirmForm(),
    )


@bp.route("/exams/<int:exam_id>/start", methods=["POST"])
@login_required
def start(exam_id: int) -> ResponseReturnValue:
    exam = results.get_exam(exam_id)
    if exam is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    language = "en" if str(get_locale()).startswith("en") else "zh"
    try:
        attempt = attempts.start_attempt(exam, current_user, language=language)
    except NotAvailable as refusal:
        db.session.rollback()
        return render_template(
            "exams/start.html",
            exam=exam,
            summary=results.exam_summary(exam, current_user),
            form=ConfirmForm(),
            refusal=refusal.message,
        ), 409
    attempt_id = attempt.id  # read before the commit expires it, saving a reload
    db.session.commit()
    return redirect(url_for("attempts.attempt", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int) -> ResponseReturnValue:
    attempt = _attempt_or_404(attempt_id)
    if attempts.finish_if_overdue(attempt):
        db.session.commit()
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect(url_for("attempts.result", attempt_id=attempt.id))
    return render_template(
        "exams/attempt.html",
        attempt=attempt,
        exam=results.get_exam(attempt.exam_id),
        questions=attempts.present(attempt),
        form=ConfirmForm(),
    )


def _parse_saves(body: Any) -> tuple[list[attempts.AnswerSave], dict[int, bool]]:
    if not isinstance(body, dict):
        raise ValueError("not an object")
    saves = [
        attempts.AnswerSave(
            position=int(item["position"]),
            revision=int(item["revision"]),
            response=item.get("response"),
            token=str(item["token"]),
        )
        for item in body.get("saves") or []
    ]
    flags = {int(k): bool(v) for k, v in (body.get("flags") or {}).items()}
    return saves, flags


@bp.route("/attempts/<int:attempt_id>/answers", methods=["POST"])
@takes_json
@login_required
def save(attempt_id: int) -> ResponseReturnValue:
    """Autosave: the reply is sent only after the commit, so "saved" means on disk."""
    try:
        saves, flags = _parse_saves(request.get_json(silent=True))
        receipt = attempts.save_answers(attempt_id, current_user.id, saves, flags)
    except NoSuchAttempt:  # its guarded UPDATE matched nothing: nothing to undo
        abort(404)
    except (KeyError, TypeError, ValueError):
        db.session.rollback()
        return jsonify(error="invalid", message=_("The answer could not be read.")), 400
    except AttemptClosed as refusal:
        db.session.commit()  # an expiry found on the way is kept
        return jsonify(
            error="deadline" if isinstance(refusal, DeadlinePassed) else "closed",
            message=refusal.message,
            result_url=url_for("attempts.result", attempt_id=attempt_id),
        ), 409
    db.session.commit()
    return jsonify(
        results=[
            {
                "position": r.position,
                "status": r.status,
                "revision": r.revision,
                "response": r.response,
            }
            for r in receipt.results
        ],
        deadline=receipt.deadline.isoformat() if receipt.deadline else None,
    )


@bp.route("/attempts/<int:attempt_id>/status")
@login_required
def status(attempt_id: int) -> ResponseReturnValue:
    """The heartbeat: the server's clock and deadline, and whether the attempt still runs."""
    attempt = _attempt_or_404(attempt_id)
    if attempts.finish_if_overdue(attempt):
        db.session.commit()
    return jsonify(
        state=attempt.state.value,
        deadline=attempt.deadline_at.isoformat() if attempt.deadline_at else None,
        server_time=utcnow().isoformat(),
        result_url=url_for("attempts.result", attempt_id=attempt.id),
    )


@bp.route("/attempts/<int:attempt_id>/submit", methods=["GET", "POST"])
@login_required
def submit(attempt_id: int) -> ResponseReturnValue:
    attempt = _attempt_or_404(attempt_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        attempts.submit_attempt(attempt, current_user.id)
        db.session.commit()
        return redirect(url_for("attempts.result", attempt_id=attempt.id))
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect(url_for("attempts.result", attempt_id=attempt.id))
    return render_template(
        "exams/submit.html",
        attempt=attempt,
        exam=results.get_exam(attempt.exam_id),
        questions=attempts.present(attempt),
        form=form,
    )


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int) -> ResponseReturnValue:
    attempt = _attempt_or_404(attempt_id)
    if attempts.finish_if_overdue(attempt):
        db.session.commit()
    if attempt.state == AttemptState.IN_PROGRESS:
        return redirect(url_for("attempts.attempt", attempt_id=attempt.id))
    return render_template("exams/result.html", review=results.review_of(attempt))


@bp.route("/certificates/<serial>.pdf")
@login_required
def certificate_pdf(serial: str) -> ResponseReturnValue:
    certificate = certificates.get_certificate(serial)
    if certificate is None or (
        certificate.user_id != current_user.id and not current_user.has_any_role("hr", "trainer")
    ):
        abort(404)
    pdf = certificates.certificate_pdf(
        certificate, url_for("attempts.verify", serial=certificate.serial, _external=True)
    )
    return download(pdf, f"合格证书-{certificate.serial}.pdf", "application/pdf")


@bp.route("/verify/<serial>")
@rate_limited("verify", "30/60")
def verify(serial: str) -> ResponseReturnValue:
    """Public: anyone holding the paper can check it, without signing in."""
    check = certificates.verify(serial[:40])
    return render_template("exams/verify.html", check=check, serial=serial[:40]), (
        200 if check else 404
    )
