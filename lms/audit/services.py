"""The audit trail: recording what people changed, and reading it back for admins.

Every area records its sensitive changes through ``record``, in the same transaction as
the change itself: a change that is rolled back leaves no event, and an event never exists
without its change. The log is append-only; nothing here updates or deletes an event.

The message is a msgid (marked with ``N_`` where it is written) and its parameters, so
each reader reads the line in their own language. ``before`` and ``after`` are JSON
values; secrets (passwords, their hashes, second-factor secrets) are refused outright.

Other areas' services import this module, and the admin page reads people's names from
``accounts``: so ``accounts`` (and ``records``, for value labels) are imported where they
are used, not at the top, which would make the two modules import each other.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import LazyString, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from lms.audit.models import AuditEvent
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import N_, from_local

__all__ = [
    "ACTIONS",
    "AuditEvent",
    "AuditFilter",
    "AuditLine",
    "Change",
    "N_",
    "action_label",
    "changes_of",
    "events_page",
    "export_table",
    "lines_of",
    "record",
]


# The actions the log knows, in the order the filter lists them.
ACTIONS: dict[str, LazyString] = {
    "accounts.roles_changed": _l("Roles changed"),
    "accounts.password_reset": _l("Password reset"),
    "accounts.users_imported": _l("People imported"),
    "exams.questions_imported": _l("Questions imported"),
    "career.kpis_imported": _l("KPI figures imported"),
    "exams.grade_overridden": _l("Answer marked by hand"),
    "exams.regraded": _l("Attempt regraded"),
    "exams.certificate_revoked": _l("Certificate revoked"),
    "career.rule_changed": _l("Promotion rule changed"),
    "career.promotion_decided": _l("Promotion decision"),
    "records.record_corrected": _l("Training record corrected"),
}

# Keys that must never reach the log, whoever writes it.
SECRET_KEYS = frozenset(
    {"password", "password_hash", "new_password", "temporary_password", "totp_secret", "secret"}
)


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


# --- writing ------------------------------------------------------------------------------------


def json_ready(value: Any) -> Any:
    """``value`` as JSON: dates as ISO text, decimals as text (exact), enums as their values,
    sets as sorted lists. Anything else not JSON is a mistake of the caller."""
    if isinstance(value, enum.Enum):  # before str: our enums are str enums
        return json_ready(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(json_ready(v) for v in value)
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    raise TypeError(f"{type(value).__name__} cannot go into the audit log")


def _refuse_secrets(values: Mapping[str, Any] | None) -> None:
    for key, value in (values or {}).items():
        if key.lower() in SECRET_KEYS:
            raise ValueError(f"{key!r} is a secret and never goes into the audit log")
        if isinstance(value, Mapping):
            _refuse_secrets(value)


def _client_address() -> str | None:
    # Where the change came from, when it came through the web; a CLI command has none.
    # Read here rather than passed by every service, which never see the request.
    if has_request_context():
        return (request.remote_addr or "")[:45] or None
    return None


def record(
    action: str,
    *,
    actor_id: int | None,
    subject_type: str,
    subject_id: int | None,
    subject_user_id: int | None = None,
    message: str,
    params: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Add an event to the log, in the caller's transaction (flushed, not committed).

    ``actor_id`` is None for the system or a CLI command; ``message`` a msgid marked with
    ``N_`` and ``params`` its placeholders; ``before`` and ``after`` the values that changed.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    _refuse_secrets(before)
    _refuse_secrets(after)
    event = AuditEvent(
        occurred_at=now or utcnow(),
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_user_id=subject_user_id,
        message=message,
        params=json_ready(dict(params or {})),
        before=json_ready(dict(before)) if before is not None else None,
        after=json_ready(dict(after)) if after is not None else None,
        ip=_client_address(),
    )
    db.session.add(event)
    db.session.flush()
    return event


# --- reading back -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """What the admin narrows the log to; every part optional. Dates are local days."""

    action: str | None = None
    actor: str = ""  # employee number, name or pinyin of who did it
    subject: str = ""  # ... of the person it concerns
    date_from: date | None = None
    date_to: date | None = None


def _select(where: AuditFilter) -> sa.Select[tuple[AuditEvent]]:
    from lms.accounts import services as accounts

    stmt = sa.select(AuditEvent)
    if where.action:
        stmt = stmt.where(AuditEvent.action == where.action)
    if where.actor.strip():
        stmt = stmt.where(AuditEvent.actor_id.in_(accounts.user_ids_matching(where.actor)))
    if where.subject.strip():
        stmt = stmt.where(AuditEvent.subject_user_id.in_(accounts.user_ids_matching(where.subject)))
    if where.date_from is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= _start_of(where.date_from))
    if where.date_to is not None:
        stmt = stmt.where(AuditEvent.occurred_at < _start_of(where.date_to + timedelta(days=1)))
    return stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def _start_of(day: date) -> datetime:
    moment = from_local(datetime.combine(day, time.min))
    assert moment is not None
    return moment


def events_page(where: AuditFilter, page: int = 1, per_page: int = 50) -> Pagination:
    """A page of the events ``where`` names, newest first."""
    return db.paginate(
        _select(where), page=max(page, 1), per_page=per_page, error_out=False, count=True
    )


@dataclass(frozen=True)
class Change:
    """One line of an event's before → after table, in words."""

    field: str
    before: str
    after: str
    changed: bool


