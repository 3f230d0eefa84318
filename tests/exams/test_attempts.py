"""The exam engine without HTTP: drawing, saving with revisions, deadlines, submitting,
grading into the ledger, certificates, the essay queue and regrades."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.database import utcnow
from lms.exams.errors import AttemptClosed, DeadlinePassed, ExamError, NotAvailable
from lms.exams.models import Answer, AttemptState, Exam, ExamDrawRule, ExamStatus, Question
from lms.exams.services import attempts, bank, certificates, grading, papers
from lms.exams.services.attempts import AnswerSave
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.interchange import sync_question_bank
from lms.extensions import db
from lms.records import services as records
from tests.exams.essays import essay_exam

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def certification(db_session) -> Exam:
    assert sync_question_bank(CONTENT / "questions").problems == []
    report = sync_exams(CONTENT / "exams")
    assert report.problems == []
    return db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))


@pytest.fixture
def agent(create_user):
    return create_user(name="王堃")


def right_response(question: attempts.AttemptQuestion):
    answer = attempts.right_answer(question)
    if question.type == "numerical":
        return f"{answer:g}"
    return answer


def wrong_response(question: attempts.AttemptQuestion):
    if question.type == "true_false":
        return not attempts.right_answer(question)
    if question.type == "single_choice":
        right = attempts.right_answer(question)
        return next(i for i, _text in question.choices if i != right)
    return None


def answer_all(attempt, user, *, right: int) -> None:
    """Answer the first ``right`` questions right and the rest wrong (or blank)."""
    saves = []
    for n, question in enumerate(attempts.present(attempt)):
        response = right_response(question) if n < right else wrong_response(question)
        saves.append(AnswerSave(question.position, question.answer.revision, response, f"t:{n}"))
    results = attempts.save_answers(attempt.id, user.id, saves).results
    assert {r.status for r in results} == {"saved"}


def test_the_seeded_certification_is_fifty_questions_across_the_six_courses(
    certification, agent
) -> None:
    assert certification.time_limit_minutes == 60
    assert certification.pass_percent == Decimal(80)
    assert certification.max_attempts == 3
    assert certification.attempt_wait_minutes == 24 * 60
    assert certification.certificate_months == 12
    now = utcnow()
    attempt = attempts.start_attempt(certification, agent, now=now, rng=random.Random(1))
    assert len(attempt.answers) == 50
    assert attempt.deadline_at == now + timedelta(minutes=60)
    per_course = Counter(
        bank.category_path(db.session.get(Question, a.question_id).category)[0]
        for a in attempt.answers
    )
    assert sorted(per_course.values()) == [8, 8, 8, 8, 9, 9]
    questions = [db.session.get(Question, a.question_id) for a in attempt.answers]
    assert not [q for q in questions if q.type in ("essay", "description")]
    assert not [q for q in questions if "case" in {t.name for t in q.tags}]
    assert len({q.id for q in questions}) == 50


def test_a_second_attempt_draws_questions_not_seen_before_where_the_pool_allows(
    certification, agent
) -> None:
    certification.attempt_wait_minutes = 0
    first = attempts.start_attempt(certification, agent, rng=random.Random(2))
    attempts.submit_attempt(first, agent.id)
    second = attempts.start_attempt(certification, agent, rng=random.Random(3))
    assert not {a.question_id for a in first.answers} & {a.question_id for a in second.answers}


def test_starting_twice_resumes_the_attempt_in_progress(certification, agent) -> None:
    first = attempts.start_attempt(certification, agent)
    assert attempts.start_attempt(certification, agent).id == first.id


def test_a_save_names_its_revision_and_a_stale_tab_is_refused(certification, agent) -> None:
    attempt = attempts.start_attempt(certification, agent, rng=random.Random(4))
    question = next(q for q in attempts.present(attempt) if q.type == "true_false")
    tab_a = AnswerSave(question.position, 0, True, "a:1")
    assert attempts.save_answers(attempt.id, agent.id, [tab_a]).results[0].revision == 1
    tab_b = AnswerSave(question.position, 1, False, "b:1")
    assert attempts.save_answers(attempt.id, agent.id, [tab_b]).results[0].status == "saved"
    # Tab A still thinks the answer is at revision 1.
    stale = attempts.save_answers(
        attempt.id, agent.id, [AnswerSave(question.position, 1, True, "a:2")]
    ).results
    assert stale[0].status == "stale"
    assert stale[0].response is False and stale[0].revision == 2
    # A save re-sent after its reply was lost is recognised, not refused.
    again = attempts.save_answers(attempt.id, agent.id, [tab_b]).results
    assert again[0].status == "saved" and again[0].revision == 2
    assert question.answer.response is False


def test_junk_responses_are_refused(certification, agent) -> None:
    attempt = attempts.start_attempt(certification, agent)
    question = next(q for q in attempts.present(attempt) if q.type == "single_choice")
    for junk in (99, "0", [0], {"0": 1}, True):
        with pytest.raises(ValueError):
            attempts.save_answers(
                attempt.id, agent.id, [AnswerSave(question.position, 0, junk, "x")]
            )
    assert question.answer.revision == 0


def test_saving_after_deadline_and_grace_is_refused_and_the_attempt_is_graded_on_time(
    certification, agent, app
) -> None:
    start = utcnow()
    attempt = attempts.start_attempt(certification, agent, now=start)
    shown = attempts.present(attempt)
    in_time = start + timedelta(minutes=59)
    saves = [AnswerSave(q.position, 0, right_response(q), f"s:{q.position}") for q in shown[:45]]
    attempts.save_answers(attempt.id, agent.id, saves, now=in_time)
    grace = timedelta(seconds=app.config.get("EXAM_GRACE_SECONDS", 30))
    within_grace = attempt.deadline_at + grace - timedelta(seconds=1)
    late_ok = shown[45]
    attempts.save_answers(
        attempt.id,
        agent.id,
        [AnswerSave(late_ok.position, 0, right_response(late_ok), "g")],
        now=within_grace,
    )
    too_late = attempt.deadline_at + grace + timedelta(seconds=1)
    with pytest.raises(DeadlinePassed):
        attempts.save_answers(
            attempt.id,
            agent.id,
            [AnswerSave(shown[46].position, 0, right_response(shown[46]), "l")],
            now=too_late,
        )
    assert attempt.state == AttemptState.GRADED
    assert attempt.finished_at == attempt.deadline_at
    assert shown[46].answer.response is None
    assert attempt.percent == Decimal("92.00")  # 46 of 50 saved in time
    assert attempt.is_passed


def test_close_expired_finalises_overdue_attempts(certification, agent) -> None:
    start = utcnow() - timedelta(hours=2)
    attempt = attempts.start_attempt(certification, agent, now=start)
    assert attempts.close_expired() == 1
    assert attempt.state == AttemptState.GRADED and attempt.finished_at == attempt.deadline_at
    assert attempts.close_expired() == 0


def test_submitting_twice_grades_once_and_a_later_save_is_refused(certification, agent) -> None:
    attempt = attempts.start_attempt(certification, agent, rng=random.Random(5))
    answer_all(attempt, agent, right=40)
    attempts.submit_attempt(attempt, agent.id)
    graded_at = attempt.graded_at
    attempts.submit_attempt(attempt, agent.id)
    assert attempt.graded_at == graded_at
    assert attempt.percent == Decimal("80.00") and attempt.is_passed
    with pytest.raises(AttemptClosed):
        attempts.save_answers(attempt.id, agent.id, [AnswerSave(1, 1, None, "late")])
    ledger = records.records_of(agent.id)
    assert [(r.kind.value, r.result, r.score) for r in ledger] == [
        ("exam", "passed", Decimal("80.00"))
    ]


def test_a_pass_issues_a_certificate_valid_twelve_months_verifiable_and_revocable(
    certification, agent, create_user
) -> None:
    attempt = attempts.start_attempt(certification, agent)
    answer_all(attempt, agent, right=50)
    attempts.submit_attempt(attempt, agent.id)
    certificate = certificates.certificate_of_attempt(attempt.id)
    assert certificate is not None and certificate.holder_name == "王堃"
    assert certificate.expires_on == certificates.add_months(certificate.issued_on, 12)
    check = certificates.verify(certificate.serial.lower())
    assert check.status == "valid" and check.masked_name == "王*"
    assert certificates.verify("SA-2026-NOPE-NOPE") is None
    hr = create_user(roles=("hr",))
    certificates.revoke(certificate, "冒名顶替考试", hr.id)
    assert certificates.verify(certificate.serial).status == "revoked"
    later = certificate.expires_on + timedelta(days=1)
    certificate.revoked_at = None
    assert certificates.verify(certificate.serial, today=later).status == "expired"


def test_a_fail_gives_no_certificate_and_the_next_attempt_waits_24_hours(
    certification, agent
) -> None:
    now = utcnow()
    attempt = attempts.start_attempt(certification, agent, now=now)
    answer_all(attempt, agent, right=39)
    attempts.submit_attempt(attempt, agent.id, now=now)
    assert attempt.percent == Decimal("78.00") and attempt.is_passed is False
    assert certificates.certificate_of_attempt(attempt.id) is None
    soon = papers.availability(certification, agent, now + timedelta(hours=23))
    assert not soon.can_start and soon.attempts_left == 2
    assert papers.availability(certification, agent, now + timedelta(hours=24)).can_start


def test_three_failed_attempts_use_them_all_unless_an_override_adds_one(
    certification, agent
) -> None:
    certification.attempt_wait_minutes = 0
    for _n in range(3):
        attempt = attempts.start_attempt(certification, agent)
        attempts.submit_attempt(attempt, agent.id)
    with pytest.raises(NotAvailable):
        attempts.start_attempt(certification, agent)
    from lms.exams.models import ExamOverride

    db.session.add(
        ExamOverride(exam_id=certification.id, user_id=agent.id, extra_attempts=1, extra_minutes=30)
    )
    db.session.flush()
    fourth = attempts.start_attempt(certification, agent)
    assert fourth.number == 4
    assert fourth.deadline_at == fourth.started_at + timedelta(minutes=90)


def test_the_audience_keeps_others_out(certification, create_user) -> None:
    trainer = create_user(roles=("trainer",))
    assert not papers.availability(certification, trainer).can_start
    certification.status = ExamStatus.DRAFT
    agent = create_user()
    assert not papers.availability(certification, agent).can_start


def test_the_closing_time_caps_the_deadline(certification, agent) -> None:
    now = utcnow()
    certification.closes_at = now + timedelta(minutes=20)
    attempt = attempts.start_attempt(certification, agent, now=now)
    assert attempt.deadline_at == certification.closes_at


def test_an_essay_waits_in_the_queue_and_the_attempt_is_graded_when_it_is_marked(
    certification, agent, create_user
) -> None:
    exam = essay_exam()
    attempt = attempts.start_attempt(exam, agent)
    shown = attempts.present(attempt)
    saves = [
        AnswerSave(shown[0].position, 0, right_response(shown[0]), "1"),
        AnswerSave(shown[1].position, 0, "先共情，再核实，再给方案。", "2"),
    ]
    attempts.save_answers(attempt.id, agent.id, saves)
    attempts.submit_attempt(attempt, agent.id)
    assert attempt.state == AttemptState.SUBMITTED
    queue = grading.grading_queue()
    assert [a.id for a in queue] == [shown[1].answer.id]
    trainer = create_user(roles=("trainer",))
    with pytest.raises(ExamError, match="0 到 4"):
        grading.grade_by_hand(queue[0], 5.0, "", trainer.id)
    grading.grade_by_hand(queue[0], 3.0, "结构清楚", trainer.id)
    assert attempt.state == AttemptState.GRADED
    assert attempt.percent == Decimal("80.00")  # (1 + 3) / 5
    assert grading.grading_queue() == []


def test_correcting_a_key_and_regrading_records_old_and_new_scores(
    certification, agent, create_user
) -> None:
    exam = Exam(
        title="单题", status=ExamStatus.PUBLISHED, pass_percent=Decimal(100), audience={}, review={}
    )
    question = db.session.scalar(
        sa.select(Question).where(Question.type == "single_choice").order_by(Question.id)
    )
    exam.draw_rules = [ExamDrawRule(position=1, question_id=question.id)]
    db.session.add(exam)
    db.session.flush()
    attempt = attempts.start_attempt(exam, agent)
    shown = attempts.present(attempt)[0]
    wrong = wrong_response(shown)
    attempts.save_answers(attempt.id, agent.id, [AnswerSave(shown.position, 0, wrong, "w")])
    attempts.submit_attempt(attempt, agent.id)
    assert attempt.percent == Decimal("0.00") and not attempt.is_passed
    # The trainer decides the key was wrong: the learner's option is right after all.
    version = question.current_version

    def corrected(payload):
        choices = [
            dict(c, fraction=1.0 if n == wrong else 0.0) for n, c in enumerate(payload["choices"])
        ]
        return {**payload, "choices": choices}

    draft = bank.QuestionDraft(
        category=question.category,
        type=question.type,
        name=version.name,
        text=version.text,
        payload=corrected(version.payload),
        text_en=version.text_en,
        payload_en=corrected(version.payload_en) if version.payload_en else None,
    )
    trainer = create_user(roles=("trainer",))
    bank.revise_question(question, draft, trainer.id)
    assert grading.regradable_count(question) == 1
    report = grading.regrade_question(question, trainer.id)
    assert report.answers == 1 and report.attempts_changed == 1
    row = report.rows[0]
    assert (row.old_mark, row.new_mark) == (0.0, 1.0)
    assert (row.old_percent, row.new_percent) == (Decimal("0.00"), Decimal("100.00"))
    assert attempt.is_passed
    assert records.records_of(agent.id)[0].result == "passed"


def test_the_exam_grade_follows_the_grading_method() -> None:
    from types import SimpleNamespace

    from lms.exams.models import GradingMethod

    graded = [SimpleNamespace(percent=Decimal(p)) for p in ("60", "90", "75")]
    assert grading.exam_grade(GradingMethod.HIGHEST, graded) == Decimal("90")
    assert grading.exam_grade(GradingMethod.FIRST, graded) == Decimal("60")
    assert grading.exam_grade(GradingMethod.LAST, graded) == Decimal("75")
    assert grading.exam_grade(GradingMethod.AVERAGE, graded) == Decimal("75.00")
    assert grading.exam_grade(GradingMethod.HIGHEST, []) is None


def test_names_are_masked_for_the_public_page() -> None:
    assert certificates.mask_name("王芳") == "王*"
    assert certificates.mask_name("黄晓燕") == "黄*燕"
    assert certificates.mask_name("买买提·艾力") == "买****力"


def test_an_unanswered_attempt_still_counts_and_saves_nothing(certification, agent) -> None:
    attempt = attempts.start_attempt(certification, agent)
    attempts.submit_attempt(attempt, agent.id)
    assert attempt.percent == Decimal("0.00")
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Answer.id)).where(
                Answer.attempt_id == attempt.id, Answer.revision > 0
            )
        )
        == 0
    )


def test_a_tab_whose_reply_was_lost_may_still_change_its_answer(certification, agent) -> None:
    attempt = attempts.start_attempt(certification, agent)
    question = next(q for q in attempts.present(attempt) if q.type == "true_false")
    attempts.save_answers(attempt.id, agent.id, [AnswerSave(question.position, 0, True, "tab1:1")])
    # The reply to tab1:1 never arrived, so the tab still believes revision 0.
    later = attempts.save_answers(
        attempt.id, agent.id, [AnswerSave(question.position, 0, False, "tab1:2")]
    ).results
    assert later[0].status == "saved" and question.answer.response is False
