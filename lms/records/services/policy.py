"""The confidentiality policy (保密承诺): versions, acknowledgements, who has not signed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
import yaml
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from lms.accounts import services as accounts
from lms.database import utcnow
from lms.extensions import db
from lms.records.errors import FieldErrors, NotSigned
from lms.records.models import (
    Policy,
    PolicyAcknowledgement,
)
from lms.richtext import clean

# --- the confidentiality policy (保密承诺) --------------------------------------------------------

# Who must acknowledge the policy in force.
SIGNERS = accounts.Audience(roles=("agent",))
_POLICY_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


def policy_in_force(now: datetime | None = None) -> Policy | None:
    """The highest version published by ``now``."""
    return db.session.scalar(
        sa.select(Policy)
        .where(Policy.published_at <= (now or utcnow()))
        .order_by(Policy.version.desc())
        .limit(1)
    )


def publish_policy(
    title: str,
    body: str,
    by_id: int | None,
    title_en: str | None = None,
    body_en: str | None = None,
    now: datetime | None = None,
) -> Policy:
    """Publish the next version; in force at once, so every agent is asked to sign again."""
    problems = []
    if not title.strip():
        problems.append(("title", _("Enter the title.")))
    if not body.strip():
        problems.append(("body", _("Enter the text of the policy.")))
    if problems:
        raise FieldErrors(problems)
    latest = db.session.scalar(sa.select(sa.func.max(Policy.version))) or 0
    policy = Policy(
        version=latest + 1,
        title=title.strip()[:200],
        title_en=(title_en or "").strip()[:200] or None,
        body=body.strip(),
        body_en=(body_en or "").strip() or None,
        published_by_id=by_id,
        published_at=now or utcnow(),
    )
    db.session.add(policy)
    db.session.flush()
    return policy


def publish_policy_file(path: Path, now: datetime | None = None) -> Policy | None:
    """Publish the policy a YAML file under ``content/policies/`` gives (version, title,
    title_en, body, body_en), unless that version or a later one is already published:
    running it again, or after HR published their own, changes nothing."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    version = int(raw["version"])
    latest = db.session.scalar(sa.select(sa.func.max(Policy.version))) or 0
    if latest >= version:
        return None
    policy = publish_policy(
        raw["title"], raw["body"], None, raw.get("title_en"), raw.get("body_en"), now
    )
    policy.version = version
    db.session.flush()
    return policy


def policy_title(policy: Policy, locale: str) -> str:
    return policy.title_en if locale == "en" and policy.title_en else policy.title


def render_policy(policy: Policy, locale: str) -> Markup:
    """The policy's text in ``locale`` (Chinese when there is no English) as safe HTML."""
    body = policy.body_en if locale == "en" and policy.body_en else policy.body
    return Markup(clean(_POLICY_MD.render(body)))


def acknowledgement(user_id: int, policy_id: int) -> PolicyAcknowledgement | None:
    return db.session.scalar(
        sa.select(PolicyAcknowledgement).where(
            PolicyAcknowledgement.policy_id == policy_id,
            PolicyAcknowledgement.user_id == user_id,
        )
    )


def policy_pending_for(user_id: int, now: datetime | None = None) -> Policy | None:
    """The policy version ``user_id`` must still acknowledge, or None (signed, nothing in
    force, or not someone who signs)."""
    policy = policy_in_force(now)
    user = accounts.get_user(user_id)
    if policy is None or user is None or not user.is_active or not SIGNERS.matches(user):
        return None
    return None if acknowledgement(user_id, policy.id) else policy


def acknowledge_policy(
    user_id: int, policy_id: int, now: datetime | None = None
) -> PolicyAcknowledgement:
    """``user_id`` read and agrees to version ``policy_id``; only the version in force can be
    signed (a page left open while HR published a new one is refused). Signing twice keeps
    the first time."""
    policy = policy_in_force(now)
    if policy is None or policy.id != policy_id:
        raise NotSigned(_("A newer version of the policy is in force: read it and sign again."))
    existing = acknowledgement(user_id, policy_id)
    if existing is not None:
        return existing
    signed = PolicyAcknowledgement(
        policy_id=policy_id, user_id=user_id, acknowledged_at=now or utcnow()
    )
    try:
        with db.session.begin_nested():
            db.session.add(signed)
    except IntegrityError:  # the same person signing in two tabs at once
        existing = acknowledgement(user_id, policy_id)
        assert existing is not None
        return existing
    return signed


@dataclass(frozen=True)
class AcknowledgementLine:
    version: int
    title: str
    acknowledged_at: datetime
    is_in_force: bool


def acknowledgements_of(user_id: int, now: datetime | None = None) -> list[AcknowledgementLine]:
    """Every policy version ``user_id`` acknowledged, newest version first (for the
    appraisal record)."""
    in_force = policy_in_force(now)
    rows = db.session.execute(
        sa.select(Policy, PolicyAcknowledgement.acknowledged_at)
        .join(PolicyAcknowledgement, PolicyAcknowledgement.policy_id == Policy.id)
        .where(PolicyAcknowledgement.user_id == user_id)
        .order_by(Policy.version.desc())
    )
    return [
        AcknowledgementLine(
            policy.version,
            policy.title,
            signed_at,
            in_force is not None and policy.id == in_force.id,
        )
        for policy, signed_at in rows
    ]


@dataclass(frozen=True)
class SignatureLine:
    employee_no: str
    name: str
    department: str
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class Signatures:
    signed: list[SignatureLine]
    unsigned: list[SignatureLine]


def signatures(policy: Policy, department_id: int | None = None) -> Signatures:
    """Who of those who must sign (active agents, optionally of one department and its
    teams) signed ``policy`` and who has not, each sorted by pinyin."""
    signers = list(db.session.scalars(SIGNERS.member_ids()))
    signed_at = dict(
        db.session.execute(
            sa.select(PolicyAcknowledgement.user_id, PolicyAcknowledgement.acknowledged_at).where(
                PolicyAcknowledgement.policy_id == policy.id
            )
        ).all()
    )
    signed, unsigned = [], []
    for person in accounts.people_summaries(signers, department_id):
        line = SignatureLine(
            person.employee_no, person.name, person.department or "", signed_at.get(person.id)
        )
        (signed if line.acknowledged_at else unsigned).append(line)
    return Signatures(signed, unsigned)


def all_policies() -> list[Policy]:
    return list(db.session.scalars(sa.select(Policy).order_by(Policy.version.desc())))


def iter_policy_files(folder: Path) -> Iterable[Path]:
    return sorted(folder.glob("*.yaml"))