@dataclass(frozen=True)
class AuditLine:
    """An event as the admin page and the export show it."""

    event: AuditEvent
    action: str
    text: str
    actor: str  # "周明远 (A0001)", or "System"
    actor_no: str
    actor_name: str
    subject_person: str  # the person it concerns, or ""
    subject_no: str
    subject_name: str
    subject: str  # "Certificate 12"
    changes: list[Change]


# How each field of before/after is named on the page (unknown fields show their key).
FIELD_LABELS: dict[str, LazyString] = {
    "roles": _l("Roles"),
    "level": _l("Level"),
    "level_since": _l("Level since"),
    "must_change_password": _l("Must choose a new password"),
    "filename": _l("File"),
    "format": _l("Format"),
    "users_created": _l("People created"),
    "departments_created": _l("Departments created"),
    "questions": _l("Questions"),
    "by_type": _l("By type"),
    "categories": _l("Categories"),
    "rows": _l("Rows"),
    "agents": _l("Agents"),
    "months": _l("Months"),
    "values_written": _l("Figures written"),
    "values_replaced": _l("Figures replaced"),
    "values_removed": _l("Figures removed"),
    "exam": _l("Exam"),
    "attempt": _l("Attempt"),
    "question": _l("Question"),
    "question_version": _l("Question version"),
    "mark": _l("Mark"),
    "comment": _l("Comment"),
    "percent": _l("Score (%)"),
    "passed": _l("Passed"),
    "serial": _l("Serial number"),
    "status": _l("Status"),
    "reason": _l("Reason"),
    "from_level": _l("From level"),
    "to_level": _l("To level"),
    "version": _l("Version"),
    "effective_from": _l("In force from"),
    "conditions": _l("Conditions"),
    "note": _l("Note"),
    "outcome": _l("Decision"),
    "rule_version_id": _l("Rule version (id)"),
    "rule_version": _l("Rule version"),
    "eligible": _l("All conditions met"),
    "conditions_short": _l("Conditions not met"),
    "title": _l("Title"),
    "occurred_on": _l("Date"),
    "minutes": _l("Minutes"),
    "credit_hours": _l("Declared hours (学时)"),
    "category": _l("Category"),
    "attendance": _l("Attendance"),
    "result": _l("Result"),
}

SUBJECT_LABELS: dict[str, LazyString] = {
    "user": _l("Person"),
    "user_import": _l("People import"),
    "question_import": _l("Question import"),
    "kpi_import": _l("KPI import"),
    "answer": _l("Answer"),
    "attempt": _l("Attempt"),
    "certificate": _l("Certificate"),
    "promotion_rule": _l("Promotion rule"),
    "promotion_decision": _l("Promotion decision"),
    "participation_record": _l("Training record"),
}

OUTCOMES = {"promote": _l("Promote"), "defer": _l("Defer")}
STATUSES = {"valid": _l("Valid"), "revoked": _l("Revoked")}


