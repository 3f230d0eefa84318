"""External training: entered by HR with its evidence, reaching the ledger only when a
second HR person approves it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.database import utcnow
from lms.extensions import db
from lms.records.errors import DecisionRefused, FieldErrors
from lms.records.models import (
    ExternalStatus,
    ExternalTraining,
    ParticipationKind,
    ParticipationRecord,
    TrainingMethod,
)
from lms.records.services.ledger import (
    is_tenths,
    record_participation,
)

# --- external training ---------------------------------------------------------------------------

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# Told apart by their first bytes: a name or a browser's content type says nothing reliable.
EVIDENCE_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def evidence_type(content: bytes) -> str | None:
    """The MIME type of a PDF, PNG or JPEG file judged by its content, else None."""
    for signature, mime_type in EVIDENCE_SIGNATURES:
        if content.startswith(signature):
            return mime_type
    return None


@dataclass(frozen=True)
class ExternalEntry:
    """What HR enters for an external training."""

    employee_no: str
    title: str
    provider: str
    occurred_on: date | None
    evidence_name: str
    evidence: bytes
    category: str | None = None
    minutes: int | None = None
    credit_hours: Decimal | None = None
    result: str | None = None


def enter_external_training(
    entry: ExternalEntry, by_id: int, today: date | None = None, now: datetime | None = None
) -> ExternalTraining:
    """Record an external training, pending until another HR person approves it."""
    today = today or date.today()
    problems = []
    person = accounts.find_user_by_employee_no(entry.employee_no) if entry.employee_no else None
    if person is None:
        problems.append(("employee_no", _("No one has this employee number.")))
    if not entry.title.strip():
        problems.append(("title", _("Enter the title.")))
    if not entry.provider.strip():
        problems.append(("provider", _("Enter who provided the training.")))
    if entry.occurred_on is None:
        problems.append(("occurred_on", _("Enter the date.")))
    elif entry.occurred_on > today:
        problems.append(("occurred_on", _("The date cannot be in the future.")))
    if entry.minutes is None and entry.credit_hours is None:
        problems.append(("minutes", _("Enter the minutes or the declared hours (学时).")))
    if entry.minutes is not None and not 1 <= entry.minutes <= 1440:
        problems.append(("minutes", _("Use between 1 and 1440 minutes.")))
    if entry.credit_hours is not None and not (
        0 < entry.credit_hours <= 99 and is_tenths(entry.credit_hours)
    ):
        problems.append(("credit_hours", _("Use between 0.1 and 99 hours, in tenths.")))
    mime_type = evidence_type(entry.evidence)
    if not entry.evidence:
        problems.append(("evidence", _("Attach the certificate or attendance proof.")))
    elif len(entry.evidence) > MAX_EVIDENCE_BYTES:
        problems.append(("evidence", _("The file is larger than 5 MB.")))
    elif mime_type is None:
        problems.append(("evidence", _("The file is not a PDF, PNG or JPEG.")))
    if problems:
        raise FieldErrors(problems)
    assert person is not None and entry.occurred_on is not None and mime_type is not None
    training = ExternalTraining(
        user_id=person.id,
        title=entry.title.strip()[:200],
        provider=entry.provider.strip()[:200],
        category=(entry.category or "").strip()[:50] or None,
        occurred_on=entry.occurred_on,
        minutes=entry.minutes,
        credit_hours=entry.credit_hours,
        result=(entry.result or "").strip()[:100] or None,
        evidence_name=Path(entry.evidence_name or "evidence").name[:200],
        evidence_type=mime_type,
        evidence_size=len(entry.evidence),
        evidence=entry.evidence,
        status=ExternalStatus.PENDING,
        entered_by_id=by_id,
        entered_at=now or utcnow(),
    )
    db.session.add(training)
    db.session.flush()
    return training


def get_external(training_id: int) -> ExternalTraining | None:
    return db.session.get(ExternalTraining, training_id)


def _decide(training: ExternalTraining, status: ExternalStatus, by_id: int, now: datetime) -> None:
    # One guarded UPDATE: two HR people deciding at once give one decision.
    done = db.session.execute(
        sa.update(ExternalTraining)
        .where(
            ExternalTraining.id == training.id, ExternalTraining.status == ExternalStatus.PENDING
        )
        .values(status=status, decided_by_id=by_id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise DecisionRefused(_("This external training has already been decided."))
    db.session.refresh(training)


def approve_external(
    training: ExternalTraining, by_id: int, now: datetime | None = None
) -> ParticipationRecord:
    """A second HR person confirms the evidence: the training enters the ledger."""
    if training.entered_by_id == by_id:
        raise DecisionRefused(
            _("Another HR colleague must approve it: you entered this training yourself.")
        )
    _decide(training, ExternalStatus.APPROVED, by_id, now or utcnow())
    record = record_participation(
        user_id=training.user_id,
        kind=ParticipationKind.EXTERNAL,
        source_key=f"external:{training.id}",
        title=training.title,
        occurred_on=training.occurred_on,
        method=TrainingMethod.EXTERNAL,
        category=training.category,
        minutes=training.minutes,
        credit_hours=training.credit_hours,
        result=training.result,
        trainer=training.provider[:100],
    )
    training.record_id = record.id
    db.session.flush()
    return record


def reject_external(
    training: ExternalTraining, reason: str, by_id: int, now: datetime | None = None
) -> None:
    """Refuse an external training with the reason; nothing enters the ledger. The person who
    entered it may reject it too (to withdraw a mistaken entry)."""
    reason = " ".join(reason.split())
    if not reason:
        raise FieldErrors([("reason", _("Say why it is rejected."))])
    if len(reason) > 300:
        raise FieldErrors([("reason", _("Use at most 300 characters."))])
    _decide(training, ExternalStatus.REJECTED, by_id, now or utcnow())
    training.rejection_reason = reason
    db.session.flush()


@dataclass(frozen=True)
class ExternalLine:
    training: ExternalTraining
    employee_no: str
    name: str
    entered_by: str
    decided_by: str


def _external_lines(trainings: Sequence[ExternalTraining]) -> list[ExternalLine]:
    ids = {t.user_id for t in trainings} | {t.entered_by_id for t in trainings}
    ids |= {t.decided_by_id for t in trainings if t.decided_by_id}
    people = {u.id: u for u in accounts.users_by_id(ids)}

    def name(user_id: int | None) -> str:
        return people[user_id].name if user_id in people else ""

    return [
        ExternalLine(
            t,
            people[t.user_id].employee_no if t.user_id in people else "",
            name(t.user_id),
            name(t.entered_by_id),
            name(t.decided_by_id),
        )
        for t in trainings
    ]


def pending_external() -> list[ExternalLine]:
    """External training waiting for a second HR person, oldest first."""
    return _external_lines(
        list(
            db.session.scalars(
                sa.select(ExternalTraining)
                .where(ExternalTraining.status == ExternalStatus.PENDING)
                .order_by(ExternalTraining.entered_at, ExternalTraining.id)
            )
        )
    )


def decided_external(limit: int = 50) -> list[ExternalLine]:
    """The latest decisions, newest first."""
    return _external_lines(
        list(
            db.session.scalars(
                sa.select(ExternalTraining)
                .where(ExternalTraining.status != ExternalStatus.PENDING)
                .order_by(ExternalTraining.decided_at.desc(), ExternalTraining.id.desc())
                .limit(limit)
            )
        )
    )


def external_line(training: ExternalTraining) -> ExternalLine:
    return _external_lines([training])[0]


def external_of(user_id: int) -> list[ExternalTraining]:
    """A person's external training, whatever its state, newest first."""
    return list(
        db.session.scalars(
            sa.select(ExternalTraining)
            .where(ExternalTraining.user_id == user_id)
            .order_by(ExternalTraining.occurred_on.desc(), ExternalTraining.id.desc())
        )
    )


def may_see_evidence(training: ExternalTraining, viewer: accounts.User) -> bool:
    """HR, and the person the training belongs to; nobody else."""
    return training.user_id == viewer.id or viewer.has_any_role("hr")
