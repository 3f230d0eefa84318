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
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from lms.database import UtcDateTime, utcnow
from lms.exams.errors import AttemptClosed, DeadlinePassed, NoSuchAttempt, NotAvailable
from lms.exams.models import Answer, Attempt, AttemptState, Exam, QuestionVersion
from lms.exams.question_types import Matching, question_type
from lms.exams.services import bank, grading
from lms.exams.services.papers import DrawnQuestion, availability, deadline_for, draw_paper
from lms.extensions import db

MAX_TEXT = 20_000  # an essay's length; a short answer is cut far shorter

_ATTEMPT = Attempt.__table__
_ANSWER = Answer.__table__
_VERSION = QuestionVersion.__table__


def grace() -> timedelta:
    return timedelta(seconds=current_app.config.get("EXAM_GRACE_SECONDS", 30))


def _layout(drawn: DrawnQuestion, shuffle: bool, rng: random.Random) -> dict:
    """The order a question's options are shown in, fixed for the attempt."""
    payload, kind = drawn.payload, drawn.type
    if kind in ("single_choice", "multiple_choice"):
        order = list(range(len(payload["choices"])))
        if shuffle and drawn.shuffle:
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
    # Seeded from the system's randomness once: a SystemRandom makes a system call for
    # every number, and a paper's draw and shuffles take hundreds.
    rng = rng or random.Random(secrets.randbits(128))
    allowed = availability(exam, user, now)
    if allowed.resume_attempt_id is not None:
        attempt = db.session.get(Attempt, allowed.resume_attempt_id)
        assert attempt is not None
        if not finish_if_overdue(attempt, now):
            return attempt
        allowed = availability(exam, user, now)
    if not allowed.can_start:
        raise NotAvailable(allowed.reason or "")
    paper = draw_paper(
        exam, user.id, rng, first_attempt=allowed.last_number == 0, english=language == "en"
    )
    attempt = Attempt(
        exam_id=exam.id,
        user_id=user.id,
        number=allowed.last_number + 1,
        state=AttemptState.IN_PROGRESS,
        language="en" if language == "en" else "zh",
        started_at=now,
        deadline_at=deadline_for(allowed.rules, now),
        max_marks=sum(q.mark for q in paper),
    )
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
    # Fifty answers in one multi-row INSERT (RETURNING makes SQLAlchemy batch them), not
    # through the unit of work, which spent more time on them than the database did.
    db.session.execute(
        sa.insert(_ANSWER).returning(_ANSWER.c.id),
        [
            {
                "attempt_id": attempt.id,
                "position": position,
                "question_id": drawn.question_id,
                "question_version_id": drawn.version_id,
                "max_mark": drawn.mark,
                "layout": _layout(drawn, exam.shuffle_options, rng),
                "revision": 0,
                "is_flagged": False,
                "needs_grading": False,
                "feedback": [],
            }
            for position, drawn in enumerate(paper, start=1)
        ],
    )
    db.session.expire(attempt, ["answers"])
    return attempt


def attempt_for(attempt_id: int, user_id: int | None = None) -> Attempt | None:
    """The attempt, or None when it does not exist or (given ``user_id``) is someone else's."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or (user_id is not None and attempt.user_id != user_id):
        return None
    return attempt


def shows_version(user_id: int, version_id: int) -> bool:
    """Whether a paper of ``user_id``'s showed question version ``version_id``: a candidate
    may see the images that version embeds, and no other question's."""
    shown = (
        sa.select(Answer.id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Attempt.user_id == user_id, Answer.question_version_id == version_id)
    )
    return bool(db.session.scalar(sa.select(shown.exists())))


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


def clean_response(kind: str, layout: Mapping[str, Any] | None, raw: Any) -> Any:
    """``raw`` in the shape a ``kind`` question laid out as ``layout`` grades, or ValueError;
    None clears the answer."""
    if raw is None or raw == "" or raw == []:
        return None
    layout = layout or {}
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


# The statements of a save are built once: constructing them again on every request cost
# more than the database took to run them.
_STILL_OPEN = (
    _ATTEMPT.c.id == sa.bindparam("open_attempt"),
    _ATTEMPT.c.user_id == sa.bindparam("owner"),
    _ATTEMPT.c.state == AttemptState.IN_PROGRESS,
    sa.or_(
        _ATTEMPT.c.deadline_at.is_(None),
        _ATTEMPT.c.deadline_at >= sa.bindparam("earliest_deadline", type_=UtcDateTime),
    ),
)
_TAKE_FOR_SAVING = (
    sa.update(_ATTEMPT)
    .where(*_STILL_OPEN)
    .values(last_saved_at=sa.bindparam("now", type_=UtcDateTime))
    .returning(_ATTEMPT.c.deadline_at)
)
_ANSWERS_TOUCHED = (
    sa.select(
        _ANSWER.c.id,
        _ANSWER.c.position,
        _ANSWER.c.layout,
        _ANSWER.c.revision,
        _ANSWER.c.save_token,
        _ANSWER.c.response,
        _VERSION.c.type,
    )
    .join(_VERSION, _VERSION.c.id == _ANSWER.c.question_version_id)
    .where(
        _ANSWER.c.attempt_id == sa.bindparam("attempt_id"),
        _ANSWER.c.position.in_(sa.bindparam("positions", expanding=True)),
    )
)
_WRITE_ANSWER = (
    sa.update(_ANSWER)
    .where(_ANSWER.c.id == sa.bindparam("answer_id"), _ANSWER.c.revision == sa.bindparam("held"))
    .values(
        response=sa.bindparam("new_response", type_=_ANSWER.c.response.type),
        revision=sa.bindparam("held") + 1,
        save_token=sa.bindparam("token"),
        saved_at=sa.bindparam("now", type_=UtcDateTime),
    )
)


