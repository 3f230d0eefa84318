"""Knowledge gaps: the share of points lost per question tag, by department and period."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.database import utcnow
from lms.exams.models import Exam, Question
from lms.exams.services import attempts
from lms.exams.services.attempts import AnswerSave
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.interchange import sync_question_bank
from lms.exams.services.knowledge_gaps import knowledge_gaps
from lms.extensions import db
from lms.i18n import local_date

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def certification(db_session) -> Exam:
    assert sync_question_bank(CONTENT / "questions").problems == []
    assert sync_exams(CONTENT / "exams").problems == []
    return db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))


def sit(exam: Exam, user, right: int, seed: int):
    """An attempt with the first ``right`` questions answered right, the rest wrong or blank."""
    attempt = attempts.start_attempt(exam, user, rng=random.Random(seed))
    saves = []
    for n, question in enumerate(attempts.present(attempt)):
        response = attempts.right_answer(question) if n < right else None
        if n >= right and question.type == "true_false":
            response = not attempts.right_answer(question)
        if response is not None and question.type == "numerical":
            response = f"{response:g}"
        saves.append(AnswerSave(question.position, question.answer.revision, response, f"k:{n}"))
    attempts.save_answers(attempt.id, user.id, saves)
    attempts.submit_attempt(attempt, user.id)
    return attempt


def expected_shares(*attempts_) -> dict[str, Decimal]:
    possible: dict[str, float] = defaultdict(float)
    lost: dict[str, float] = defaultdict(float)
    for attempt in attempts_:
        for answer in attempt.answers:
            for tag in db.session.get(Question, answer.question_id).tags:
                possible[tag.name] += answer.max_mark
                lost[tag.name] += answer.max_mark - (answer.mark or 0)
    return {
        tag: (Decimal(str(lost[tag])) * 100 / Decimal(str(possible[tag]))).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        for tag in possible
    }


def test_gaps_are_the_share_of_points_lost_per_tag_worst_first(
    certification, create_user, create_department
) -> None:
    team = create_department("客服中心/一部/一组")
    weak = create_user(name="弱", department=team)
    strong = create_user(name="强", department=team)
    first = sit(certification, weak, right=20, seed=1)
    second = sit(certification, strong, right=45, seed=2)
    today = local_date(utcnow())

    gaps = knowledge_gaps(today, today, team.id)

    expected = expected_shares(first, second)
    assert {g.tag: g.lost_share for g in gaps} == expected
    assert [g.lost_share for g in gaps] == sorted((g.lost_share for g in gaps), reverse=True)
    assert all(g.people <= 2 for g in gaps) and max(g.people for g in gaps) == 2
    answers = sum(
        1
        for a in first.answers + second.answers
        for _ in db.session.get(Question, a.question_id).tags
    )
    assert sum(g.answers for g in gaps) == answers


def test_gaps_keep_to_the_department_with_its_teams_and_to_the_period(
    certification, create_user, create_department
) -> None:
    centre = create_department("客服中心")
    team = create_department("客服中心/一部/一组")
    elsewhere = create_department("另一中心")
    inside = create_user(department=team)
    outside = create_user(department=elsewhere)
    sit(certification, inside, right=50, seed=3)
    sit(certification, outside, right=0, seed=4)
    today = local_date(utcnow())

    assert {g.lost_share for g in knowledge_gaps(today, today, centre.id)} == {Decimal(0)}
    assert min(g.lost_share for g in knowledge_gaps(today, today, elsewhere.id)) == Decimal(100)
    assert knowledge_gaps(today - timedelta(days=40), today - timedelta(days=1)) == []
    assert knowledge_gaps(today, today, centre.id, minimum_answers=10_000) == []
