"""Classroom sessions without HTTP: invitations, the waiting list, check-in, attendance, the
ledger and ratings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from lms.accounts import services as accounts
from lms.errors import FieldErrors
from lms.records import services as records
from lms.training.errors import CheckInRefused, RatingRefused, SessionError
from lms.training.services import sessions as service
from lms.training.services.sessions import Attendance, InvitationStatus, TrainingCategory
from tests.training.session_fixtures import (  # noqa: F401 (fixtures)
    BEFORE,
    END,
    START,
    schedule_fixture,
    trainer_fixture,
)


def status_of(session, user) -> InvitationStatus:
    return service.invitation_of(session, user.id).status


# --- scheduling and invitations ---------------------------------------------------------------


def test_saving_invites_the_audience_once(schedule, create_user, create_department) -> None:
    team = create_department("客服中心/热线部/一组")
    a, b = create_user(department=team), create_user(department=team)
    outsider = create_user()
    session = schedule(department_ids=(team.id,))
    invited = {i.user_id for i in service._invitations(session)}
    assert invited == {a.id, b.id}
    assert outsider.id not in invited
    late_joiner = create_user(department=team)
    assert service.invite_audience(session, now=BEFORE) == 1
    assert service.invite_audience(session, now=BEFORE) == 0
    assert status_of(session, late_joiner) == InvitationStatus.INVITED


def test_minutes_default_to_the_length_and_are_capped_by_it(schedule, create_user) -> None:
    agent = create_user()
    assert schedule(agent).minutes == 90
    assert schedule(agent, minutes=60).minutes == 60
    with pytest.raises(FieldErrors) as refusal:
        schedule(agent, minutes=120)
    assert [field for field, _ in refusal.value.pairs] == ["minutes"]


def test_a_session_needs_an_audience_a_trainer_and_a_sane_time(trainer, create_user) -> None:
    agent = create_user()
    details = service.SessionDetails(
        topic="",
        category=TrainingCategory.ONBOARDING,
        starts_at=START,
        ends_at=START - timedelta(minutes=5),
        location="",
        trainer_id=agent.id,  # not a trainer
        audience=accounts.Audience(),
        named_employee_nos=("NOBODY",),
    )
    with pytest.raises(FieldErrors) as refusal:
        service.save_session(None, details, trainer.id, now=BEFORE)
    fields = {field for field, _ in refusal.value.pairs}
    assert fields == {"topic", "location", "ends_at", "trainer_id", "named_people"}
    empty = service.SessionDetails(
        topic="x",
        category=TrainingCategory.ONBOARDING,
        starts_at=START,
        ends_at=END,
        location="A",
        trainer_id=trainer.id,
        audience=accounts.Audience(),
    )
    with pytest.raises(FieldErrors) as refusal:
        service.save_session(None, empty, trainer.id, now=BEFORE)
    assert [field for field, _ in refusal.value.pairs] == ["audience"]


def test_named_people_are_invited_by_employee_number(trainer, create_user) -> None:
    agent = create_user(employee_no="KF0101")
    details = service.SessionDetails(
        topic="产品知识",
        category=TrainingCategory.PRODUCT_KNOWLEDGE,
        starts_at=START,
        ends_at=END,
        location="A",
        trainer_id=trainer.id,
        audience=accounts.Audience(),
        named_employee_nos=("kf0101",),
    )
    session = service.save_session(None, details, trainer.id, now=BEFORE)
    assert session.audience["user_ids"] == [agent.id]
    assert status_of(session, agent) == InvitationStatus.INVITED


# --- answers, capacity, the waiting list ------------------------------------------------------


def test_capacity_sends_later_acceptances_to_the_waiting_list(schedule, create_user) -> None:
    a, b, c, d = (create_user() for _ in range(4))
    session = schedule(a, b, c, d, capacity=2)
    for number, person in enumerate((a, b, c, d)):
        service.respond(session, person.id, accept=True, now=BEFORE + timedelta(minutes=number))
    assert [status_of(session, p) for p in (a, b, c, d)] == [
        InvitationStatus.ACCEPTED,
        InvitationStatus.ACCEPTED,
        InvitationStatus.WAITING,
        InvitationStatus.WAITING,
    ]
    assert service.seats(session).free == 0
    assert service.waiting_position(service.invitation_of(session, d.id)) == 2


def test_the_first_waiting_moves_up_when_someone_declines(schedule, create_user) -> None:
    a, b, c, d = (create_user() for _ in range(4))
    session = schedule(a, b, c, d, capacity=1)
    for number, person in enumerate((a, b, c)):
        service.respond(session, person.id, accept=True, now=BEFORE + timedelta(minutes=number))
    service.respond(session, a.id, accept=False, now=BEFORE + timedelta(hours=1))
    assert status_of(session, a) == InvitationStatus.DECLINED
    assert status_of(session, b) == InvitationStatus.ACCEPTED
    assert status_of(session, c) == InvitationStatus.WAITING
    # A newcomer does not jump the queue when the seat frees again.
    service.respond(session, d.id, accept=True, now=BEFORE + timedelta(hours=2))
    service.remove_invitee(session, b.id)
    assert status_of(session, c) == InvitationStatus.ACCEPTED
    assert status_of(session, d) == InvitationStatus.WAITING


def test_answers_can_change_until_the_start_only(schedule, create_user) -> None:
    agent = create_user()
    session = schedule(agent)
    service.respond(session, agent.id, accept=False, now=BEFORE)
    service.respond(session, agent.id, accept=True, now=START - timedelta(seconds=1))
    assert status_of(session, agent) == InvitationStatus.ACCEPTED
    with pytest.raises(SessionError):
        service.respond(session, agent.id, accept=False, now=START)


def test_someone_not_invited_cannot_answer(schedule, create_user) -> None:
    session = schedule(create_user())
    with pytest.raises(SessionError):
        service.respond(session, create_user().id, accept=True, now=BEFORE)


# --- check-in ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "outcome"),
    [
        (START - timedelta(minutes=15, seconds=1), "refused"),
        (START - timedelta(minutes=15), Attendance.PRESENT),
        (START + timedelta(minutes=10), Attendance.PRESENT),
        (START + timedelta(minutes=10, seconds=1), Attendance.LATE),
        (END - timedelta(seconds=1), Attendance.LATE),
        (END, "refused"),
    ],
)
def test_check_in_window_and_late_threshold(schedule, create_user, moment, outcome) -> None:
    agent = create_user()
    session = schedule(agent)
    service.respond(session, agent.id, accept=True, now=BEFORE)
    if outcome == "refused":
        with pytest.raises(CheckInRefused) as refusal:
            service.check_in(session, agent.id, session.checkin_code, now=moment)
        assert refusal.value.pairs[0][0] == "code"
        assert service.invitation_of(session, agent.id).attendance is None
    else:
        assert service.check_in(session, agent.id, session.checkin_code, now=moment) == outcome


def test_codes_are_six_unambiguous_characters_and_typed_loosely(schedule, create_user) -> None:
    agent = create_user()
    session = schedule(agent)
    assert len(session.checkin_code) == 6
    assert not set(session.checkin_code) & set("01IO")
    typed = " " + session.checkin_code[:3].lower() + "-" + session.checkin_code[3:] + " "
    assert service.check_in(session, agent.id, typed, now=START) == Attendance.PRESENT


def test_wrong_codes_are_throttled(schedule, create_user) -> None:
    agent = create_user()
    session = schedule(agent)
    wrong = "ZZZZZZ" if session.checkin_code != "ZZZZZZ" else "YYYYYY"
    for _ in range(service.MAX_WRONG_CODES):
        with pytest.raises(CheckInRefused):
            service.check_in(session, agent.id, wrong, now=START)
    with pytest.raises(CheckInRefused) as refusal:
        service.check_in(session, agent.id, session.checkin_code, now=START)
    assert "签到码错误次数过多" in refusal.value.message
    assert service.invitation_of(session, agent.id).attendance is None


def test_a_new_code_replaces_the_old(schedule, create_user) -> None:
    agent = create_user()
    session = schedule(agent)
    old = session.checkin_code
    while session.checkin_code == old:
        service.regenerate_code(session)
    with pytest.raises(CheckInRefused):
        service.check_in(session, agent.id, old, now=START)


# --- attendance and the ledger ----------------------------------------------------------------


def ledger_line(user):
    lines = [
        r for r in records.records_of(user.id) if r.kind == records.ParticipationKind.CLASSROOM
    ]
    assert len(lines) <= 1
    return lines[0] if lines else None


def test_check_in_writes_the_ledger(schedule, create_user, trainer) -> None:
    agent = create_user()
    session = schedule(agent)
    service.check_in(session, agent.id, session.checkin_code, now=START + timedelta(minutes=20))
    line = ledger_line(agent)
    assert line.source_key == f"classroom:{session.id}:user:{agent.id}"
    assert (line.title, line.minutes, line.attendance) == ("投诉升级处理", 90, "late")
    assert line.occurred_on == date(2026, 12, 10)
    assert line.method == records.TrainingMethod.INTERNAL
    assert (line.category, line.trainer, line.location) == ("job-skills", trainer.name, "培训室 A")
    assert records.hours_of(line) == Decimal("2.0")


def test_remarking_attendance_updates_the_one_ledger_row(schedule, create_user) -> None:
    agent = create_user()
    session = schedule(agent)
    service.mark_attendance(session, {agent.id: Attendance.PRESENT}, now=START)
    first = ledger_line(agent)
    service.mark_attendance(session, {agent.id: Attendance.EXCUSED}, now=START)
    again = ledger_line(agent)
    assert again.id == first.id
    assert (again.attendance, again.minutes) == ("excused", 0)
    service.mark_attendance(session, {agent.id: Attendance.LATE}, now=END)
    assert (ledger_line(agent).attendance, ledger_line(agent).minutes) == ("late", 90)


def test_attendance_is_taken_from_the_start_on(schedule, create_user) -> None:
    agent = create_user()
    session = schedule(agent)
    with pytest.raises(SessionError):
        service.mark_attendance(
            session, {agent.id: Attendance.PRESENT}, now=START - timedelta(seconds=1)
        )
    assert service.mark_attendance(session, {agent.id: Attendance.ABSENT}, now=START) == 1


def test_roster_marks_many_and_ignores_strangers(schedule, create_user) -> None:
    a, b = create_user(), create_user()
    stranger = create_user()
    session = schedule(a, b)
    changed = service.mark_attendance(
        session,
        {a.id: Attendance.PRESENT, b.id: Attendance.PRESENT, stranger.id: Attendance.PRESENT},
        now=START,
    )
    assert changed == 2
    assert ledger_line(stranger) is None


def test_editing_a_session_rewrites_its_ledger_lines(schedule, create_user, trainer) -> None:
    agent = create_user()
    session = schedule(agent)
    service.mark_attendance(session, {agent.id: Attendance.PRESENT}, now=START)
    details = service.SessionDetails(
        topic="投诉升级处理（修订）",
        category=TrainingCategory.SERVICE_QUALITY,
        starts_at=START,
        ends_at=END,
        location="培训室 B",
        trainer_id=trainer.id,
        minutes=60,
        audience=accounts.Audience.from_dict(session.audience),
    )
    service.save_session(session, details, trainer.id, now=END)
    line = ledger_line(agent)
    assert (line.title, line.minutes, line.location) == ("投诉升级处理（修订）", 60, "培训室 B")


def test_a_session_with_attendance_cannot_be_cancelled(schedule, create_user) -> None:
    agent = create_user()
    session = schedule(agent)
    service.mark_attendance(session, {agent.id: Attendance.PRESENT}, now=START)
    with pytest.raises(SessionError):
        service.cancel_session(session, now=START)
    other = schedule(agent)
    service.cancel_session(other, now=BEFORE)
    assert other.is_cancelled
    with pytest.raises(CheckInRefused):
        service.check_in(other, agent.id, other.checkin_code, now=START)


# --- ratings ----------------------------------------------------------------------------------

SCORES = {"efficiency": 4, "professionalism": 5, "clarity": 3, "usefulness": 4, "overall": 4}


def test_ratings_averages_and_comments(schedule, create_user) -> None:
    a, b = create_user(), create_user()
    session = schedule(a, b)
    service.mark_attendance(session, {a.id: Attendance.PRESENT, b.id: Attendance.LATE}, now=START)
    service.rate_session(session, a.id, SCORES, "案例很实用", now=END)
    service.rate_session(session, b.id, {**SCORES, "overall": 5, "clarity": 4}, "", now=END)
    summary = service.rating_summary(session)
    assert summary.count == 2
    assert summary.averages["overall"] == Decimal("4.5")
    assert summary.averages["clarity"] == Decimal("3.5")
    assert summary.averages["professionalism"] == Decimal("5.0")
    assert summary.comments == ["案例很实用"]
    assert ledger_line(a).evaluation == "4/5"
    assert ledger_line(b).evaluation == "5/5"


def test_a_rating_is_given_once_by_an_attendee_after_the_end(schedule, create_user) -> None:
    present, absent = create_user(), create_user()
    session = schedule(present, absent)
    service.mark_attendance(
        session, {present.id: Attendance.PRESENT, absent.id: Attendance.ABSENT}, now=START
    )
    with pytest.raises(RatingRefused):
        service.rate_session(session, present.id, SCORES, now=END - timedelta(seconds=1))
    with pytest.raises(RatingRefused):
        service.rate_session(session, absent.id, SCORES, now=END)
    with pytest.raises(RatingRefused) as refusal:
        service.rate_session(session, present.id, {**SCORES, "clarity": 6}, now=END)
    assert refusal.value.pairs == [("clarity", "请在 1 到 5 之间选择。")]
    service.rate_session(session, present.id, SCORES, now=END)
    with pytest.raises(RatingRefused):
        service.rate_session(session, present.id, SCORES, now=END)
    assert service.rating_summary(session).count == 1


# --- what agents see ----------------------------------------------------------------------------


def test_an_agent_sees_only_sessions_they_are_invited_to(schedule, create_user) -> None:
    invited, other = create_user(), create_user()
    session = schedule(invited)
    assert service.session_for_participant(session.id, invited.id) is not None
    assert service.session_for_participant(session.id, other.id) is None
    service.remove_invitee(session, invited.id)
    assert service.session_for_participant(session.id, invited.id) is None
    assert service.my_sessions(other.id, now=BEFORE).upcoming == []


def test_my_sessions_sorts_by_answer_and_time(schedule, create_user) -> None:
    agent = create_user()
    to_answer = schedule(agent)
    accepted = schedule(agent)
    service.respond(accepted, agent.id, accept=True, now=BEFORE)
    past = schedule(agent)
    service.mark_attendance(past, {agent.id: Attendance.PRESENT}, now=START)
    mine = service.my_sessions(agent.id, now=BEFORE)
    assert [line.session.id for line in mine.to_answer] == [to_answer.id, past.id]
    assert [line.session.id for line in mine.upcoming] == [accepted.id]
    after = service.my_sessions(agent.id, now=END)
    assert {line.session.id for line in after.past} == {to_answer.id, accepted.id, past.id}
    rateable = [line for line in after.past if line.may_rate]
    assert [line.session.id for line in rateable] == [past.id]


def test_calendar_places_sessions_on_local_days(schedule, create_user) -> None:
    agent = create_user()
    # 23:30 UTC on the 9th is 07:30 on the 10th in Shanghai.
    early = schedule(
        agent,
        starts_at=datetime(2026, 12, 9, 23, 30, tzinfo=UTC),
        ends_at=datetime(2026, 12, 10, 0, 30, tzinfo=UTC),
    )
    month = service.calendar_month(agent.id, 2026, 12, now=BEFORE)
    assert [d.day for d in month.days_with_sessions] == [date(2026, 12, 10)]
    assert month.days_with_sessions[0].lines[0].session.id == early.id
    assert all(len(week) == 7 for week in month.weeks)
    assert month.weeks[0][0].day.weekday() == 0
    assert (month.previous, month.next) == (date(2026, 11, 1), date(2027, 1, 1))


def test_upcoming_sessions_for_the_dashboard(schedule, create_user) -> None:
    agent = create_user()
    soon = schedule(agent)
    declined = schedule(agent)
    service.respond(declined, agent.id, accept=False, now=BEFORE)
    far = schedule(agent, starts_at=START + timedelta(days=40), ends_at=END + timedelta(days=40))
    cancelled = schedule(agent)
    service.cancel_session(cancelled, now=BEFORE)
    upcoming = service.upcoming_sessions_for(agent.id, date(2026, 12, 7))
    assert [u.id for u in upcoming] == [soon.id]
    assert upcoming[0].status == InvitationStatus.INVITED
    later = service.upcoming_sessions_for(agent.id, date(2026, 12, 7), days=60)
    assert [u.id for u in later] == [soon.id, far.id]
    assert service.upcoming_sessions_for(agent.id, date(2026, 12, 11)) == []
