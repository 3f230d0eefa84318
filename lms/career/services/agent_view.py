"""What HR's page about one agent shows: the person, their checklist, the decisions made
about them and their level history; and the agent's own history on "my career path"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lms.accounts import services as accounts
from lms.career.services.decisions import DecisionLine, decisions_of, fingerprint
from lms.career.services.views import CareerPath, career_path


@dataclass(frozen=True)
class AgentCareer:
    person: accounts.Profile
    user_id: int
    path: CareerPath
    fingerprint: str | None  # of the checklist shown, sent back with a decision
    decisions: list[DecisionLine]
    history: list[accounts.LevelStep]

    @property
    def can_decide(self) -> bool:
        return self.path.eligibility is not None


def agent_career(user: Any, locale: str, as_of: date | None = None) -> AgentCareer:
    path = career_path(user, locale, as_of)
    return AgentCareer(
        person=accounts.profile_of(user),
        user_id=user.id,
        path=path,
        fingerprint=fingerprint(path.eligibility) if path.eligibility else None,
        decisions=decisions_of(user.id),
        history=accounts.level_history(user.id),
    )


@dataclass(frozen=True)
class OwnHistory:
    """The agent's own record of where they have been: levels and HR's decisions."""

    history: list[accounts.LevelStep]
    decisions: list[DecisionLine]


def own_history(user_id: int) -> OwnHistory:
    return OwnHistory(accounts.level_history(user_id), decisions_of(user_id))
