"""KPI pages and `flask kpis import`: access, the upload and its report or problems."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from lms.career.models.kpis import KpiImport, KpiValue
from lms.career.services import kpis
from lms.database import utcnow
from lms.extensions import db


def this_month() -> str:
    return utcnow().strftime("%Y-%m")


def good_file(months: list[str] | None = None) -> bytes:
    lines = ["工号,月份,满意度,质检合规率"]
    for month in months or [this_month()]:
        lines += [f"KA01,{month},92,97", f"KA02,{month},88,95"]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def agents(create_user):
    return [create_user(employee_no=f"KA{i:02d}", name=f"坐席{i}") for i in range(1, 11)]


def upload(client, content: bytes, name: str = "kpi.csv"):
    return client.post(
        "/hr/kpis/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


URLS = [
    "/hr/kpis",
    "/hr/kpis/import",
    "/hr/kpis/template.csv",
    "/hr/kpis/imports/1",
    "/hr/kpis/agents/1",
]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_sign_in(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["agent", "trainer"])
@pytest.mark.parametrize("url", URLS)
def test_agents_and_trainers_are_refused(client, signed_in, role, url) -> None:
    signed_in(role)
    assert client.get(url).status_code == 403


def test_hr_imports_a_file_and_sees_the_report_then_the_history(client, signed_in, agents) -> None:
    hr = signed_in("hr")
    page = client.get("/hr/kpis/import")
    assert page.status_code == 200 and "满意度 / CSAT" in page.text

    response = upload(client, good_file())

    assert response.status_code == 200
    assert 'data-testid="kpi-import-report"' in response.text
    assert '<dd class="col-5 col-sm-7" data-testid="values-written">4</dd>' in response.text
    record = db.session.scalar(sa.select(KpiImport))
    assert record.imported_by_id == hr.id and record.values_written == 4
    history = client.get("/hr/kpis")
    assert "kpi.csv" in history.text
    detail = client.get(f"/hr/kpis/imports/{record.id}")
    assert detail.status_code == 200 and record.sha256 in detail.text


def test_must_show_a_rejected_upload_lists_lines_4_and_9_and_imports_nothing(
    client, signed_in, agents
) -> None:
    """The issue's item 3, through the page."""
    signed_in("hr")
    month = this_month()
    lines = ["工号,月份,满意度,质检合规率"]
    for line in range(2, 12):
        if line == 4:
            lines.append(f"KX99,{month},90,95")
        elif line == 9:
            lines.append(f"KA08,{month},130,95")
        else:
            lines.append(f"KA{line - 1:02d},{month},90,95")

    response = upload(client, "\r\n".join(lines).encode(), "bad.csv")

    assert response.status_code == 200
    assert 'data-testid="import-problems"' in response.text
    assert "bad.csv:4: " in response.text and "KX99" in response.text
    assert "bad.csv:9: " in response.text and "130" in response.text
    assert response.text.count("<li><code>bad.csv:") == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiValue)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiImport)) == 0


def test_the_same_file_twice_says_nothing_new(client, signed_in, agents) -> None:
    signed_in("hr")
    upload(client, good_file())
    again = upload(client, good_file(), "again.csv")
    assert again.status_code == 200 and 'data-testid="import-summary"' in again.text
    assert "kpi-import-report" in again.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiImport)) == 1


def test_upload_without_a_file_shows_the_error_beside_the_field(client, signed_in) -> None:
    signed_in("hr")
    response = client.post("/hr/kpis/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert 'data-field-error="file"' in response.text


def test_agent_page_shows_months_by_metrics(client, signed_in, agents) -> None:
    signed_in("hr")
    kpis.import_kpis("kpi.csv", good_file(), None)
    db.session.commit()
    response = client.get(f"/hr/kpis/agents/{agents[0].id}")
    assert response.status_code == 200
    assert f'<tr data-month="{this_month()}">' in response.text
    assert 'data-metric="csat" class="text-end">92.0</td>' in response.text
    assert client.get("/hr/kpis/agents/999999").status_code == 404


def test_lookup_by_employee_number_goes_to_the_agent_or_says_no_one(
    client, signed_in, agents
) -> None:
    signed_in("hr")
    found = client.get("/hr/kpis?employee_no=ka03")
    assert found.status_code == 302
    assert found.headers["Location"].endswith(f"/hr/kpis/agents/{agents[2].id}")
    missing = client.get("/hr/kpis?employee_no=NOPE1")
    assert missing.status_code == 200 and 'data-field-error="employee_no"' in missing.text


def test_template_downloads_have_every_metric(client, signed_in) -> None:
    signed_in("hr")
    csv = client.get("/hr/kpis/template.csv")
    assert csv.status_code == 200
    header = csv.data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("工号,姓名,月份,首次响应时长") and "经核实的严重投诉次数" in header
    xlsx = client.get("/hr/kpis/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")


def test_cli_imports_and_rejects_with_exit_code(app, cli, agents, tmp_path) -> None:
    db.session.commit()  # the agents exist before the command, which rolls back a dry run
    good = tmp_path / "good.csv"
    good.write_bytes(good_file())
    dry = cli.invoke(args=["kpis", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiValue)) == 0

    done = cli.invoke(args=["kpis", "import", str(good)])
    assert done.exit_code == 0, done.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiValue)) == 4

    bad = tmp_path / "bad.csv"
    bad.write_text(f"工号,月份,满意度\r\nKX99,{this_month()},90\r\nKA01,2099-01,90\r\n")
    rejected = cli.invoke(args=["kpis", "import", str(bad)])
    assert rejected.exit_code == 1
    assert f"{bad}:2: " in rejected.output and f"{bad}:3: " in rejected.output


def test_sample_file_imports_for_agents_with_its_numbers(create_user) -> None:
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "content" / "career" / "kpi-sample.csv"
    content = sample.read_bytes()
    numbers = {line.split(",")[0] for line in content.decode("utf-8-sig").splitlines()[1:]}
    for number in numbers:
        create_user(employee_no=number)
    report = kpis.import_kpis(sample.name, content, None, today=date(2026, 12, 4))
    assert report.rows >= 3 and report.values_written > 0