def _value_text(field: str, value: Any) -> str:
    """A stored value in words: codes by their labels, booleans as yes / no."""
    from lms.accounts import services as accounts
    from lms.records import services as records

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in ("level", "from_level", "to_level") and value in accounts.Level._value2member_map_:
        return accounts.Level(value).label
    if field == "roles" and isinstance(value, list):
        return ", ".join(
            accounts.Role(v).label if v in accounts.Role._value2member_map_ else str(v)
            for v in value
        )
    if field == "outcome":
        return str(OUTCOMES.get(value, value))
    if field == "status":
        return str(STATUSES.get(value, value))
    if field == "category":
        return records.category_label(value)
    if field == "attendance":
        return records.attendance_label(value)
    if field == "result":
        return records.result_label(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def changes_of(event: AuditEvent) -> list[Change]:
    """The before → after table of ``event``: every field of either side, in the order
    written (the fields of ``before`` first), each in words."""
    before, after = event.before or {}, event.after or {}
    fields = list(before) + [k for k in after if k not in before]
    return [
        Change(
            str(FIELD_LABELS.get(name, name)),
            _value_text(name, before.get(name)) if event.before is not None else "—",
            _value_text(name, after.get(name)) if event.after is not None else "—",
            before.get(name) != after.get(name),
        )
        for name in fields
    ]


def _text_of(event: AuditEvent) -> str:
    try:
        return _(event.message, **(event.params or {}))
    except (KeyError, ValueError, TypeError):  # a msgid whose placeholders changed since
        return event.message


def lines_of(events: Iterable[AuditEvent]) -> list[AuditLine]:
    """``events`` in words for the current reader, people named; one query for the people."""
    from lms.accounts import services as accounts

    events = list(events)
    ids = {e.actor_id for e in events} | {e.subject_user_id for e in events}
    people = {u.id: u for u in accounts.users_by_id(i for i in ids if i is not None)}
    lines = []
    for event in events:
        actor = people.get(event.actor_id) if event.actor_id is not None else None
        person = people.get(event.subject_user_id) if event.subject_user_id is not None else None
        subject = str(SUBJECT_LABELS.get(event.subject_type, event.subject_type))
        lines.append(
            AuditLine(
                event=event,
                action=action_label(event.action),
                text=_text_of(event),
                actor=f"{actor.name} ({actor.employee_no})" if actor else _("System"),
                actor_no=actor.employee_no if actor else "",
                actor_name=actor.name if actor else _("System"),
                subject_person=f"{person.name} ({person.employee_no})" if person else "",
                subject_no=person.employee_no if person else "",
                subject_name=person.name if person else "",
                subject=f"{subject} {event.subject_id}" if event.subject_id else subject,
                changes=changes_of(event),
            )
        )
    return lines


def _changes_text(changes: list[Change], side: str) -> str:
    return "; ".join(f"{c.field}: {getattr(c, side)}" for c in changes)


def export_table(where: AuditFilter) -> tuple[list[str], list[list[Any]]]:
    """Every event ``where`` names (not only a page), newest first, as the export's rows."""
    headers = [
        _("No."),
        _("When"),
        _("Employee no. (who)"),
        _("Who"),
        _("Action"),
        _("What"),
        _("Employee no. (concerning)"),
        _("Concerning"),
        _("Subject"),
        _("Before"),
        _("After"),
        _("Address"),
    ]
    events = db.session.scalars(_select(where)).all()
    rows: list[list[Any]] = []
    for start in range(0, len(events), 500):  # people's names looked up 500 events at a time
        rows += _export_rows(list(events[start : start + 500]))
    return headers, rows


def _export_rows(events: list[AuditEvent]) -> list[list[Any]]:
    return [
        [
            line.event.id,
            format_datetime(line.event.occurred_at, "yyyy-MM-dd HH:mm:ss"),
            line.actor_no,
            line.actor_name,
            line.action,
            line.text,
            line.subject_no,
            line.subject_name,
            line.subject,
            _changes_text(line.changes, "before"),
            _changes_text(line.changes, "after"),
            line.event.ip or "",
        ]
        for line in lines_of(events)
    ]
