"""Exam definitions: who may sit them and when, and drawing the paper of an attempt.

A paper is drawn once, at the start of an attempt, from the exam's draw rules: a
fixed question, or N questions drawn at random from a category (and, by
default, its subcategories), optionally only of some types, a tag or a
difficulty. Random draws prefer questions the person has not seen in their
earlier attempts at the exam, and fall back on seen ones only when the pool is
too small. Descriptions, and questions tagged ``case`` (they lean on the case
description before them), are never drawn at random: they only make sense as
fixed questions placed together.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.database import utcnow
from lms.errors import FieldErrors
from lms.exams.errors import NotAvailable
from lms.exams.models import (
    Answer,
    Attempt,
    AttemptState,
    Certificate,
    Exam,
    ExamDrawRule,
    ExamOverride,
    ExamStatus,
    GradingMethod,
    Question,
    QuestionStatus,
    QuestionVersion,
    Tag,
    question_tag,
)
from lms.exams.question_types import QUESTION_TYPES
from lms.exams.services.bank import shown_payload_of, subtrees
from lms.extensions import db

CASE_TAG = "case"
#: Types a random draw may take unless a rule names its own.
DRAWABLE_TYPES = tuple(name for name in QUESTION_TYPES if name != "description")
#: A certificate holder may sit the exam again this many days before it expires.
RECERTIFY_WINDOW_DAYS = 30

_VERSION = QuestionVersion.__table__


@dataclass(frozen=True)
class PersonalRules:
    """An exam's timing and attempts for one person, their override applied."""

    opens_at: datetime | None
    closes_at: datetime | None
    time_limit_minutes: int | None
    max_attempts: int | None


def personal_rules(
    exam: Exam, user_id: int, overrides: Mapping[int, ExamOverride] | None = None
) -> PersonalRules:
    """The exam's rules for one person, with their override if any (``overrides``: theirs
    by exam, when the caller has already read them with ``personal_overrides``)."""
    if overrides is not None:
        override = overrides.get(exam.id)
    else:
        override = db.session.scalar(
            sa.select(ExamOverride).where(
                ExamOverride.exam_id == exam.id, ExamOverride.user_id == user_id
            )
        )
    limit, attempts = exam.time_limit_minutes, exam.max_attempts
    opens_at, closes_at = exam.opens_at, exam.closes_at
    if override is not None:
        if limit is not None:
            limit += override.extra_minutes
        if attempts is not None:
            attempts += override.extra_attempts
        opens_at = override.opens_at or opens_at
        closes_at = override.closes_at or closes_at
    return PersonalRules(opens_at, closes_at, limit, attempts)


def in_audience(exam: Exam, user: Any) -> bool:
    """Whether ``user`` is among the people ``exam`` is for; an empty criterion lets all in."""
    return accounts.Audience.from_dict(exam.audience).matches(user)


@dataclass(frozen=True)
class Availability:
    """What the start page says: whether an attempt can begin now, and if not, why."""

    can_start: bool
    reason: str | None
    attempts_used: int
    attempts_allowed: int | None
    next_start_at: datetime | None
    resume_attempt_id: int | None
    rules: PersonalRules
    certified_until: date | None
    last_number: int = 0  # of the person's latest attempt at the exam, any cycle; 0 for none

    @property
    def attempts_left(self) -> int | None:
        if self.attempts_allowed is None:
            return None
        return max(0, self.attempts_allowed - self.attempts_used)


@dataclass(frozen=True)
class ExamHistory:
    """A person's attempts at an exam, by number, and their certificates of it, newest first."""

    attempts: list[Attempt]
    certificates: list[Certificate]


def history_of(exam_id: int, user_id: int) -> ExamHistory:
    return histories_of([exam_id], user_id)[exam_id]


