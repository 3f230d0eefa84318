"""HR's promotion decisions: promote (the level changes from a date) or defer, each kept
with the rule version and the checklist HR saw, and the agent told.

The checklist HR decides on is recomputed when the decision is recorded; the page sends
the fingerprint of the one it showed, and a decision made on a checklist that has changed
since (a record added, a KPI re-imported, a new rule version) is refused, so what is kept
is always what HR saw.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.audit import services as audit
from lms.career.errors import CareerError, DecisionRefused
from lms.career.models.decisions import Outcome, PromotionDecision
from lms.career.services.eligibility import Eligibility, evaluate_agent
from lms.extensions import db
from lms.i18n import local_today
from lms.notifications import services as notifications

Level = accounts.Level

MIN_REASON = 5  # characters: "ok" is not a reason anyone can read back in a year

PROMOTED = "career.promoted"
DEFERRED = "career.deferred"
MESSAGES = {
    (PROMOTED, Level.MID): notifications.N_(
        "You have been promoted to mid-level service agent from %(date)s."
    ),
    (PROMOTED, Level.SENIOR): notifications.N_(
        "You have been promoted to senior service agent from %(date)s."
    ),
    (DEFERRED, Level.MID): notifications.N_(
        "HR reviewed your promotion to mid-level service agent and deferred it: %(reason)s"
    ),
    (DEFERRED, Level.SENIOR): notifications.N_(
        "HR reviewed your promotion to senior service agent and deferred it: %(reason)s"
    ),
}

AUDIT_MESSAGES = {
    Outcome.PROMOTE: audit.N_("Promoted to the next level from %(date)s"),
    Outcome.DEFER: audit.N_("Deferred a promotion"),
}


# --- what HR saw --------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def snapshot(eligibility: Eligibility) -> dict[str, Any]:
    """``eligibility`` as JSON, with the texts as they were shown: kept with a decision."""
    return {
        "as_of": eligibility.as_of.isoformat(),
        "from_level": eligibility.from_level.value,
        "to_level": eligibility.to_level.value,
        "rule_version_id": eligibility.rule_version_id,
        "rule_version": eligibility.rule_version_number,
        "eligible": eligibility.eligible,
        "results": [
            {
                "kind": r.kind,
                "label": str(r.label),
                "met": r.met,
                "actual": str(r.actual),
                "required": str(r.required),
                "missing": str(r.missing),
                "met_on": _day(r.met_on),
                "evidence": [
                    {
                        "kind": e.kind,
                        "title": str(e.title),
                        "on": _day(e.on),
                        "value": e.value,
                        "ref": e.ref,
                        "counts": e.counts,
                    }
                    for e in r.evidence
                ],
            }
            for r in eligibility.results
        ],
    }


def fingerprint(eligibility: Eligibility) -> str:
    """What identifies a checklist whatever the language it is shown in: the rule version,
    the day, and each condition's outcome and the evidence it counted."""
    essence = [
        eligibility.rule_version_id,
        eligibility.as_of.isoformat(),
        [
            [
                r.kind,
                r.met,
                _day(r.met_on),
                [[e.kind, e.ref, _day(e.on), e.value] for e in r.evidence],
            ]
            for r in eligibility.results
        ],
    ]
    return hashlib.sha256(json.dumps(essence, sort_keys=True).encode()).hexdigest()[:32]


# --- deciding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionForm:
    """What HR submits: parsed by the route, checked here."""

    outcome: Outcome | None
    reason: str
    effective_on: date | None = None  # promotions
    promote_anyway: bool = False  # promoting although conditions are missing
    seen: str | None = None  # the fingerprint of the checklist the page showed


def decision_problems(
    agent: Any, eligibility: Eligibility | None, form: DecisionForm, today: date
) -> list[tuple[str, str]]:
    """Why ``form`` cannot be recorded for ``agent``, as (field, message) pairs. Pure."""
    if eligibility is None:
        return [("outcome", _("This person has no next level to be promoted to."))]
    problems: list[tuple[str, str]] = []
    if form.seen is not None and form.seen != fingerprint(eligibility):
        problems.append(
            (
                "seen",
                _(
                    "The checklist changed since the page was opened. Review it again "
                    "before deciding."
                ),
            )
        )
    if form.outcome is None:
        problems.append(("outcome", _("Choose promote or defer.")))
    if len(form.reason.strip()) < MIN_REASON:
        problems.append(
            (
                "reason",
                _("Give the reason in at least %(count)d characters.", count=MIN_REASON),
            )
        )
    if form.outcome is Outcome.PROMOTE:
        since = agent.level_since
        if form.effective_on is None:
            problems.append(("effective_on", _("Enter the first day at the new level.")))
        elif form.effective_on > today:
            problems.append(
                (
                    "effective_on",
                    _("A promotion takes effect today or earlier; record it on the day."),
                )
            )
        elif since is not None and form.effective_on <= since:
            problems.append(
                (
                    "effective_on",
                    _(
                        "The current level started on %(date)s; the new one must start after it.",
                        date=since.isoformat(),
                    ),
                )
            )
        if not eligibility.eligible and not form.promote_anyway:
            problems.append(
                (
                    "promote_anyway",
                    _(
                        "Not every condition is met. Tick this box to promote all the same; "
                        "the reason is kept with the decision."
                    ),
                )
            )
    return problems


