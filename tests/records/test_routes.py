"""The learner's training record page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lms.records import services
from lms.records.models import ParticipationRecord
from lms.records.services import ParticipationKind


@pytest.mark.parametrize(
    ("minutes", "credit", "hours"),
    [
        (None, Decimal("2.5"), Decimal("2.5")),
        (90, None, Decimal("2")),
        (60, None, Decimal("1")),
        (67, None, Decimal("1")),
        (68, None, Decimal("1.5")),
        (19, None, Decimal("0")),
        (20, None, Decimal("0")),
        (23, None, Decimal("0.5")),
        (None, None, Decimal("0")),
    ],
)
def test_hours_follow_the_ledger_rules(minutes, credit, hours) -> None:
    record = ParticipationRecord(minutes=minutes, credit_hours=credit)
    assert services.hours_of(record, services.HoursRules()) == hours


def test_my_record_lists_lines_and_totals_hours(client, signed_in) -> None:
    learner = signed_in("agent")
    services.record_participation(
        user_id=learner.id,
        kind=ParticipationKind.COURSE,
        source_key="course:1:user:x",
        title="投诉处理",
        occurred_on=date(2026, 11, 2),
        credit_hours=Decimal("2.5"),
        result="completed",
    )
    services.record_participation(
        user_id=learner.id,
        kind=ParticipationKind.CLASSROOM,
        source_key="session:7:user:x",
        title="沟通技巧面授",
        occurred_on=date(2026, 11, 9),
        minutes=90,
    )
    page = client.get("/my/record").text
    assert "投诉处理" in page and "沟通技巧面授" in page
    assert "4.5" in page  # 2.5 + 2


def test_the_record_page_needs_sign_in(client) -> None:
    assert client.get("/my/record").location.startswith("/login")