def histories_of(exam_ids: Sequence[int], user_id: int) -> dict[int, ExamHistory]:
    """``history_of`` each exam, in two statements whatever the number of exams."""
    found = {exam_id: ExamHistory([], []) for exam_id in exam_ids}
    if not found:
        return found
    for attempt in db.session.scalars(
        sa.select(Attempt)
        .where(Attempt.exam_id.in_(found), Attempt.user_id == user_id)
        .order_by(Attempt.number)
    ):
        found[attempt.exam_id].attempts.append(attempt)
    for certificate in db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.exam_id.in_(found), Certificate.user_id == user_id)
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    ):
        found[certificate.exam_id].certificates.append(certificate)
    return found


def personal_overrides(exam_ids: Sequence[int], user_id: int) -> dict[int, ExamOverride]:
    """The person's overrides of these exams, by exam, in one statement."""
    if not exam_ids:
        return {}
    return {
        override.exam_id: override
        for override in db.session.scalars(
            sa.select(ExamOverride).where(
                ExamOverride.exam_id.in_(exam_ids), ExamOverride.user_id == user_id
            )
        )
    }


def _cycle_attempts(history: ExamHistory, today: date) -> tuple[list[Attempt], date | None, int]:
    """The attempts of the person's current certification cycle, a valid certificate's end,
    and the number of their latest attempt in any cycle.

    A passed attempt ends a cycle; when its certificate is close to expiry (or gone),
    a new cycle starts and its attempts are counted afresh.
    """
    attempts = history.attempts
    certificate = next((c for c in history.certificates if c.revoked_at is None), None)
    valid_until = None
    if certificate is not None and (
        certificate.expires_on is None or certificate.expires_on >= today
    ):
        valid_until = certificate.expires_on or date.max
    last_number = attempts[-1].number if attempts else 0
    passed = [a for a in attempts if a.is_passed]
    if passed:
        last = passed[-1].number
        attempts = [a for a in attempts if a.number > last]
    return attempts, valid_until, last_number


def availability(
    exam: Exam,
    user: Any,
    now: datetime | None = None,
    history: ExamHistory | None = None,
    rules: PersonalRules | None = None,
) -> Availability:
    """Whether ``user`` may start ``exam`` at ``now``, with the reason when not.

    ``history``, ``rules``: the person's history of the exam and rules for it, when the
    caller has already read them.
    """
    now = now or utcnow()
    rules = rules or personal_rules(exam, user.id)
    today = now.date()
    history = history or history_of(exam.id, user.id)
    cycle, certified_until, last_number = _cycle_attempts(history, today)
    used = len(cycle)
    resume = next((a.id for a in cycle if a.state == AttemptState.IN_PROGRESS), None)
    next_start = None
    if exam.attempt_wait_minutes and cycle and cycle[-1].finished_at:
        next_start = cycle[-1].finished_at + timedelta(minutes=exam.attempt_wait_minutes)

    def result(reason: str | None) -> Availability:
        return Availability(
            reason is None,
            reason,
            used,
            rules.max_attempts,
            next_start,
            resume,
            rules,
            None if certified_until == date.max else certified_until,
            last_number,
        )

    if resume is not None:
        return result(None)
    if exam.status != ExamStatus.PUBLISHED:
        return result(_("This exam is not open to candidates."))
    if not in_audience(exam, user):
        return result(_("This exam is not assigned to you."))
    if rules.opens_at and now < rules.opens_at:
        return result(
            _("The exam opens at %(time)s.", time=format_datetime(rules.opens_at, "short"))
        )
    if rules.closes_at and now >= rules.closes_at:
        return result(_("The exam closed at %(time)s.", time=format_datetime(rules.closes_at)))
    if certified_until and certified_until > today + timedelta(days=RECERTIFY_WINDOW_DAYS):
        opens = certified_until - timedelta(days=RECERTIFY_WINDOW_DAYS)
        return result(
            _(
                "You are certified until %(until)s; re-certification opens on %(opens)s.",
                until=certified_until.isoformat(),
                opens=opens.isoformat(),
            )
        )
    if rules.max_attempts is not None and used >= rules.max_attempts:
        return result(_("You have used all %(count)d attempts.", count=rules.max_attempts))
    if next_start and now < next_start:
        return result(
            _(
                "You may start your next attempt at %(time)s.",
                time=format_datetime(next_start, "short"),
            )
        )
    return result(None)


