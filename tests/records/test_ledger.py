"""The ledger for HR: one row per completion, filters, the daily cap, exports, corrections."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from lms.errors import FieldErrors
from lms.extensions import db
from lms.records import services
from lms.records.models import ParticipationRecord, RecordCorrection
from lms.records.services import LedgerFilter, ParticipationKind, RecordValues, TrainingMethod

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def write(user_id: int, **overrides: object) -> ParticipationRecord:
    values = {
        "user_id": user_id,
        "kind": ParticipationKind.COURSE,
        "source_key": f"course:1:user:{user_id}",
        "title": "投诉处理",
        "occurred_on": date(2026, 11, 2),
        "category": "complaint-handling",
        "minutes": 90,
        "result": "completed",
    }
    values.update(overrides)
    return services.record_participation(**values)  # type: ignore[arg-type]


def test_recording_the_same_completion_twice_gives_one_record(create_user) -> None:
    agent = create_user()
    first = write(agent.id, minutes=90, result="completed", evaluation="4/5")
    second = write(agent.id, minutes=120, result="passed", evaluation="5/5", title="投诉处理 2")
    rows = db.session.scalars(
        sa.select(ParticipationRecord).where(ParticipationRecord.user_id == agent.id)
    ).all()
    assert len(rows) == 1
    assert second.id == first.id == rows[0].id
    assert (rows[0].minutes, rows[0].result, rows[0].evaluation, rows[0].title) == (
        120,
        "passed",
        "5/5",
        "投诉处理 2",
    )


# --- the ledger ---------------------------------------------------------------------------------


@pytest.fixture
def people(create_user, create_department):
    centre = create_department("客服中心")
    team_one = create_department("客服中心/在线客服部/一组")
    other = create_department("售后中心/二组")
    zhang = create_user(employee_no="KF001", name="张伟", department=team_one)
    li = create_user(employee_no="KF002", name="李娜", department=other)
    return {"centre": centre, "other": other, "zhang": zhang, "li": li}


def test_the_ledger_filters_by_person_department_kind_method_and_dates(people) -> None:
    zhang, li = people["zhang"], people["li"]
    write(zhang.id, source_key="c:1", occurred_on=date(2026, 10, 1))
    write(
        zhang.id,
        source_key="s:1",
        kind=ParticipationKind.CLASSROOM,
        method=TrainingMethod.INTERNAL,
        category="job-skills",
        occurred_on=date(2026, 11, 5),
    )
    write(li.id, source_key="c:2", occurred_on=date(2026, 11, 6))

    def keys(**criteria: object) -> list[str]:
        page = services.ledger_page(LedgerFilter(**criteria))  # type: ignore[arg-type]
        return [line.record.source_key for line in page.lines]

    assert keys() == ["c:2", "s:1", "c:1"]
    assert keys(person="KF001") == ["s:1", "c:1"]
    assert keys(person="张伟") == ["s:1", "c:1"]
    assert keys(person="zw") == ["s:1", "c:1"]  # pinyin initials, as on the users page
    # A department includes its teams.
    assert keys(department_id=people["centre"].id) == ["s:1", "c:1"]
    assert keys(department_id=people["other"].id) == ["c:2"]
    assert keys(kind=ParticipationKind.CLASSROOM) == ["s:1"]
    assert keys(method=TrainingMethod.ONLINE) == ["c:2", "c:1"]
    assert keys(category="job-skills") == ["s:1"]
    assert keys(date_from=date(2026, 11, 1), date_to=date(2026, 11, 5)) == ["s:1"]


def test_a_line_shows_its_person_and_hours_after_the_daily_cap(people) -> None:
    zhang = people["zhang"]
    day = date(2026, 11, 2)
    write(zhang.id, source_key="a", credit_hours=Decimal(6), minutes=None, occurred_on=day)
    write(zhang.id, source_key="b", credit_hours=Decimal(5), minutes=None, occurred_on=day)
    # The filter shows only the second record; the cap still counts the first one.
    page = services.ledger_page(LedgerFilter(person="KF001", category="complaint-handling"))
    line_b = next(line for line in page.lines if line.record.source_key == "b")
    assert line_b.hours == Decimal(2)  # 8 a day, 6 already credited
    assert (line_b.employee_no, line_b.name) == ("KF001", "张伟")
    assert line_b.department == "客服中心/在线客服部/一组"
    assert line_b.category == services.category_label("complaint-handling") != "complaint-handling"


def test_the_ledger_is_paginated(people) -> None:
    for n in range(5):
        write(people["zhang"].id, source_key=f"p:{n}", occurred_on=date(2026, 11, n + 1))
    page = services.ledger_page(LedgerFilter(), page=2, per_page=2)
    assert page.pagination.total == 5
    assert [line.record.source_key for line in page.lines] == ["p:2", "p:1"]


def test_the_export_keeps_dates_as_dates_and_hours_as_numbers(people) -> None:
    from lms.tabular import write_xlsx

    write(people["zhang"].id, source_key="x", minutes=90, occurred_on=date(2026, 11, 2))
    rows = services.ledger_rows(LedgerFilter())
    content = write_xlsx(services.ledger_headers(), rows, text_columns=[0])
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[1]] == services.ledger_headers()
    values = [cell.value for cell in sheet[2]]
    assert values[0] == "KF001" and sheet.cell(row=2, column=1).number_format == "@"
    assert values[7].date() == date(2026, 11, 2) and sheet.cell(row=2, column=8).is_date
    assert values[8] == 90
    assert values[9] == 2 and sheet.cell(row=2, column=10).data_type == "n"
    assert values[15] == "x"


def test_changing_the_rules_changes_the_ledgers_figures(people, create_user) -> None:
    hr = create_user(roles=("hr",))
    write(people["zhang"].id, source_key="m", minutes=60)
    assert services.ledger_page(LedgerFilter()).lines[0].hours == Decimal(1)
    services.save_hours_settings(services.HoursRules(minutes_per_hour=60, rounding_tenths=1), hr.id)
    assert services.ledger_page(LedgerFilter()).lines[0].hours == Decimal(1)
    services.save_hours_settings(services.HoursRules(minutes_per_hour=40, rounding_tenths=1), hr.id)
    assert services.ledger_page(LedgerFilter()).lines[0].hours == Decimal("1.5")


# --- corrections --------------------------------------------------------------------------------


def _corrected(record: ParticipationRecord, **changes: object) -> RecordValues:
    values = RecordValues.of(record)
    return RecordValues(**{**values.__dict__, **changes})


def test_a_correction_keeps_each_changed_field_in_the_history(people, create_user) -> None:
    hr = create_user(roles=("hr",), name="人事甲")
    record = write(people["zhang"].id, minutes=90, result="completed")
    changes = services.correct_record(
        record,
        _corrected(record, minutes=120, result="passed", occurred_on=date(2026, 11, 3)),
        "  签到表显示 全程参加 ",
        hr.id,
        now=NOW,
    )
    assert sorted(c.field for c in changes) == ["minutes", "occurred_on", "result"]
    assert (record.minutes, record.result, record.occurred_on) == (120, "passed", date(2026, 11, 3))
    history = {line.correction.field: line for line in services.corrections_of(record.id)}
    assert history["minutes"].correction.old_value == "90"
    assert history["minutes"].correction.new_value == "120"
    assert history["occurred_on"].correction.old_value == "2026-11-02"
    assert history["result"].correction.reason == "签到表显示 全程参加"
    assert history["result"].by.startswith("人事甲")
    assert history["result"].correction.corrected_at == NOW


def test_a_correction_needs_a_reason_and_a_change(people, create_user) -> None:
    hr = create_user(roles=("hr",))
    record = write(people["zhang"].id)
    with pytest.raises(FieldErrors) as refused:
        services.correct_record(record, _corrected(record, minutes=30), " ", hr.id)
    assert [field for field, _ in refused.value.pairs] == ["reason"]
    with pytest.raises(FieldErrors) as refused:
        services.correct_record(record, _corrected(record), "核对", hr.id)
    assert refused.value.pairs[0][0] == "__all__"
    with pytest.raises(FieldErrors) as refused:
        services.correct_record(
            record, _corrected(record, credit_hours=Decimal("1.25"), title=" "), "核对", hr.id
        )
    assert {field for field, _ in refused.value.pairs} == {"credit_hours", "title"}
    assert db.session.scalar(sa.select(sa.func.count(RecordCorrection.id))) == 0


def test_a_corrected_field_survives_the_source_writing_again(people, create_user) -> None:
    hr = create_user(roles=("hr",))
    record = write(people["zhang"].id, minutes=90, result="failed", title="投诉处理")
    services.correct_record(record, _corrected(record, result="passed"), "复核通过", hr.id)
    again = write(people["zhang"].id, minutes=100, result="failed", title="投诉处理（新版）")
    assert again.id == record.id
    assert again.result == "passed"  # pinned by the correction
    assert (again.minutes, again.title) == (100, "投诉处理（新版）")  # not corrected: follow
    assert services.corrected_fields(record.id) == {"result"}


# --- pages --------------------------------------------------------------------------------------


def test_hr_browses_filters_and_exports_the_ledger(client, signed_in, people) -> None:
    write(people["zhang"].id, source_key="c:1", title="投诉处理")
    write(people["li"].id, source_key="c:2", title="售后流程")
    signed_in("hr")
    page = client.get("/records/ledger?person=KF001").text
    assert "投诉处理" in page and "售后流程" not in page
    xlsx = client.get("/records/ledger/export.xlsx?person=KF001")
    assert xlsx.status_code == 200
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    titles = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert titles == ["投诉处理"]
    csv = client.get(f"/records/ledger/export.csv?department={people['other'].id}")
    text = csv.data.decode("utf-8-sig")
    assert "KF002" in text and "KF001" not in text


def test_hr_corrects_a_record_and_sees_its_history(client, signed_in, people) -> None:
    record = write(people["zhang"].id, minutes=90)
    signed_in("hr", name="人事乙")
    form = {
        "title": record.title,
        "occurred_on": "2026-11-02",
        "minutes": "45",
        "credit_hours": "",
        "category": "complaint-handling",
        "attendance": "",
        "result": "completed",
        "reason": "",
    }
    refused = client.post(f"/records/ledger/{record.id}", data=form)
    assert refused.status_code == 400
    assert 'data-field-error="reason"' in refused.text
    saved = client.post(f"/records/ledger/{record.id}", data={**form, "reason": "签到表为45分钟"})
    assert saved.status_code == 302
    page = client.get(f"/records/ledger/{record.id}").text
    assert "签到表为45分钟" in page and "人事乙" in page
    assert db.session.get(ParticipationRecord, record.id).minutes == 45


def test_agents_cannot_see_or_correct_the_ledger(client, signed_in, people) -> None:
    record = write(people["zhang"].id)
    signed_in("agent")
    assert client.get("/records/ledger").status_code == 403
    assert client.get("/records/ledger/export.xlsx").status_code == 403
    assert client.post(f"/records/ledger/{record.id}", data={"reason": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    for url in ("/records/ledger", "/records/policy", "/my/policy", "/records/external/1/evidence"):
        assert client.get(url).location.startswith("/login"), url
