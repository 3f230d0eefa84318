"""Attempts: starting one, saving answers so that none is ever lost, submitting, expiring.

The rules that keep answers safe (DESIGN.md, "Exams"):

- The deadline is fixed on the attempt at start and checked by the server on every
  save; ``EXAM_GRACE_SECONDS`` covers network delay. The page's timer only shows it.
- A save names the revision of the answer it replaces. A tab that has not seen the
  latest save is refused (``stale``) and told to reload; a save re-sent after its
  reply was lost carries the same token and is recognised as already saved.
- Every save first takes the attempt's row with a guarded UPDATE (``state =
  'in_progress'`` and within the deadline). A submit takes the same row, so a save
  and a submit of one attempt are serialised: a save is either committed before the
  submit reads the answers, or refused after it. Nothing is lost silently.
- A save is acknowledged only after the route has committed it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.database import utcnow
from lms.exams.errors import AttemptClosed, DeadlinePassed, NotAvailable
from lms.exams.models import Answer, Attempt, AttemptState, Exam, QuestionVersion
from lms.exams.question_types import Matching, question_type
from lms.exams.services import bank, grading
from lms.exams.services.grading import shown_payload
from lms.exams.services.papers import availability, deadline_for, draw_paper, personal_rules
from lms.extensions import db

MAX_TEXT = 20_000  # an essay's length; a short answer is cut far shorter


def grace() -> timedelta:
    return timedelta(seconds=current_app.config.get("EXAM_GRACE_SECONDS", 30))


def _layout(version: QuestionVersion, language: str, shuffle: bool, rng: random.Random) -> dict:
    payload = shown_payload(version, language)
    kind = version.type
    if kind in ("single_choice", "multiple_choice"):
        order = list(range(len(payload["choices"])))
        if shuffle and version.shuffle:
            rng.shuffle(order)
        return {"choices": order}
    if kind == "matching":
        offered = Matching.answers(payload)
        if shuffle:
            rng.shuffle(offered)
        else:
            offered.sort()
        return {"offered": offered}
    if kind == "ordering":
        order = list(range(len(payload["items"])))
        while len(order) > 1 and order == sorted(order):  # never shown already in order
            rng.shuffle(order)
        return {"items": order}
    return {}


def start_attempt(
    exam: Exam,
    user: Any,
    *,
    language: str = "zh",
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Attempt:
    """Begin an attempt, or return the one in progress (a second tab, a double click)."""
    now = now or utcnow()
    rng = rng or random.SystemRandom()
    allowed = availability(exam, user, now)
    if allowed.resume_attempt_id is not None:
        attempt = db.session.get(Attempt, allowed.resume_attempt_id)
        assert attempt is not None
        if not finish_if_overdue(attempt, now):
            return attempt
        allowed = availability(exam, user, now)
    if not allowed.can_start:
        raise NotAvailable(allowed.reason or "")
    number = (
        db.session.scalar(
            sa.select(sa.func.max(Attempt.number)).where(
                Attempt.exam_id == exam.id, Attempt.user_id == user.id
            )
        )
        or 0
    ) + 1
    paper = draw_paper(exam, user.id, rng)
    attempt = Attempt(
        exam_id=exam.id,
        user_id=user.id,
        number=number,
        state=AttemptState.IN_PROGRESS,
        language="en" if language == "en" else "zh",
        started_at=now,
        deadline_at=deadline_for(personal_rules(exam, user.id), now),
        max_marks=sum(q.mark for q in paper),
    )
    attempt.answers = [
        Answer(
            position=position,
            question_id=drawn.question_id,
            question_version_id=drawn.version.id,
            max_mark=drawn.mark,
            layout=_layout(drawn.version, attempt.language, exam.shuffle_options, rng),
        )
        for position, drawn in enumerate(paper, start=1)
    ]
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # the same start from another tab won the number
        existing = db.session.scalar(
            sa.select(Attempt).where(
                Attempt.exam_id == exam.id,
                Attempt.user_id == user.id,
                Attempt.state == AttemptState.IN_PROGRESS,
            )
        )
        if existing is None:
            raise
        return existing
    return attempt


def attempt_for(attempt_id: int, user_id: int | None = None) -> Attempt | None:
    """The attempt, or None when it does not exist or (given ``user_id``) is someone else's."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or (user_id is not None and attempt.user_id != user_id):
        return None
    return attempt


def finish_if_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """Expire and grade ``attempt`` if its deadline and grace have passed; True if it was over.

    Its finish time is the deadline: what was saved by then is what is graded.
    """
    now = now or utcnow()
    if attempt.state != AttemptState.IN_PROGRESS or attempt.deadline_at is None:
        return False
    if now <= attempt.deadline_at + grace():
        return False
    moved = db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=AttemptState.EXPIRED, finished_at=Attempt.deadline_at)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if moved:
        grading.grade_attempt(attempt, now)
    return True