def deadline_for(rules: PersonalRules, started_at: datetime) -> datetime | None:
    """The time limit from ``started_at``, never later than the (personal) closing time."""
    candidates = []
    if rules.time_limit_minutes:
        candidates.append(started_at + timedelta(minutes=rules.time_limit_minutes))
    if rules.closes_at:
        candidates.append(rules.closes_at)
    return min(candidates) if candidates else None


# --- drawing the paper --------------------------------------------------------------------


@dataclass(frozen=True)
class DrawnQuestion:
    """A question of a new paper: its current version, and what laying it out needs."""

    question_id: int
    version_id: int
    type: str
    shuffle: bool  # whether the version lets its options be shuffled
    payload: dict[str, Any]  # in the language of the attempt
    mark: float


def draw_pools(rules: Sequence[ExamDrawRule]) -> dict[int, list[int]]:
    """The question ids each random rule may draw from, in id order, keyed by the rule's
    index in ``rules``. Three statements however many rules: the category tree, the
    candidates of every rule at once, and the tagged questions when a rule names a tag."""
    random_rules = [(i, rule) for i, rule in enumerate(rules) if rule.question_id is None]
    if not random_rules:
        return {}
    trees = subtrees({rule.category_id for _, rule in random_rules if rule.category_id})
    categories: dict[int, set[int]] = {}
    for i, rule in random_rules:
        if rule.category_id not in trees:
            raise NotAvailable(_("A draw rule of this exam names a category that is gone."))
        tree = trees[rule.category_id]
        categories[i] = set(tree if rule.include_subcategories else tree[:1])
    case_questions = (
        sa.select(question_tag.c.question_id)
        .join(Tag, Tag.id == question_tag.c.tag_id)
        .where(Tag.name == CASE_TAG)
    )
    candidates = db.session.execute(
        sa.select(Question.id, Question.category_id, Question.type, Question.difficulty).where(
            Question.status == QuestionStatus.PUBLISHED,
            Question.category_id.in_(set().union(*categories.values())),
            Question.type != "description",
            Question.id.not_in(case_questions),
        )
    ).all()
    tagged: dict[int, set[int]] = {}
    tag_ids = {rule.tag_id for _, rule in random_rules if rule.tag_id}
    if tag_ids:
        for question_id, tag_id in db.session.execute(
            sa.select(question_tag.c.question_id, question_tag.c.tag_id).where(
                question_tag.c.tag_id.in_(tag_ids)
            )
        ):
            tagged.setdefault(tag_id, set()).add(question_id)
    by_category: dict[int, list[Any]] = {}
    for row in candidates:
        by_category.setdefault(row.category_id, []).append(row)
    pools = {}
    for i, rule in random_rules:
        types = set(rule.question_types or DRAWABLE_TYPES)
        pools[i] = sorted(
            row.id
            for category_id in categories[i]
            for row in by_category.get(category_id, ())
            if row.type in types
            and (not rule.tag_id or row.id in tagged.get(rule.tag_id, ()))
            and (not rule.difficulty or row.difficulty == rule.difficulty)
        )
    return pools


def pool_size(rule: ExamDrawRule) -> int:
    """How many questions a random rule can draw from."""
    return len(draw_pools([rule])[0])


def seen_question_ids(exam_id: int, user_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Answer.question_id)
            .join(Attempt, Attempt.id == Answer.attempt_id)
            .where(Attempt.exam_id == exam_id, Attempt.user_id == user_id)
        )
    )


