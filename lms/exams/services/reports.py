"""What trainers and HR see of exams: the attempts table with its filters and exports,
and the item analysis of an exam's questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from lms.accounts import services as accounts
from lms.exams.models import Answer, Attempt, AttemptState, Exam, QuestionVersion
from lms.exams.services.analysis import ItemResponse, ItemStats, analyse_items
from lms.exams.services.grading import FINISHED
from lms.extensions import db


@dataclass(frozen=True)
class AttemptFilter:
    exam_id: int | None = None
    department_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    result: str | None = None  # "passed", "failed", "pending"


@dataclass(frozen=True)
class AttemptRow:
    attempt: Attempt
    exam_title: str
    employee_no: str
    name: str
    department: str


def _local_bound(day: date, end: bool) -> datetime:
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(), zone)
    return moment


def attempt_rows(criteria: AttemptFilter, limit: int | None = 500) -> list[AttemptRow]:
    """Finished attempts matching ``criteria``, newest first."""
    query = (
        sa.select(Attempt)
        .where(Attempt.state.in_(FINISHED))
        .order_by(Attempt.finished_at.desc(), Attempt.id.desc())
    )
    if criteria.exam_id:
        query = query.where(Attempt.exam_id == criteria.exam_id)
    if criteria.department_id:
        query = query.where(Attempt.user_id.in_(accounts.ids_in_department(criteria.department_id)))
    if criteria.date_from:
        query = query.where(Attempt.finished_at >= _local_bound(criteria.date_from, False))
    if criteria.date_to:
        query = query.where(Attempt.finished_at < _local_bound(criteria.date_to, True))
    if criteria.result == "passed":
        query = query.where(Attempt.is_passed.is_(True))
    elif criteria.result == "failed":
        query = query.where(Attempt.is_passed.is_(False))
    elif criteria.result == "pending":
        query = query.where(Attempt.state != AttemptState.GRADED)
    if limit:
        query = query.limit(limit)
    found = db.session.scalars(query).all()
    exams = {e.id: e for e in db.session.scalars(sa.select(Exam))}
    people = {u.id: u for u in accounts.users_by_id({a.user_id for a in found})}
    paths = accounts.department_paths()
    rows = []
    for attempt in found:
        person = people[attempt.user_id]
        rows.append(
            AttemptRow(
                attempt=attempt,
                exam_title=exams[attempt.exam_id].title,
                employee_no=person.employee_no,
                name=person.name,
                department=paths.get(person.department_id or 0, ""),
            )
        )
    return rows


def attempt_table(rows: list[AttemptRow]) -> list[list[object]]:
    """Rows for the CSV and XLSX exports, in the columns of ``staff_routes.EXPORT_HEADERS``."""
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    table = []
    for row in rows:
        a = row.attempt
        table.append(
            [
                row.employee_no,
                row.name,
                row.department,
                row.exam_title,
                a.number,
                a.started_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                a.finished_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if a.finished_at else "",
                float(a.percent) if a.percent is not None else None,
                "" if a.is_passed is None else ("通过" if a.is_passed else "未通过"),
                a.state.value,
            ]
        )
    return table


def _chosen(version: QuestionVersion, response: object) -> tuple[str, ...]:
    """The options a response picked, in the bank's own words, for the option counts."""
    payload = version.payload
    if version.type == "single_choice" and isinstance(response, int):
        return (payload["choices"][response]["text"],)
    if version.type == "multiple_choice" and isinstance(response, list):
        return tuple(payload["choices"][i]["text"] for i in response)
    if version.type == "true_false" and isinstance(response, bool):
        return (_("True") if response else _("False"),)
    return ()


@dataclass(frozen=True)
class ItemReport:
    stats: ItemStats
    name: str
    type: str


def item_analysis(exam: Exam) -> list[ItemReport]:
    """Facility, discrimination and option counts of every question ``exam`` has used."""
    rows = db.session.scalars(
        sa.select(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Attempt.exam_id == exam.id, Attempt.state == AttemptState.GRADED)
        .options(selectinload(Answer.version))
    ).all()
    responses = []
    names: dict[int, tuple[str, str]] = {}
    for answer in rows:
        if answer.max_mark <= 0:
            continue
        version = answer.version
        names.setdefault(answer.question_id, (version.name, version.type))
        responses.append(
            ItemResponse(
                attempt_id=answer.attempt_id,
                question_id=answer.question_id,
                fraction=answer.fraction if answer.response is not None else None,
                max_mark=answer.max_mark,
                chosen=_chosen(version, answer.response),
            )
        )
    return [ItemReport(stats, *names[stats.question_id]) for stats in analyse_items(responses)]


def pass_rate(rows: list[AttemptRow]) -> Decimal | None:
    graded = [r for r in rows if r.attempt.is_passed is not None]
    if not graded:
        return None
    return Decimal(100 * sum(1 for r in graded if r.attempt.is_passed) / len(graded)).quantize(
        Decimal("0.1")
    )