def close_expired(now: datetime | None = None) -> int:
    """Finalise every attempt whose deadline and grace have passed; how many were."""
    now = now or utcnow()
    overdue = db.session.scalars(
        sa.select(Attempt).where(
            Attempt.state == AttemptState.IN_PROGRESS,
            Attempt.deadline_at.is_not(None),
            Attempt.deadline_at < now - grace(),
        )
    ).all()
    return sum(1 for attempt in overdue if finish_if_overdue(attempt, now))


# --- saving -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerSave:
    """One answer as a tab sends it: the revision it replaces and a token naming this save."""

    position: int
    revision: int
    response: Any
    token: str


@dataclass(frozen=True)
class SaveResult:
    position: int
    status: str  # "saved" or "stale"
    revision: int
    response: Any = None  # what the server holds, for a stale save


def clean_response(answer: Answer, raw: Any) -> Any:
    """``raw`` in the shape the answer's type grades, or ValueError; None clears the answer."""
    if raw is None or raw == "" or raw == []:
        return None
    kind = answer.version.type
    layout = answer.layout or {}
    if kind == "single_choice":
        if not isinstance(raw, int) or isinstance(raw, bool) or raw not in layout["choices"]:
            raise ValueError("not an option")
        return raw
    if kind == "multiple_choice":
        if not isinstance(raw, list) or any(
            not isinstance(i, int) or isinstance(i, bool) or i not in layout["choices"] for i in raw
        ):
            raise ValueError("not options")
        return sorted(set(raw))
    if kind == "true_false":
        if not isinstance(raw, bool):
            raise ValueError("not true or false")
        return raw
    if kind in ("short_answer", "numerical", "essay"):
        if not isinstance(raw, str):
            raise ValueError("not text")
        return raw[: MAX_TEXT if kind == "essay" else 500]
    if kind == "matching":
        if not isinstance(raw, Mapping):
            raise ValueError("not a matching")
        offered = set(layout["offered"])
        cleaned = {str(k): v for k, v in raw.items() if v not in (None, "")}
        if any(v not in offered or not str(k).isdigit() for k, v in cleaned.items()):
            raise ValueError("not an offered answer")
        return cleaned or None
    if kind == "ordering":
        count = len(layout["items"])
        if not isinstance(raw, list) or len(raw) != count:
            raise ValueError("not an order")
        if any(i is not None and (not isinstance(i, int) or not 0 <= i < count) for i in raw):
            raise ValueError("not an item")
        placed = [i for i in raw if i is not None]
        if len(set(placed)) != len(placed):
            raise ValueError("an item placed twice")
        return raw if placed else None
    raise ValueError("this question takes no answer")


def _still_open(attempt: Attempt, user_id: int, now: datetime) -> tuple[sa.ColumnElement, ...]:
    """The guard of every write to an attempt: its owner's, in progress, within deadline+grace."""
    return (
        Attempt.id == attempt.id,
        Attempt.user_id == user_id,
        Attempt.state == AttemptState.IN_PROGRESS,
        sa.or_(Attempt.deadline_at.is_(None), Attempt.deadline_at >= now - grace()),
    )


