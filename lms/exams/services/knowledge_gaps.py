"""Knowledge gaps: which question tags a group of people answers wrong most, to aim the next
refresher at them.

For each tag, over the graded answers of finished attempts: the share of the points lost
(marks possible minus marks earned, over marks possible) and how many answers it rests on.
An unanswered question counts as wholly lost; an answer still waiting for hand grading is
left out. A question with several tags counts under each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from lms.accounts import services as accounts
from lms.exams.models import Answer, Attempt, AttemptState, Tag, question_tag
from lms.extensions import db


@dataclass(frozen=True)
class TagGap:
    tag: str
    answers: int
    people: int
    possible: Decimal  # marks possible
    lost: Decimal  # marks lost

    @property
    def lost_share(self) -> Decimal:
        """Percent of the possible marks lost on this tag's questions."""
        if not self.possible:
            return Decimal(0)
        return (self.lost * 100 / self.possible).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _bound(day: date, end: bool) -> datetime:
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    return datetime.combine(day + timedelta(days=1) if end else day, time(), zone)


def knowledge_gaps(
    start: date,
    end: date,
    department_id: int | None = None,
    minimum_answers: int = 1,
) -> list[TagGap]:
    """Per tag, the share of points lost on attempts finished from ``start`` to ``end``
    (local dates, both included) by people in ``department_id`` and its teams (everyone
    when None), worst first; tags with fewer than ``minimum_answers`` answers are left out.
    One SQL statement."""
    mark = sa.func.coalesce(Answer.mark, 0)
    stmt = (
        sa.select(
            Tag.name,
            sa.func.count(Answer.id),
            sa.func.count(sa.distinct(Attempt.user_id)),
            sa.func.sum(Answer.max_mark),
            sa.func.sum(Answer.max_mark - mark),
        )
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(question_tag, question_tag.c.question_id == Answer.question_id)
        .join(Tag, Tag.id == question_tag.c.tag_id)
        .where(
            Attempt.state == AttemptState.GRADED,
            Attempt.finished_at >= _bound(start, False),
            Attempt.finished_at < _bound(end, True),
            Answer.max_mark > 0,
            Answer.needs_grading.is_(False),
        )
        .group_by(Tag.name)
        .having(sa.func.count(Answer.id) >= minimum_answers)
    )
    if department_id is not None:
        stmt = stmt.where(Attempt.user_id.in_(accounts.ids_in_department(department_id)))
    gaps = [
        TagGap(
            name,
            int(answers),
            int(people),
            Decimal(str(possible or 0)),
            max(Decimal(0), Decimal(str(lost or 0))),
        )
        for name, answers, people, possible, lost in db.session.execute(stmt)
    ]
    gaps.sort(key=lambda g: (-g.lost_share, -g.answers, g.tag))
    return gaps