def draw_paper(
    exam: Exam,
    user_id: int,
    rng: random.Random,
    *,
    first_attempt: bool = False,
    english: bool = False,
) -> list[DrawnQuestion]:
    """The questions of a new attempt, in the order they will be shown.

    ``first_attempt`` says the person has no earlier attempt, so nothing was seen yet;
    ``english``, that the attempt is shown in English.
    """
    seen = set() if first_attempt else seen_question_ids(exam.id, user_id)
    rules = list(exam.draw_rules)
    pools = draw_pools(rules)
    chosen: list[int] = []
    marks: dict[int, float] = {}
    fixed_positions: set[int] = set()
    for i, rule in enumerate(rules):
        if rule.question_id is not None:
            if rule.question_id not in marks:
                fixed_positions.add(len(chosen))
                chosen.append(rule.question_id)
                marks[rule.question_id] = rule.mark
            continue
        pool = [qid for qid in pools[i] if qid not in marks]
        if len(pool) < rule.count:
            raise NotAvailable(
                _("The question bank has too few questions for this exam; tell a trainer.")
            )
        fresh = [qid for qid in pool if qid not in seen]
        stale = [qid for qid in pool if qid in seen]
        if len(fresh) >= rule.count:
            picked = rng.sample(fresh, rule.count)
        else:
            picked = fresh + rng.sample(stale, rule.count - len(fresh))
        for qid in picked:
            chosen.append(qid)
            marks[qid] = rule.mark
    # Each question's current version, as plain rows of what laying it out needs: loading
    # fifty whole versions was most of the cost of a start.
    # The English columns only for an English attempt: decoding them is wasted otherwise.
    english_columns = (
        [_VERSION.c.payload_en, _VERSION.c.text_en]
        if english
        else [sa.null().label("payload_en"), sa.null().label("text_en")]
    )
    columns = [_VERSION.c.id, _VERSION.c.type, _VERSION.c.shuffle, _VERSION.c.payload]
    columns += english_columns
    current = {
        row.question_id: row
        for row in db.session.execute(
            sa.select(*columns, Question.id.label("question_id"), Question.status)
            .join(Question, Question.current_version_id == _VERSION.c.id)
            .where(Question.id.in_(chosen))
        )
    }
    if exam.shuffle_questions:
        # Fixed questions keep their places (a case description and its questions stay
        # together); only the drawn ones move among the remaining places.
        movable = [qid for i, qid in enumerate(chosen) if i not in fixed_positions]
        rng.shuffle(movable)
        it = iter(movable)
        chosen = [qid if i in fixed_positions else next(it) for i, qid in enumerate(chosen)]
    drawn = []
    for qid in chosen:
        row = current.get(qid)
        if row is None or row.status != QuestionStatus.PUBLISHED:
            raise NotAvailable(_("A question of this exam is not published; tell a trainer."))
        payload = shown_payload_of(row.payload, row.payload_en, row.text_en, english)
        mark = 0.0 if row.type == "description" else marks[qid]
        drawn.append(DrawnQuestion(qid, row.id, row.type, row.shuffle, payload, mark))
    return drawn


# --- editing exams ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawRuleSpec:
    """One line of the paper as the editor gives it: a fixed question, or N from a category."""

    question_id: int | None = None
    category_id: int | None = None
    count: int = 1
    tag: str | None = None
    difficulty: str | None = None
    question_types: tuple[str, ...] = ()
    mark: float = 1.0


@dataclass(frozen=True)
class ExamSettings:
    title: str
    title_en: str | None
    instructions: str
    instructions_en: str | None
    status: ExamStatus
    time_limit_minutes: int | None
    pass_percent: Decimal
    max_attempts: int | None
    grading_method: GradingMethod
    attempt_wait_minutes: int
    opens_at: datetime | None
    closes_at: datetime | None
    shuffle_questions: bool
    shuffle_options: bool
    certificate_months: int | None
    audience: dict[str, Any]
    review: dict[str, list[str]]
    rules: tuple[DrawRuleSpec, ...]