def _open_params(attempt_id: int, user_id: int, now: datetime) -> dict[str, Any]:
    """Parameters of ``_STILL_OPEN``: the guard of every write to an attempt (its owner's,
    in progress, within deadline and grace)."""
    return {"open_attempt": attempt_id, "owner": user_id, "earliest_deadline": now - grace()}


def _refuse_save(attempt_id: int, user_id: int, now: datetime) -> NoReturn:
    """Why the attempt took no save: not the person's, past its deadline, or finished."""
    attempt = attempt_for(attempt_id, user_id)
    if attempt is None:
        raise NoSuchAttempt("")
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


@dataclass(frozen=True)
class SaveReceipt:
    """What a save did to each answer it carried, and the attempt's deadline for the timer."""

    results: list[SaveResult]
    deadline: datetime | None


def save_answers(
    attempt_id: int,
    user_id: int,
    saves: Sequence[AnswerSave],
    flags: Mapping[int, bool] | None = None,
    now: datetime | None = None,
) -> SaveReceipt:
    """Save what a tab sent to the person's attempt.

    Raises NoSuchAttempt (not theirs), AttemptClosed / DeadlinePassed, or ValueError on junk.
    The hot path of an exam day, so it is a handful of statements, none through the ORM's
    unit of work: lock the attempt, read the answers touched, write each one.
    """
    now = now or utcnow()
    # Taking the attempt's row first serialises this save with any other save or submit
    # of the attempt, so the answers read next cannot change before they are written.
    taken = db.session.execute(
        _TAKE_FOR_SAVING, {**_open_params(attempt_id, user_id, now), "now": now}
    ).first()
    if taken is None:
        _refuse_save(attempt_id, user_id, now)
    wanted = {save.position for save in saves} | set(flags or {})
    held = {
        row.position: row
        for row in db.session.execute(
            _ANSWERS_TOUCHED, {"attempt_id": attempt_id, "positions": sorted(wanted)}
        )
    }
    missing = wanted - held.keys()
    if missing:
        raise ValueError(f"no question {min(missing)}")
    cleaned = [
        (save, clean_response(held[save.position].type, held[save.position].layout, save.response))
        for save in saves
    ]
    results = []
    for save, response in cleaned:
        row, token = held[save.position], save.token[:64]
        if row.save_token == token:
            # Sent again after its reply was lost: it is already what the server holds.
            results.append(SaveResult(save.position, "saved", row.revision))
        elif save.revision == row.revision or _same_tab(row.save_token, token):
            # The tab has seen the latest save, or made it itself and missed the reply:
            # either way its newer answer replaces that one.
            _write(row.id, row.revision, response, token, now)
            results.append(SaveResult(save.position, "saved", row.revision + 1))
        else:
            results.append(SaveResult(save.position, "stale", row.revision, row.response))
    for position, flagged in (flags or {}).items():
        db.session.execute(
            sa.update(_ANSWER)
            .where(_ANSWER.c.id == held[position].id)
            .values(is_flagged=bool(flagged))
        )
    _forget_cached(attempt_id, [row.id for row in held.values()])
    return SaveReceipt(results, taken.deadline_at)


def _write(answer_id: int, revision: int, response: Any, token: str, now: datetime) -> None:
    """Store ``response`` as revision ``revision + 1`` of the answer held at ``revision``."""
    written = db.session.execute(
        _WRITE_ANSWER,
        {
            "answer_id": answer_id,
            "held": revision,
            "new_response": response,
            "token": token,
            "now": now,
        },
    ).rowcount
    # The attempt's row lock makes this the only writer; a miss would be a broken invariant.
    if written != 1:
        raise RuntimeError(f"answer {answer_id} changed under the attempt's lock")


def _forget_cached(attempt_id: int, answer_ids: list[int]) -> None:
    """Expire the ORM's copies of rows written past it, so later reads in the session see them."""
    identity = db.session.identity_map
    for key in [(Attempt, attempt_id), *((Answer, i) for i in answer_ids)]:
        cached = identity.get(identity_key(*key))
        if cached is not None:
            db.session.expire(cached)


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
        .where(*_STILL_OPEN)
        .values(state=AttemptState.SUBMITTED, finished_at=now)
        .execution_options(synchronize_session=False),
        _open_params(attempt.id, user_id, now),
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
    language: str  # the attempt's, which its questions are shown in

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
        # Not assigned to answer.version: setting a relationship costs more than the page
        # gains, and a later lazy load of it finds the version in the identity map anyway.
        version = versions[answer.question_version_id]
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
                language=attempt.language,
            )
        )
    return shown


def right_answer(question: AttemptQuestion) -> Any:
    return question_type(question.type).right_answer(question.payload)
