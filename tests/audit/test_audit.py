"""The audit trail: each sensitive change, made through its own service, writes one event
with who, what, whom, before and after; the log is append-only; admins filter and export it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from lms.accounts import services as accounts
from lms.accounts import user_import
from lms.accounts.models import Level, Role
from lms.audit import services as audit
from lms.audit.errors import AuditLogIsAppendOnly
from lms.audit.models import AuditEvent
from lms.career import services as career
from lms.career.models.decisions import Outcome
from lms.career.services import kpis
from lms.exams.models import Exam, ExamDrawRule, ExamStatus, Question
from lms.exams.services import attempts, bank, certificates, grading, interchange
from lms.exams.services.attempts import AnswerSave
from lms.extensions import db
from lms.records import services as records

TODAY = date(2026, 12, 15)
BANK = """$CATEGORY: 审计/样题

::TF1:: 接到投诉先表示理解。 {T}

::SC1:: 客户情绪激动时，第一步做什么？ {=先共情 ~先解释规定 ~转给主管}

::ES1:: 请写出一次投诉处理的步骤。 {}
"""


@pytest.fixture(autouse=True)
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def people(db_session, create_user):
    hire = date(2025, 3, 1)
    return {
        "admin": create_user(employee_no="AD01", name="管理员甲", roles=("admin",)),
        "hr": create_user(employee_no="HR01", name="人事乙", roles=("hr",)),
        "trainer": create_user(employee_no="TR01", name="讲师丙", roles=("trainer",)),
        "agent": create_user(
            employee_no="KF01", name="坐席丁", level=Level.JUNIOR, hire_date=hire, level_since=hire
        ),
        "other": create_user(employee_no="KF02", name="坐席戊"),
    }


# The log refuses deletes, so each test looks at the events after a mark it takes.
def events(action: str | None = None) -> list[AuditEvent]:
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(db.session.scalars(stmt))


def only_event(action: str) -> AuditEvent:
    found = events()
    assert [e.action for e in found] == [action], [e.action for e in found]
    return found[0]


def details_of(user, **changes) -> accounts.UserDetails:
    values = {
        "employee_no": user.employee_no,
        "name": user.name,
        "roles": set(user.roles),
        "department_id": user.department_id,
        "hire_date": user.hire_date,
        "level": user.level,
        "level_since": user.level_since,
    }
    return accounts.UserDetails(**{**values, **changes})


# --- accounts ---------------------------------------------------------------------------------


def test_a_role_change_is_logged_with_the_roles_before_and_after(people) -> None:
    admin, agent = people["admin"], people["agent"]
    mark = len(events())
    accounts.update_user(agent, details_of(agent, roles={Role.AGENT, Role.TRAINER}), admin.id)

    [event] = events()[mark:]
    assert event.action == "accounts.roles_changed"
    assert (event.actor_id, event.subject_type, event.subject_id) == (admin.id, "user", agent.id)
    assert event.subject_user_id == agent.id
    assert event.before == {"roles": ["agent"]}
    assert event.after == {"roles": ["agent", "trainer"]}
    assert audit.lines_of([event])[0].text == "Changed the roles of 坐席丁"


def test_an_edit_that_keeps_the_roles_logs_nothing(people) -> None:
    agent = people["agent"]
    mark = len(events())
    accounts.update_user(agent, details_of(agent, name="坐席丁丁"), people["admin"].id)
    assert events()[mark:] == []


def test_a_password_reset_is_logged_without_any_password(people) -> None:
    admin, agent = people["admin"], people["agent"]
    mark = len(events())
    temporary = accounts.reset_password(agent, by_id=admin.id)

    [event] = events()[mark:]
    assert event.action == "accounts.password_reset"
    assert (event.actor_id, event.subject_user_id) == (admin.id, agent.id)
    assert event.before == {"must_change_password": False}
    assert event.after == {"must_change_password": True}
    stored = repr((event.params, event.before, event.after, event.message))
    assert temporary not in stored and agent.password_hash not in stored


def test_secrets_are_refused_whoever_writes_them(people) -> None:
    with pytest.raises(ValueError, match="secret"):
        audit.record(
            "accounts.password_reset",
            actor_id=None,
            subject_type="user",
            subject_id=people["agent"].id,
            message="x",
            after={"password_hash": "scrypt:..."},
        )


def test_a_user_import_is_logged_with_its_counts_and_file(people) -> None:
    admin = people["admin"]
    content = "工号,姓名,部门,角色,入职日期\r\nKF91,新人甲,客服中心/一组,客服,2026-11-01\r\n"
    content += "KF92,新人乙,客服中心/二组,客服,2026-11-01\r\n"
    mark = len(events())
    summary = user_import.import_users("新人.csv", content.encode(), imported_by=admin)

    [event] = events()[mark:]
    assert event.action == "accounts.users_imported" and event.actor_id == admin.id
    assert event.subject_type == "user_import" and event.subject_id is not None
    assert event.after == {
        "filename": "新人.csv",
        "users_created": 2,
        "departments_created": summary.departments_created,
    }
    assert summary.initial_password not in repr(event.after)
    assert audit.lines_of([event])[0].text == "Imported 2 people from 新人.csv"


# --- exams --------------------------------------------------------------------------------------


@pytest.fixture
def bank_questions(people) -> dict[str, Question]:
    created = interchange.import_questions("样题.gift", BANK.encode(), (), people["trainer"].id)
    return {q.current_version.name: q for q in created}


def exam_of(*questions: Question, certificate_months: int | None = None) -> Exam:
    exam = Exam(
        title="审计考试",
        status=ExamStatus.PUBLISHED,
        pass_percent=Decimal(50),
        audience={},
        review={},
        certificate_months=certificate_months,
    )
    exam.draw_rules = [
        ExamDrawRule(position=n, question_id=q.id, mark=1.0)
        for n, q in enumerate(questions, start=1)
    ]
    db.session.add(exam)
    db.session.flush()
    return exam


def sit(exam: Exam, user, responses: list) -> attempts.Attempt:
    attempt = attempts.start_attempt(exam, user)
    shown = attempts.present(attempt)
    saves = [
        AnswerSave(q.position, 0, response, f"s{n}")
        for n, (q, response) in enumerate(zip(shown, responses, strict=True))
    ]
    attempts.save_answers(attempt.id, user.id, saves)
    attempts.submit_attempt(attempt, user.id)
    return attempt


def test_a_question_import_is_logged_with_what_it_added(people) -> None:
    trainer = people["trainer"]
    mark = len(events())
    interchange.import_questions("样题.gift", BANK.encode(), (), trainer.id)

    [event] = events()[mark:]
    assert event.action == "exams.questions_imported" and event.actor_id == trainer.id
    assert event.after["questions"] == 3 and event.after["filename"] == "样题.gift"
    assert event.after["by_type"] == {"essay": 1, "single_choice": 1, "true_false": 1}
    assert event.after["categories"] == ["审计/样题"]


def test_a_confirmed_upload_names_its_staged_import(people) -> None:
    trainer = people["trainer"]
    staged, _preview = interchange.stage_import("样题.gift", BANK.encode(), None, trainer.id)
    mark = len(events())
    interchange.confirm_import(staged, trainer.id)
    [event] = events()[mark:]
    assert (event.subject_type, event.subject_id) == ("question_import", staged.id)


def test_marking_by_hand_is_logged_with_the_mark_and_result_before_and_after(
    people, bank_questions
) -> None:
    agent, trainer = people["agent"], people["trainer"]
    exam = exam_of(bank_questions["TF1"], bank_questions["ES1"])
    attempt = sit(exam, agent, [False, "先共情，再核实，再给方案。"])
    [waiting] = grading.grading_queue()
    mark = len(events())
    grading.grade_by_hand(waiting, 1.0, "步骤清楚", trainer.id)

    [event] = events()[mark:]
    assert event.action == "exams.grade_overridden"
    assert (event.actor_id, event.subject_user_id) == (trainer.id, agent.id)
    assert (event.subject_type, event.subject_id) == ("answer", waiting.id)
    assert event.before == {"mark": None, "percent": None, "passed": None}
    assert event.after == {"mark": 1.0, "comment": "步骤清楚", "percent": "50.00", "passed": True}
    assert attempt.percent == Decimal("50.00")
    text = audit.lines_of([event])[0].text
    assert text == "Marked question 2 of attempt 1 at 审计考试"


def test_a_regrade_is_logged_per_attempt_with_the_score_before_and_after(
    people, bank_questions
) -> None:
    agent, trainer = people["agent"], people["trainer"]
    question = bank_questions["SC1"]
    exam = exam_of(question)
    attempt = attempts.start_attempt(exam, agent)
    [shown] = attempts.present(attempt)
    right = attempts.right_answer(shown)
    wrong = next(i for i, _text in shown.choices if i != right)
    attempts.save_answers(attempt.id, agent.id, [AnswerSave(shown.position, 0, wrong, "w")])
    attempts.submit_attempt(attempt, agent.id)
    assert attempt.percent == Decimal("0.00")
    version = question.current_version
    choices = [
        dict(c, fraction=1.0 if n == wrong else 0.0)
        for n, c in enumerate(version.payload["choices"])
    ]
    bank.revise_question(
        question,
        bank.QuestionDraft(
            category=question.category,
            type=question.type,
            name=version.name,
            text=version.text,
            payload={**version.payload, "choices": choices},
        ),
        trainer.id,
    )
    mark = len(events())
    grading.regrade_question(question, trainer.id)

    [event] = events()[mark:]
    assert event.action == "exams.regraded" and event.actor_id == trainer.id
    assert (event.subject_type, event.subject_id, event.subject_user_id) == (
        "attempt",
        attempt.id,
        agent.id,
    )
    assert event.before == {"percent": "0.00", "passed": False}
    assert event.after == {"percent": "100.00", "passed": True, "question_version": 2}


def test_a_revoked_certificate_is_logged_with_the_reason(people, bank_questions) -> None:
    agent, hr = people["agent"], people["hr"]
    exam = exam_of(bank_questions["TF1"], certificate_months=12)
    attempt = sit(exam, agent, [True])
    certificate = certificates.certificate_of_attempt(attempt.id)
    assert certificate is not None
    mark = len(events())
    certificates.revoke(certificate, "冒名顶替考试", hr.id)

    [event] = events()[mark:]
    assert event.action == "exams.certificate_revoked"
    assert (event.actor_id, event.subject_user_id) == (hr.id, agent.id)
    assert (event.subject_type, event.subject_id) == ("certificate", certificate.id)
    assert event.before == {"status": "valid"}
    assert event.after == {"status": "revoked", "reason": "冒名顶替考试"}
    assert audit.lines_of([event])[0].text == f"Revoked certificate {certificate.serial}"


# --- career -----------------------------------------------------------------------------------


RULE = [{"kind": "months_at_level", "months": 12}]


def test_a_rule_change_is_logged_with_the_versions_before_and_after(people) -> None:
    hr = people["hr"]
    career.save_rule_version("junior", RULE, date(2026, 1, 1), "起步", by_id=hr.id)
    first = events()[-1]
    assert first.action == "career.rule_changed" and first.before is None
    mark = len(events())
    newer = [{"kind": "months_at_level", "months": 18}]
    version = career.save_rule_version("junior", newer, date(2026, 7, 1), "放缓", by_id=hr.id)

    [event] = events()[mark:]
    assert event.actor_id == hr.id
    assert (event.subject_type, event.subject_id) == ("promotion_rule", version.rule_id)
    assert event.before["version"] == 1 and event.after["version"] == 2
    assert event.before["conditions"] == RULE and event.after["conditions"] == newer
    assert (event.before["effective_from"], event.after["effective_from"]) == (
        "2026-01-01",
        "2026-07-01",
    )
    assert event.after["from_level"] == "junior" and event.after["note"] == "放缓"


def test_a_kpi_import_is_logged_with_its_counts(people) -> None:
    hr = people["hr"]
    lines = ["工号,姓名,月份,满意度", "KF01,坐席丁,2026-10,92.5", "KF02,坐席戊,2026-10,88"]
    mark = len(events())
    report = kpis.import_kpis("kpi.csv", ("\r\n".join(lines) + "\r\n").encode(), hr.id, TODAY)

    [event] = events()[mark:]
    assert event.action == "career.kpis_imported" and event.actor_id == hr.id
    assert (event.subject_type, event.subject_id) == ("kpi_import", report.import_id)
    assert event.after == {
        "filename": "kpi.csv",
        "rows": 2,
        "agents": 2,
        "months": ["2026-10"],
        "values_written": 2,
        "values_replaced": 0,
        "values_removed": 0,
    }


def promote(agent, hr, effective_on: date = date(2026, 12, 1)):
    career.save_rule_version("junior", RULE, date(2026, 1, 1), "", by_id=None)
    form = career.DecisionForm(Outcome.PROMOTE, "Ready for mid level.", effective_on)
    return career.record_decision(agent.id, form, by_id=hr.id, today=TODAY)


def test_a_promotion_is_logged_with_the_level_and_its_date_before_and_after(people) -> None:
    agent, hr = people["agent"], people["hr"]
    decision = promote(agent, hr)

    event = events("career.promotion_decided")[-1]
    assert (event.actor_id, event.subject_user_id) == (hr.id, agent.id)
    assert (event.subject_type, event.subject_id) == ("promotion_decision", decision.id)
    assert event.before == {"level": "junior", "level_since": "2025-03-01"}
    after = dict(event.after)
    assert after.pop("level") == "mid" and after.pop("level_since") == "2026-12-01"
    assert after == {
        "outcome": "promote",
        "reason": "Ready for mid level.",
        "rule_version_id": decision.rule_version_id,
        "rule_version": 1,
        "eligible": True,
        "conditions_short": 0,
    }
    assert audit.lines_of([event])[0].text == "Promoted to the next level from 2026-12-01"


def test_a_deferral_keeps_the_level_and_logs_the_outcome_and_reason(people) -> None:
    agent, hr = people["agent"], people["hr"]
    career.save_rule_version(
        "junior", [{"kind": "months_at_level", "months": 36}], date(2026, 1, 1), "", by_id=None
    )
    form = career.DecisionForm(Outcome.DEFER, "Not yet three years.")
    career.record_decision(agent.id, form, by_id=hr.id, today=TODAY)

    event = events("career.promotion_decided")[-1]
    level = {"level": "junior", "level_since": "2025-03-01"}
    assert event.before == level
    assert {k: event.after[k] for k in level} == level
    assert event.after["outcome"] == "defer" and event.after["reason"] == "Not yet three years."
    assert event.after["eligible"] is False and event.after["conditions_short"] == 1
    changed = [c.field for c in audit.changes_of(event) if c.changed]
    assert "Level" not in changed and "Decision" in changed


# --- records ------------------------------------------------------------------------------------


def test_a_record_correction_is_logged_with_the_fields_before_and_after(people) -> None:
    agent, hr = people["agent"], people["hr"]
    record = records.record_participation(
        user_id=agent.id,
        kind=records.ParticipationKind.COURSE,
        source_key="course:9",
        title="投诉处理",
        occurred_on=date(2026, 11, 2),
        minutes=90,
        result="completed",
    )
    values = records.RecordValues.of(record)
    corrected = records.RecordValues(**{**values.__dict__, "minutes": 120, "result": "passed"})
    mark = len(events())
    records.correct_record(record, corrected, "签到表显示全程参加", hr.id)

    [event] = events()[mark:]
    assert event.action == "records.record_corrected"
    assert (event.actor_id, event.subject_user_id) == (hr.id, agent.id)
    assert (event.subject_type, event.subject_id) == ("participation_record", record.id)
    assert event.before == {"minutes": "90", "result": "completed"}
    assert event.after == {"minutes": "120", "result": "passed"}
    shown = {c.field: (c.before, c.after) for c in audit.changes_of(event)}
    assert shown["Result"] == ("Completed", "Passed")


# --- one transaction with the change; append-only ---------------------------------------------


def test_a_rolled_back_change_leaves_no_event(people) -> None:
    admin, agent = people["admin"], people["agent"]
    db.session.commit()
    mark = len(events())
    accounts.update_user(agent, details_of(agent, roles={Role.AGENT, Role.HR}), admin.id)
    assert len(events()) == mark + 1
    db.session.rollback()
    assert len(events()) == mark
    assert db.session.get(type(agent), agent.id).roles == {Role.AGENT}


def a_logged_event(people) -> AuditEvent:
    accounts.reset_password(people["agent"], by_id=people["admin"].id)
    db.session.commit()
    return events("accounts.password_reset")[-1]


def test_the_orm_refuses_to_change_or_delete_an_event(people) -> None:
    event = a_logged_event(people)
    event.after = {"must_change_password": False}
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(sa.update(AuditEvent).values(action="x"))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(sa.delete(AuditEvent))
    assert db.session.get(AuditEvent, event.id).after == {"must_change_password": True}


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"],
)
def test_the_database_refuses_to_change_or_delete_an_event(people, statement: str) -> None:
    event = a_logged_event(people)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):  # noqa: SIM117
        with db.session.begin_nested():
            db.session.connection().exec_driver_sql(statement)
    kept = db.session.connection().exec_driver_sql(
        f"SELECT action FROM audit_event WHERE id = {event.id}"
    )
    assert kept.scalar() == "accounts.password_reset"


# --- the admin page -----------------------------------------------------------------------------


def sign_in_as(client, user) -> None:
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def page(client, **query) -> str:
    response = client.get("/admin/audit", query_string=query, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def ids_on(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-event-id="(\d+)"', html)]


def test_the_audit_log_shows_a_promotion_decision_with_before_and_after(client, people) -> None:
    agent, hr, admin = people["agent"], people["hr"], people["admin"]
    promote(agent, hr)
    sign_in_as(client, admin)

    html = page(client, action="career.promotion_decided")

    [event_id] = ids_on(html)
    row = html[html.index(f'data-event-id="{event_id}"') : html.index("</table>\n</div>")]
    assert "坐席丁 (KF01)" in row  # the agent it concerns
    assert "人事乙 (HR01)" in row  # who decided
    assert "Promotion decision" in row and "Promoted to the next level from 2026-12-01" in row
    before_after = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    assert "Level Junior service agent → Mid-level service agent" in before_after
    assert "Level since 2025-03-01 → 2026-12-01" in before_after
    assert "Reason — → Ready for mid level." in before_after


def test_the_page_filters_by_action_person_and_date(client, people) -> None:
    admin, agent, other, hr = people["admin"], people["agent"], people["other"], people["hr"]
    mark = len(events())
    autumn = datetime(2026, 10, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    winter = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 2 December, 00:30 in Shanghai
    for user, when in ((agent, autumn), (other, winter)):
        audit.record(
            "accounts.password_reset",
            actor_id=admin.id,
            subject_type="user",
            subject_id=user.id,
            subject_user_id=user.id,
            message=audit.N_("Reset the password of %(name)s"),
            params={"name": user.name},
            now=when,
        )
    audit.record(
        "career.rule_changed",
        actor_id=hr.id,
        subject_type="promotion_rule",
        subject_id=1,
        message="Saved version %(number)d of a promotion rule, in force from %(date)s",
        params={"number": 1, "date": "2026-01-01"},
        now=winter,
    )
    first, second, third = (e.id for e in events()[mark:])
    sign_in_as(client, admin)

    assert ids_on(page(client))[:3] == [third, second, first]  # newest first
    assert ids_on(page(client, action="accounts.password_reset")) == [second, first]
    assert ids_on(page(client, subject="KF02")) == [second]
    assert ids_on(page(client, subject="坐席丁")) == [first]
    assert ids_on(page(client, actor="人事乙")) == [third]
    assert set(ids_on(page(client, date_from="2026-12-02", date_to="2026-12-02"))) == {
        second,
        third,
    }
    assert ids_on(page(client, date_from="2026-10-01", date_to="2026-10-31")) == [first]
    refused = client.get("/admin/audit?date_from=2026-12-02&date_to=2026-12-01")
    assert refused.status_code == 400


def test_the_export_has_the_rows_the_page_shows(client, people) -> None:
    admin, agent, hr = people["admin"], people["agent"], people["hr"]
    promote(agent, hr)
    accounts.reset_password(agent, by_id=admin.id)
    accounts.reset_password(people["other"], by_id=admin.id)
    sign_in_as(client, admin)
    query = {"subject": "KF01"}

    shown = ids_on(page(client, **query))
    assert len(shown) == 2

    english = {"Accept-Language": "en"}
    csv_response = client.get("/admin/audit/export.csv", query_string=query, headers=english)
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_response.get_data().decode("utf-8-sig"))))
    assert [int(r[0]) for r in rows[1:]] == shown
    promotion = next(r for r in rows[1:] if r[4] == "Promotion decision")
    assert (promotion[2], promotion[3], promotion[6], promotion[7]) == (
        "HR01",
        "人事乙",
        "KF01",
        "坐席丁",
    )
    assert "Level: Junior service agent" in promotion[9]
    assert "Level: Mid-level service agent" in promotion[10]

    xlsx = client.get("/admin/audit/export.xlsx", query_string=query, headers=english)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.get_data()), read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [int(r[0]) for r in values[1:]] == shown
    assert values[0][0] == rows[0][0] and values[1][5] == rows[1][5]


@pytest.mark.parametrize("role", ["agent", "trainer", "hr"])
def test_only_admins_see_the_log_and_its_export(client, signed_in, role: str) -> None:
    signed_in(role)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403
    assert client.get("/admin/audit/export.xlsx").status_code == 403
