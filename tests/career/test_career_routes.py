"""The career pages: the agent's own path, HR's list, its filters and its export."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lms.accounts.models import Level
from lms.career.services.rules import save_rule_version
from lms.extensions import db
from lms.i18n import local_today
from lms.records import services as records


@pytest.fixture
def rule(db_session) -> None:
    save_rule_version(
        "junior",
        [
            {"kind": "months_at_level", "months": 12},
            {"kind": "training_hours", "hours": "10", "months": 12},
            {"kind": "courses_completed", "courses": ["complaint-handling"]},
        ],
        date(2025, 1, 1),
        "",
        by_id=None,
    )


def two_years_ago() -> date:
    return local_today() - timedelta(days=730)


def hours(user_id: int, credit: str, key: str, days_ago: int) -> None:
    records.record_participation(
        user_id=user_id,
        kind=records.ParticipationKind.EXTERNAL,
        source_key=key,
        title=f"Seminar {key}",
        occurred_on=local_today() - timedelta(days=days_ago),
        credit_hours=Decimal(credit),
    )


def junior(user, hours_done: tuple[str, ...] = ()):
    user.level, user.level_since = Level.JUNIOR, two_years_ago()
    for number, credit in enumerate(hours_done):
        hours(user.id, credit, f"{user.id}-{number}", days_ago=30 + number * 7)
    db.session.commit()
    return user


HR_URLS = ["/career/eligibility", "/career/eligibility.xlsx"]


@pytest.mark.parametrize("url", [*HR_URLS, "/my/career"])
def test_anonymous_is_sent_to_sign_in(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["agent", "trainer"])
@pytest.mark.parametrize("url", HR_URLS)
def test_agents_and_trainers_are_refused_the_hr_pages(client, signed_in, role, url) -> None:
    signed_in(role)
    assert client.get(url).status_code == 403


def test_agent_sees_own_checklist_with_what_is_missing_and_the_course_link(
    client, signed_in, rule
) -> None:
    me = junior(signed_in("agent", name="王小明"), ("6",))

    page = client.get("/my/career", headers={"Accept-Language": "en"})

    assert page.status_code == 200
    assert 'data-standing="not_eligible"' in page.text and "2 conditions short." in page.text
    assert "Still missing: At least 12 months" not in page.text
    assert "Still missing: At least 10 training hours" in page.text
    assert "4 more hours needed" in page.text
    assert 'href="/courses/complaint-handling"' in page.text
    assert "Rule v1, in force since 2025-01-01" in page.text
    assert page.text.count('data-met="yes"') == 1 and page.text.count('data-met="no"') == 2
    assert 'aria-valuenow="60"' in page.text  # 6 of 10 hours
    assert me.name in page.text  # the menu names who is signed in


def test_agent_one_short_is_told_so(client, signed_in, rule) -> None:
    junior(signed_in("agent"), ("6", "6"))
    page = client.get("/my/career", headers={"Accept-Language": "en"})
    assert 'data-standing="one_short"' in page.text and "One condition short." in page.text


def test_another_agents_path_is_not_reachable(client, signed_in, create_user, rule) -> None:
    other = junior(create_user(name="别人甲"), ("6",))
    me = junior(signed_in("agent", name="自己乙"))
    page = client.get("/my/career", headers={"Accept-Language": "en"})
    assert "10 more hours needed" in page.text  # mine: no hours at all
    assert other.name not in page.text and me.name in page.text
    for url in (f"/my/career/{other.id}", f"/my/career?user_id={other.id}"):
        response = client.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 404 or other.name not in response.text


def test_senior_sees_there_is_no_next_level(client, signed_in, rule) -> None:
    me = signed_in("agent")
    me.level = Level.SENIOR
    db.session.commit()
    page = client.get("/my/career", headers={"Accept-Language": "en"})
    assert 'data-testid="top-level"' in page.text and 'data-testid="checklist"' not in page.text


def test_hr_list_filters_by_department_level_and_status(
    client, signed_in, create_user, create_department, rule
) -> None:
    signed_in("hr")
    part = create_department("客服中心/一部")
    team = create_department("客服中心/一部/一组")
    elsewhere = create_department("客服中心/二部")
    ready = junior(create_user(name="甲", employee_no="KQ01", department=team), ("6", "6"))
    junior(create_user(name="乙", employee_no="KQ02", department=elsewhere))
    senior = create_user(name="丙", employee_no="KQ03", department=team, level=Level.SENIOR)
    db.session.commit()

    everyone = client.get("/career/eligibility")
    assert all(f'data-employee-no="KQ0{n}"' in everyone.text for n in (1, 2, 3))

    in_part = client.get(f"/career/eligibility?department={part.id}")
    assert 'data-employee-no="KQ01"' in in_part.text
    assert 'data-employee-no="KQ03"' in in_part.text
    assert 'data-employee-no="KQ02"' not in in_part.text

    one_short = client.get("/career/eligibility?status=one_short&level=junior")
    assert 'data-employee-no="KQ01"' in one_short.text
    assert 'data-employee-no="KQ02"' not in one_short.text
    assert 'data-employee-no="KQ03"' not in one_short.text
    # The row expands to its checklist, with what is missing and no link for HR.
    assert 'data-testid="checklist"' in one_short.text and "<details" in one_short.text
    assert 'href="/courses/complaint-handling"' not in one_short.text

    seniors = client.get(f"/career/eligibility?level=senior&department={team.id}")
    assert 'data-employee-no="KQ03"' in seniors.text and ready.name not in seniors.text
    assert senior.id

    nonsense = client.get("/career/eligibility?status=bogus")
    assert nonsense.status_code == 200 and 'data-employee-no="KQ02"' in nonsense.text


def test_hr_export_opens_with_the_statuses(client, signed_in, create_user, rule) -> None:
    signed_in("hr")
    junior(create_user(employee_no="00215"), ("6", "6"))
    junior(create_user(employee_no="KQ09"))

    response = client.get("/career/eligibility.xlsx", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    by_no = {row[0]: row for row in rows[1:]}
    assert by_no["00215"][4] == "One condition short"
    assert by_no["KQ09"][4] == "Not eligible" and by_no["KQ09"][5] == 2
    assert "Not completed yet: complaint-handling" in by_no["KQ09"]


def test_the_menu_shows_career_path_to_agents_and_the_list_to_hr(client, signed_in) -> None:
    signed_in("agent")
    home = client.get("/my/career")
    assert 'href="/my/career"' in home.text and 'href="/career/eligibility"' not in home.text


def test_hr_sees_the_list_in_the_menu(client, signed_in) -> None:
    signed_in("hr")
    page = client.get("/career/eligibility")
    assert 'href="/career/eligibility"' in page.text
