"""HR's corrections of ledger lines: each change kept with who, when and why; corrected
fields are pinned against the source writing the record again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.audit import services as audit
from lms.database import utcnow
from lms.extensions import db
from lms.records.errors import FieldErrors
from lms.records.hours import (
    TENTH,
)
from lms.records.models import (
    ParticipationRecord,
    RecordCorrection,
)
from lms.records.services.ledger import (
    attendance_label,
    category_label,
    is_tenths,
    result_label,
)

# --- corrections ---------------------------------------------------------------------------------

CORRECTABLE = (
    "title",
    "occurred_on",
    "minutes",
    "credit_hours",
    "category",
    "attendance",
    "result",
)


@dataclass(frozen=True)
class RecordValues:
    """The fields of a ledger line HR may correct, as they should be."""

    title: str
    occurred_on: date
    minutes: int | None
    credit_hours: Decimal | None
    category: str | None
    attendance: str | None
    result: str | None

    @classmethod
    def of(cls, record: ParticipationRecord) -> RecordValues:
        return cls(**{name: getattr(record, name) for name in CORRECTABLE})


def _as_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(TENTH))
    return str(value)


def correct_record(
    record: ParticipationRecord,
    values: RecordValues,
    reason: str,
    by_id: int,
    now: datetime | None = None,
) -> list[RecordCorrection]:
    """Change what differs between ``record`` and ``values``, one RecordCorrection per field,
    all with the same reason. Corrected fields are pinned against the source writing again."""
    reason = " ".join(reason.split())
    problems = []
    if not reason:
        problems.append(("reason", _("Say why the record is corrected.")))
    elif len(reason) > 300:
        problems.append(("reason", _("Use at most 300 characters.")))
    title = values.title.strip()
    if not title:
        problems.append(("title", _("Enter the title.")))
    if values.minutes is not None and not 0 <= values.minutes <= 1440:
        problems.append(("minutes", _("Use between 0 and 1440 minutes.")))
    if values.credit_hours is not None and not (
        0 <= values.credit_hours <= 99 and is_tenths(values.credit_hours)
    ):
        problems.append(("credit_hours", _("Use between 0 and 99 hours, in tenths.")))
    if problems:
        raise FieldErrors(problems)
    wanted = {
        **{name: getattr(values, name) for name in CORRECTABLE},
        "title": title[:200],
        "category": (values.category or "").strip()[:50] or None,
        "attendance": (values.attendance or "").strip()[:20] or None,
        "result": (values.result or "").strip()[:100] or None,
    }
    now = now or utcnow()
    corrections = []
    for name in CORRECTABLE:
        old, new = _as_text(getattr(record, name)), _as_text(wanted[name])
        if old == new:
            continue
        setattr(record, name, wanted[name])
        corrections.append(
            RecordCorrection(
                record_id=record.id,
                field=name,
                old_value=old,
                new_value=new,
                reason=reason,
                corrected_by_id=by_id,
                corrected_at=now,
            )
        )
    if not corrections:
        raise FieldErrors([("__all__", _("Nothing was changed."))])
    db.session.add_all(corrections)
    db.session.flush()
    audit.record(
        "records.record_corrected",
        actor_id=by_id,
        subject_type="participation_record",
        subject_id=record.id,
        subject_user_id=record.user_id,
        message=audit.N_("Corrected the training record “%(title)s”: %(reason)s"),
        params={"title": record.title, "reason": reason},
        before={c.field: c.old_value for c in corrections},
        after={c.field: c.new_value for c in corrections},
        now=now,
    )
    return corrections


@dataclass(frozen=True)
class CorrectionLine:
    correction: RecordCorrection
    field_label: str
    was: str  # the old and new values in words, codes shown by their labels
    now: str
    by: str


def _value_label(field: str, value: str | None) -> str:
    if value is None:
        return "—"
    shown = {"category": category_label, "attendance": attendance_label, "result": result_label}
    return shown[field](value) if field in shown else value


def field_labels() -> dict[str, str]:
    return {
        "title": _("Title"),
        "occurred_on": _("Date"),
        "minutes": _("Minutes"),
        "credit_hours": _("Declared hours (学时)"),
        "category": _("Category"),
        "attendance": _("Attendance"),
        "result": _("Result"),
    }


def corrections_of(record_id: int) -> list[CorrectionLine]:
    """A record's correction history, newest first."""
    rows = list(
        db.session.scalars(
            sa.select(RecordCorrection)
            .where(RecordCorrection.record_id == record_id)
            .order_by(RecordCorrection.corrected_at.desc(), RecordCorrection.id.desc())
        )
    )
    people = {u.id: u for u in accounts.users_by_id({c.corrected_by_id for c in rows})}
    labels = field_labels()
    return [
        CorrectionLine(
            c,
            labels.get(c.field, c.field),
            _value_label(c.field, c.old_value),
            _value_label(c.field, c.new_value),
            f"{people[c.corrected_by_id].name} ({people[c.corrected_by_id].employee_no})"
            if c.corrected_by_id in people
            else "",
        )
        for c in rows
    ]