def record_decision(
    user_id: int,
    form: DecisionForm,
    by_id: int | None,
    today: date | None = None,
    now: datetime | None = None,
) -> PromotionDecision:
    """HR's decision about ``user_id`` against the rule in force today: kept with the
    evaluation it was made on; a promotion changes the level from ``form.effective_on``;
    the agent is notified. Refusals are ``DecisionRefused`` (field, message) pairs."""
    today = today or local_today()
    agent = accounts.get_user(user_id)
    if agent is None or not agent.is_active:
        raise CareerError(_("This person is not an active agent."))
    eligibility = evaluate_agent(user_id, today)
    problems = decision_problems(agent, eligibility, form, today)
    if problems:
        raise DecisionRefused(problems)
    assert eligibility is not None and form.outcome is not None
    reason = form.reason.strip()
    decision = PromotionDecision(
        user_id=user_id,
        outcome=form.outcome,
        from_level=eligibility.from_level,
        to_level=eligibility.to_level,
        effective_on=form.effective_on if form.outcome is Outcome.PROMOTE else None,
        reason=reason,
        rule_version_id=eligibility.rule_version_id,
        eligible=eligibility.eligible,
        conditions_short=eligibility.short_by,
        evaluation=snapshot(eligibility),
        decided_by_id=by_id,
    )
    if now is not None:
        decision.decided_at = now
    level_before = {"level": agent.level, "level_since": agent.level_since}
    if form.outcome is Outcome.PROMOTE:
        assert form.effective_on is not None
        change = accounts.change_level(
            agent, eligibility.to_level, form.effective_on, by_id=by_id, note=reason
        )
        decision.level_change_id = change.id
        kind, params = PROMOTED, {"date": form.effective_on.isoformat()}
    else:
        kind, params = DEFERRED, {"reason": reason}
    db.session.add(decision)
    db.session.flush()
    audit.record(
        "career.promotion_decided",
        actor_id=by_id,
        subject_type="promotion_decision",
        subject_id=decision.id,
        subject_user_id=user_id,
        message=AUDIT_MESSAGES[form.outcome],
        params={"date": form.effective_on.isoformat()} if form.effective_on else {},
        # A deferral leaves the level as it was: before and after then differ only in
        # the decision itself.
        before=level_before,
        after={
            "level": agent.level,
            "level_since": agent.level_since,
            "outcome": form.outcome,
            "reason": reason,
            "rule_version_id": eligibility.rule_version_id,
            "rule_version": eligibility.rule_version_number,
            "eligible": eligibility.eligible,
            "conditions_short": eligibility.short_by,
        },
        now=now,
    )
    notifications.notify(
        user_id,
        kind,
        MESSAGES[(kind, eligibility.to_level)],
        params,
        link=notifications.Link("career.my_path"),
        now=now,
    )
    return decision


# --- reading them back ------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionLine:
    id: int
    outcome: Outcome
    from_level: Level
    to_level: Level
    effective_on: date | None
    reason: str
    rule_version: int | None
    eligible: bool
    conditions_short: int
    evaluation: dict[str, Any]
    decided_by: str | None
    decided_at: datetime


def decisions_of(user_id: int) -> list[DecisionLine]:
    """Every decision about ``user_id``, newest first. One statement."""
    by = sa.orm.aliased(accounts.User)
    rows = db.session.execute(
        sa.select(PromotionDecision, by.name)
        .outerjoin(by, by.id == PromotionDecision.decided_by_id)
        .where(PromotionDecision.user_id == user_id)
        .order_by(PromotionDecision.id.desc())
    )
    return [
        DecisionLine(
            d.id,
            d.outcome,
            d.from_level,
            d.to_level,
            d.effective_on,
            d.reason,
            d.evaluation.get("rule_version"),
            d.eligible,
            d.conditions_short,
            d.evaluation,
            name,
            d.decided_at,
        )
        for d, name in rows
    ]