def check_settings(settings: ExamSettings) -> list[tuple[str, str]]:
    """Every problem with ``settings`` as (field, message), the pools' sizes included."""
    problems: list[tuple[str, str]] = []
    if not settings.title.strip():
        problems.append(("title", _("Give the exam a title.")))
    if not Decimal(0) < settings.pass_percent <= Decimal(100):
        problems.append(("pass_percent", _("The pass mark is a percentage above 0, up to 100.")))
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        problems.append(("closes_at", _("The exam must close after it opens.")))
    if not settings.rules:
        problems.append(("rules", _("Add at least one question or draw rule.")))
    for number, spec in enumerate(settings.rules, start=1):
        if spec.question_id is not None:
            question = db.session.get(Question, spec.question_id)
            if question is None or question.status != QuestionStatus.PUBLISHED:
                problems.append(
                    ("rules", _("Line %(n)d: no published question has that id.", n=number))
                )
            continue
        if spec.category_id is None or spec.count < 1:
            problems.append(
                ("rules", _("Line %(n)d: choose a category and how many to draw.", n=number))
            )
            continue
        available = pool_size(_rule_from(spec, 0))
        if available < spec.count:
            problems.append(
                (
                    "rules",
                    _(
                        "Line %(n)d draws %(count)d questions but the pool holds %(pool)d.",
                        n=number,
                        count=spec.count,
                        pool=available,
                    ),
                )
            )
    return problems


def _rule_from(spec: DrawRuleSpec, position: int) -> ExamDrawRule:
    tag_id = None
    if spec.tag:
        tag_id = db.session.scalar(sa.select(Tag.id).where(Tag.name == spec.tag))
        tag_id = tag_id if tag_id is not None else -1  # a tag no question has: an empty pool
    return ExamDrawRule(
        position=position,
        question_id=spec.question_id,
        category_id=spec.category_id,
        include_subcategories=True,
        count=1 if spec.question_id is not None else spec.count,
        tag_id=tag_id,
        difficulty=spec.difficulty or None,
        question_types=list(spec.question_types),
        mark=spec.mark,
    )


def save_exam(exam: Exam | None, settings: ExamSettings, author_id: int | None) -> Exam:
    """Create or change an exam; raises FieldErrors with every problem, changing nothing."""
    problems = check_settings(settings)
    if problems:
        raise FieldErrors(problems)
    if exam is None:
        exam = Exam(created_by_id=author_id)
        db.session.add(exam)
    for name in (
        "title", "title_en", "instructions", "instructions_en", "status", "time_limit_minutes",
        "pass_percent", "max_attempts", "grading_method", "attempt_wait_minutes", "opens_at",
        "closes_at", "shuffle_questions", "shuffle_options", "certificate_months", "audience",
        "review",
    ):  # fmt: skip
        setattr(exam, name, getattr(settings, name))
    exam.draw_rules = [
        _rule_from(spec, position) for position, spec in enumerate(settings.rules, start=1)
    ]
    db.session.flush()
    return exam


def set_override(
    exam: Exam,
    user_id: int,
    extra_minutes: int,
    extra_attempts: int,
    opens_at: datetime | None,
    closes_at: datetime | None,
    reason: str,
) -> ExamOverride:
    """Give one person an accommodation on ``exam`` (replacing any earlier one)."""
    override = db.session.scalar(
        sa.select(ExamOverride).where(
            ExamOverride.exam_id == exam.id, ExamOverride.user_id == user_id
        )
    )
    if override is None:
        override = ExamOverride(exam_id=exam.id, user_id=user_id)
        db.session.add(override)
    override.extra_minutes = max(0, extra_minutes)
    override.extra_attempts = max(0, extra_attempts)
    override.opens_at, override.closes_at = opens_at, closes_at
    override.reason = reason.strip()[:200]
    db.session.flush()
    return override


def overrides_of(exam: Exam) -> list[ExamOverride]:
    return list(
        db.session.scalars(
            sa.select(ExamOverride).where(ExamOverride.exam_id == exam.id).order_by(ExamOverride.id)
        )
    )
