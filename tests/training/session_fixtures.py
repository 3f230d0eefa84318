"""Fixtures of the classroom session tests (imported by them; no tests here): a trainer and
a session scheduled for named people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.accounts import services as accounts
from lms.training.services import sessions as service
from lms.training.services.sessions import TrainingCategory

# 09:00-10:30 in Shanghai on 10 December 2026.
START = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)
END = START + timedelta(minutes=90)
BEFORE = START - timedelta(days=3)


@pytest.fixture(name="trainer")
def trainer_fixture(create_user):
    return create_user(name="王老师", roles=("trainer",))


@pytest.fixture(name="schedule")
def schedule_fixture(trainer):
    """Schedule a session for the named people (as users) and return it; saved a week
    before it starts unless ``now`` says otherwise."""

    def make(
        *people, capacity=None, starts_at=START, ends_at=END, minutes=None, now=None, **audience
    ):
        details = service.SessionDetails(
            topic="投诉升级处理",
            category=TrainingCategory.JOB_SKILLS,
            starts_at=starts_at,
            ends_at=ends_at,
            location="培训室 A",
            trainer_id=trainer.id,
            capacity=capacity,
            minutes=minutes,
            audience=accounts.Audience(user_ids=tuple(p.id for p in people), **audience),
        )
        return service.save_session(
            None, details, trainer.id, now=now or starts_at - timedelta(days=7)
        )

    return make