def _take_for_saving(attempt: Attempt, user_id: int, now: datetime) -> None:
    """Lock the attempt's row for this transaction if it still takes answers, else refuse."""
    taken = db.session.execute(
        sa.update(Attempt)
        .where(*_still_open(attempt, user_id, now))
        .values(last_saved_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken:
        return
    db.session.refresh(attempt)
    if attempt.state == AttemptState.IN_PROGRESS:
        finish_if_overdue(attempt, now)
        raise DeadlinePassed(
            _(
                "Time is up: answers sent after the deadline cannot be saved. Your attempt was "
                "submitted with the answers saved in time."
            )
        )
    raise AttemptClosed(
        _("This attempt has been submitted; answers can no longer be changed. Reload the page.")
    )


def _write(
    answer: Answer, guard: sa.ColumnElement[bool], response: Any, token: str, now: datetime
) -> bool:
    """Store ``response`` as the answer's next revision if ``guard`` still holds."""
    written = db.session.execute(
        sa.update(Answer)
        .where(Answer.id == answer.id, guard)
        .values(response=response, revision=Answer.revision + 1, save_token=token, saved_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(answer)
    return bool(written)


def save_answers(
    attempt: Attempt,
    user_id: int,
    saves: Sequence[AnswerSave],
    flags: Mapping[int, bool] | None = None,
    now: datetime | None = None,
) -> list[SaveResult]:
    """Save what a tab sent. Raises AttemptClosed / DeadlinePassed, or ValueError on junk."""
    now = now or utcnow()
    # Only the answers this save touches, with their versions, in one query: a save is the
    # hot path of an exam day.
    wanted = {save.position for save in saves} | set(flags or {})
    by_position = {
        answer.position: answer
        for answer in db.session.scalars(
            sa.select(Answer)
            .where(Answer.attempt_id == attempt.id, Answer.position.in_(wanted))
            .options(selectinload(Answer.version))
        )
    }
    cleaned = []
    for save in saves:
        answer = by_position.get(save.position)
        if answer is None:
            raise ValueError(f"no question {save.position}")
        cleaned.append((save, answer, clean_response(answer, save.response)))
    for position in flags or {}:
        if position not in by_position:
            raise ValueError(f"no question {position}")
    _take_for_saving(attempt, user_id, now)
    results = []
    for save, answer, response in cleaned:
        token = save.token[:64]
        written = _write(answer, Answer.revision == save.revision, response, token, now)
        if not written and answer.save_token != token and _same_tab(answer.save_token, token):
            # This tab's own earlier save landed but its reply was lost: the tab is still
            # the latest writer, so its newer answer replaces its own.
            guard = Answer.save_token == answer.save_token
            written = _write(answer, guard, response, token, now)
        if written or answer.save_token == save.token[:64]:
            results.append(SaveResult(save.position, "saved", answer.revision))
        else:
            results.append(SaveResult(save.position, "stale", answer.revision, answer.response))
    for position, flagged in (flags or {}).items():
        by_position[position].is_flagged = bool(flagged)
    db.session.flush()
    return results


def _same_tab(stored: str | None, token: str) -> bool:
    """Tokens are ``<tab id>:<sequence>``; the same tab id means the same page."""
    if not stored or ":" not in stored or ":" not in token:
        return False
    return stored.split(":", 1)[0] == token.split(":", 1)[0]


def submit_attempt(attempt: Attempt, user_id: int, now: datetime | None = None) -> Attempt:
    """Finish and grade the attempt. A second submit (another tab) changes nothing."""
    now = now or utcnow()
    moved = db.session.execute(
        sa.update(Attempt)
        .where(*_still_open(attempt, user_id, now))
        .values(state=AttemptState.SUBMITTED, finished_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    for answer in attempt.answers:
        db.session.refresh(answer)
    if moved:
        grading.grade_attempt(attempt, now)
    else:
        finish_if_overdue(attempt, now)
    return attempt


# --- what the page shows ------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptQuestion:
    """One question of an attempt as its page shows it, in the attempt's language."""

    answer: Answer
    number: int | None  # None for a description, which is not numbered
    type: str
    text: str
    text_format: str
    version_id: int
    payload: dict[str, Any]
    choices: list[tuple[int, str]]
    offered: list[Any]
    response: Any
    is_answered: bool
    general_feedback: str

    @property
    def position(self) -> int:
        return self.answer.position


def present(attempt: Attempt) -> list[AttemptQuestion]:
    """The attempt's questions in their drawn order, with the responses the server holds."""
    shown = []
    number = 0
    # One query for every version shown, instead of one per question.
    versions = {
        v.id: v
        for v in db.session.scalars(
            sa.select(QuestionVersion).where(
                QuestionVersion.id.in_([a.question_version_id for a in attempt.answers])
            )
        )
    }
    for answer in attempt.answers:
        answer.version = versions[answer.question_version_id]
        version = answer.version
        words = bank.wording(version, attempt.language == "en")
        payload = words.payload
        layout = answer.layout or {}
        choices: list[tuple[int, str]] = []
        offered: list[Any] = []
        if version.type in ("single_choice", "multiple_choice"):
            choices = [(i, payload["choices"][i]["text"]) for i in layout["choices"]]
        elif version.type == "matching":
            offered = list(layout["offered"])
        elif version.type == "ordering":
            offered = [(i, payload["items"][i]) for i in layout["items"]]
        if version.type != "description":
            number += 1
        shown.append(
            AttemptQuestion(
                answer=answer,
                number=None if version.type == "description" else number,
                type=version.type,
                text=words.text,
                text_format=version.text_format,
                version_id=version.id,
                payload=payload,
                choices=choices,
                offered=offered,
                response=answer.response,
                is_answered=answer.response is not None,
                general_feedback=words.general_feedback,
            )
        )
    return shown


def right_answer(question: AttemptQuestion) -> Any:
    return question_type(question.type).right_answer(question.payload)
