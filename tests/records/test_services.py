"""The ledger: one row per participation, whatever happens twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lms.records import services
from lms.records.services import ParticipationKind, TrainingMethod


def write(user_id: int, **overrides: object):
    values = {
        "user_id": user_id,
        "kind": ParticipationKind.COURSE,
        "source_key": f"course:1:user:{user_id}",
        "title": "投诉处理",
        "occurred_on": date(2026, 11, 2),
        "category": "complaint-handling",
        "credit_hours": Decimal("2.5"),
        "result": "completed",
    }
    values.update(overrides)
    return services.record_participation(**values)  # type: ignore[arg-type]


def test_the_same_source_twice_gives_one_row(create_user) -> None:
    user = create_user()
    first = write(user.id)
    again = write(user.id, result="completed again")
    assert again.id == first.id
    assert [r.result for r in services.records_of(user.id)] == ["completed again"]


def test_different_sources_give_different_rows_newest_first(create_user) -> None:
    user = create_user()
    write(user.id, source_key="course:1", occurred_on=date(2026, 10, 1))
    write(user.id, source_key="course:2", occurred_on=date(2026, 11, 1), title="沟通技巧")
    exam = write(
        user.id,
        source_key="attempt:9",
        kind=ParticipationKind.EXAM,
        occurred_on=date(2026, 11, 5),
        title="服务规范考核",
        credit_hours=None,
        minutes=60,
        result="86%",
        method=TrainingMethod.ONLINE,
    )
    records = services.records_of(user.id)
    assert [r.source_key for r in records] == ["attempt:9", "course:2", "course:1"]
    assert exam.minutes == 60
    assert records[1].credit_hours == Decimal("2.5")


def test_a_source_key_cannot_move_to_someone_else(create_user) -> None:
    one, two = create_user(), create_user()
    write(one.id, source_key="course:1:shared")
    with pytest.raises(ValueError):
        write(two.id, source_key="course:1:shared")
    assert services.records_of(two.id) == []
