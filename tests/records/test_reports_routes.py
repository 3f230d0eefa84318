"""HR report pages over HTTP: who may see them, form errors beside fields, and exports that
equal the pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lms.accounts import services as accounts
from lms.accounts.models import Level
from lms.courses import services as courses
from lms.courses.models import CourseCompletion
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import from_local, local_date
from lms.records import reports
from lms.records import services as records
from lms.records.services import ParticipationKind
from lms.training.services import refreshers

CONTENT = Path(__file__).resolve().parents[2] / "content"

PAGES = [
    "/reports",
    "/reports/departments",
    "/reports/departments.xlsx",
    "/reports/agents",
    "/reports/agents.csv",
    "/reports/agents/1",
    "/reports/agents/1/appraisal",
    "/reports/agents/1/appraisal.xlsx",
    "/reports/certificates",
    "/reports/knowledge-gaps",
]


@pytest.mark.parametrize("url", PAGES)
def test_reports_send_the_anonymous_to_sign_in(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ["agent", "trainer"])
def test_reports_are_for_hr_only(client, signed_in, url: str, role: str) -> None:
    signed_in(role)
    assert client.get(url).status_code == 403


@pytest.fixture
def ledger(create_department, create_user):
    today = local_date(utcnow())
    first = create_department("中心/一部")
    second = create_department("中心/二部")
    people = [
        create_user(name="甲", department=first, level=Level.JUNIOR),
        create_user(name="乙", department=first, level=Level.MID),
        create_user(name="丙", department=second, level=Level.SENIOR),
    ]
    for n, person in enumerate(people):
        records.record_participation(
            user_id=person.id,
            kind=ParticipationKind.COURSE,
            source_key=f"route-test:{n}:course",
            title="投诉处理",
            occurred_on=today,
            credit_hours=Decimal("2.5") * (n + 1),
            result="completed",
        )
        records.record_participation(
            user_id=person.id,
            kind=ParticipationKind.EXAM,
            source_key=f"route-test:{n}:exam",
            title="=服务规范考试",  # a text that looks like a formula stays text
            occurred_on=today,
            minutes=50,
            result="passed" if n else "failed",
            score=Decimal(85 if n else 40),
        )
    return {"first": first, "second": second, "people": people, "today": today}


def _page_totals(html: str) -> list[str]:
    row = re.search(r'data-testid="department-report-totals">(.*?)</tr>', html, re.S)
    assert row, "the page has a totals row"
    return re.findall(r'data-value="([^"]*)"', row.group(1))


def test_the_xlsx_export_opens_with_openpyxl_and_its_totals_equal_the_pages(
    client, signed_in, ledger
) -> None:
    signed_in("hr")
    page = client.get("/reports/departments?period=month")
    assert page.status_code == 200
    shown = _page_totals(page.get_data(as_text=True))

    export = client.get("/reports/departments.xlsx?period=month")
    assert export.status_code == 200
    assert export.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, *lines, totals = rows
    assert header[0] == "部门"  # the headers in the page's language, zh by default
    assert len(lines) == 3  # 中心, 一部, 二部
    assert [("" if v is None else v) for v in totals][1:] == [
        (float(v) if "." in v else int(v)) if v not in ("", "None") else "" for v in shown[1:]
    ]
    # 2.5 + 5 + 7.5 declared and 1 学时 per exam, the third person capped at 8 that day
    assert totals[1] == 3 and totals[2] == 17.5
    # Numbers are numbers, with a format; columns are wide enough for their headers.
    assert sheet.cell(row=len(rows), column=3).number_format == "0.0"
    assert sheet.column_dimensions["A"].width >= 30


def test_the_csv_export_is_excel_friendly_and_has_the_same_totals(
    client, signed_in, ledger
) -> None:
    signed_in("hr")
    export = client.get("/reports/departments.csv?period=month")
    assert export.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert rows[-1][1:3] == ["3", "17.5"]


def test_a_backwards_range_is_refused_beside_its_field(client, signed_in, ledger) -> None:
    signed_in("hr")
    response = client.get(
        "/reports/departments?period=range&date_from=2026-02-01&date_to=2026-01-01"
    )
    assert response.status_code == 400
    assert 'data-field-error="date_to"' in response.get_data(as_text=True)


def test_the_department_filter_and_period_steps(client, signed_in, ledger) -> None:
    signed_in("hr")
    html = client.get(
        f"/reports/departments?period=month&department={ledger['second'].id}"
    ).get_data(as_text=True)
    assert "中心/二部" in html and "中心/一部" not in html.split("<tbody>")[1]
    assert f"{ledger['today']:%Y-%m}" in html
    assert "on=" in html  # the previous and next period links


def test_agents_page_lists_scores_and_the_export_keeps_employee_numbers(
    client, signed_in, ledger
) -> None:
    signed_in("hr")
    html = client.get("/reports/agents?period=month").get_data(as_text=True)
    for person in ledger["people"]:
        assert person.employee_no in html
    assert "/appraisal" in html
    export = client.get("/reports/agents.xlsx?period=month")
    sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)][:-1]
    assert sorted(numbers) == sorted(p.employee_no for p in ledger["people"])


def test_the_agents_page_and_its_export_count_everyones_refreshers(
    client, signed_in, ledger
) -> None:
    """Last month's refresher for every agent, done by one of them: each line has its
    tally, however long the list."""
    signed_in("hr")
    courses.sync_content(CONTENT)
    course = courses.get_course_by_slug("complaint-handling")
    last_month = reports.add_months(reports.month_start(ledger["today"]), -1)
    refreshers.save_programme(
        None,
        refreshers.ProgrammeSpec(
            month=last_month,
            title="上月复训",
            course_id=course.id,
            audience=accounts.Audience(roles=("agent",)),
        ),
        None,
        today=last_month,
    )
    done, *others = ledger["people"]
    completed_at = from_local(datetime.combine(last_month.replace(day=2), time(12)))
    db.session.add(
        CourseCompletion(user_id=done.id, course_id=course.id, completed_at=completed_at)
    )
    db.session.flush()

    query = f"period=month&on={last_month.isoformat()}"
    html = client.get(f"/reports/agents?{query}").get_data(as_text=True)
    assert "1 / 1" in html and html.count("0 / 1") == len(others)
    export = client.get(f"/reports/agents.xlsx?{query}")
    *lines, totals = (
        load_workbook(io.BytesIO(export.data)).worksheets[0].iter_rows(min_row=2, values_only=True)
    )
    on_time_and_due = {line[0]: line[7:9] for line in lines}
    assert on_time_and_due[done.employee_no] == (1, 1)
    assert {on_time_and_due[p.employee_no] for p in others} == {(0, 1)}
    assert totals[7:9] == (1, 3)


def test_an_agents_history_appraisal_and_their_exports(client, signed_in, ledger) -> None:
    signed_in("hr")
    person = ledger["people"][0]
    history = client.get(f"/reports/agents/{person.id}?group_by=quarter")
    assert history.status_code == 200
    assert "投诉处理" in history.get_data(as_text=True)
    appraisal = client.get(f"/reports/agents/{person.id}/appraisal?period=year")
    html = appraisal.get_data(as_text=True)
    assert appraisal.status_code == 200 and 'data-testid="learning-score"' in html
    assert "data-print" in html and "onclick" not in html
    export = client.get(f"/reports/agents/{person.id}/appraisal.xlsx?period=year")
    workbook = load_workbook(io.BytesIO(export.data))
    assert len(workbook.worksheets) == 7
    exams = workbook.worksheets[2]
    title_cell, score_cell = exams.cell(row=2, column=2), exams.cell(row=2, column=4)
    assert title_cell.data_type == "s" and title_cell.value == "=服务规范考试"
    assert score_cell.value == 40.0
    assert exams.cell(row=2, column=1).is_date
    assert exams.cell(row=2, column=1).value.date() == ledger["today"]
    assert client.get(f"/reports/agents/{person.id}.xlsx").status_code == 200
    assert client.get("/reports/agents/999999").status_code == 404
    assert client.get(f"/reports/agents/{person.id}.pdf").status_code == 404


def test_the_dashboard_draws_its_charts_with_tables_beside_them(client, signed_in, ledger) -> None:
    signed_in("hr")
    html = client.get("/reports").get_data(as_text=True)
    for testid in ("chart-hours", "chart-compliance", "chart-pass-rate"):
        assert f'data-testid="{testid}"' in html
    assert 'class="chart-point"' in html and 'class="chart-bar"' in html
    assert html.count('<details class="chart-figures">') == 3
    assert "<script>" not in html and "style=" not in html


def test_certificate_expiries_and_knowledge_gaps_pages(client, signed_in, ledger) -> None:
    signed_in("hr")
    assert client.get("/reports/certificates?within=90").status_code == 200
    assert client.get("/reports/certificates.csv?within=60").status_code == 200
    assert client.get("/reports/knowledge-gaps?period=year").status_code == 200
    assert client.get("/reports/knowledge-gaps.xlsx?period=year").status_code == 200
