"""Certificates: issued when an attempt passes, verified publicly by serial, revoked by HR."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.audit import services as audit
from lms.database import utcnow
from lms.exams.certificate_pdf import (
    CertificateSheet,
    find_cjk_font,
    render_certificate,
    validate_seal_image,
)
from lms.exams.errors import CertificateError
from lms.exams.models import Attempt, Certificate, CertificateSeal, Exam
from lms.extensions import db
from lms.i18n import local_date
from lms.months import shift_months as add_months

# No 0/O or 1/I: a serial is read aloud on the phone and typed from paper.
_SERIAL_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
EXPIRY_NOTICE_DAYS = 30


def new_serial(issued_on: date) -> str:
    """``SA-2026-7K3M-Q9XP``: random, so serials cannot be walked through on the public page."""
    body = "".join(secrets.choice(_SERIAL_ALPHABET) for _ in range(8))
    return f"SA-{issued_on.year}-{body[:4]}-{body[4:]}"


def settle_for(attempt: Attempt, exam: Exam, now: datetime) -> Certificate | None:
    """Issue the certificate a graded, passed attempt earns; withdraw it if a regrade failed it."""
    existing = db.session.scalar(sa.select(Certificate).where(Certificate.attempt_id == attempt.id))
    if not attempt.is_passed:
        if existing is not None and existing.revoked_at is None:
            revoke(existing, _("The attempt was regraded below the pass mark."), None, now)
        return existing
    if existing is not None or exam.certificate_months is None:
        if existing is not None:
            existing.score_percent = attempt.percent
        return existing
    user = accounts.get_user(attempt.user_id)
    assert user is not None and attempt.finished_at is not None and attempt.percent is not None
    issued_on = local_date(attempt.finished_at)
    certificate = Certificate(
        serial=new_serial(issued_on),
        user_id=attempt.user_id,
        exam_id=exam.id,
        attempt_id=attempt.id,
        holder_name=user.name,
        score_percent=attempt.percent,
        issued_on=issued_on,
        expires_on=add_months(issued_on, exam.certificate_months)
        if exam.certificate_months
        else None,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def get_certificate(serial: str) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial.upper()))


def certificate_of_attempt(attempt_id: int) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.attempt_id == attempt_id))


def certificates_of(user_id: int) -> list[Certificate]:
    """Every certificate of ``user_id``, revoked and expired ones included, newest first."""
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_on.desc(), Certificate.id)
        )
    )


def status_of(certificate: Certificate, today: date) -> str:
    """``valid``, ``expired`` or ``revoked``."""
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.expires_on is not None and certificate.expires_on < today:
        return "expired"
    return "valid"


def mask_name(name: str) -> str:
    """A name as the public page shows it: 王*, 黄*燕, 买****力."""
    letters = list(name)
    if len(letters) <= 1:
        return name
    if len(letters) == 2:
        return letters[0] + "*"
    return letters[0] + "*" * (len(letters) - 2) + letters[-1]


@dataclass(frozen=True)
class Verification:
    serial: str
    status: str
    masked_name: str
    exam_title: str
    exam_title_en: str | None
    issued_on: date
    expires_on: date | None
    revoked_on: date | None


def verify(serial: str, today: date | None = None) -> Verification | None:
    """What the public verification page may say about ``serial``; None if there is no such."""
    certificate = get_certificate(serial.strip())
    if certificate is None:
        return None
    exam = db.session.get(Exam, certificate.exam_id)
    assert exam is not None
    today = today or local_date(utcnow())
    return Verification(
        serial=certificate.serial,
        status=status_of(certificate, today),
        masked_name=mask_name(certificate.holder_name),
        exam_title=exam.title,
        exam_title_en=exam.title_en,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        revoked_on=local_date(certificate.revoked_at) if certificate.revoked_at else None,
    )


def revoke(
    certificate: Certificate, reason: str, by_id: int | None, now: datetime | None = None
) -> None:
    """Withdraw ``certificate``; verification answers "revoked" from now on."""
    if certificate.revoked_at is not None:
        raise CertificateError(_("This certificate is already revoked."))
    if not reason.strip():
        raise CertificateError(_("Give the reason for revoking."))
    certificate.revoked_at = now or utcnow()
    certificate.revoked_by_id = by_id
    certificate.revoke_reason = reason.strip()[:300]
    db.session.flush()
    audit.record(
        "exams.certificate_revoked",
        actor_id=by_id,
        subject_type="certificate",
        subject_id=certificate.id,
        subject_user_id=certificate.user_id,
        message=audit.N_("Revoked certificate %(serial)s"),
        params={"serial": certificate.serial},
        before={"status": "valid"},
        after={"status": "revoked", "reason": certificate.revoke_reason},
        now=certificate.revoked_at,
    )


def expiring(
    within_days: int = EXPIRY_NOTICE_DAYS, today: date | None = None, user_id: int | None = None
) -> list[Certificate]:
    """Valid certificates that expire within ``within_days`` (HR's re-certification list),
    or only ``user_id``'s."""
    today = today or local_date(utcnow())
    query = (
        sa.select(Certificate)
        .where(
            Certificate.revoked_at.is_(None),
            Certificate.expires_on.is_not(None),
            Certificate.expires_on >= today,
            Certificate.expires_on <= today + timedelta(days=within_days),
        )
        .order_by(Certificate.expires_on)
    )
    if user_id is not None:
        query = query.where(Certificate.user_id == user_id)
    return list(db.session.scalars(query))


def recertify_by(user_id: int, today: date | None = None) -> list[Certificate]:
    """The person's own certificates expiring within the notice period (their dashboard)."""
    return expiring(today=today, user_id=user_id)


def set_seal(data: bytes, claimed_type: str | None, by_id: int | None) -> CertificateSeal:
    """Store the seal printed on certificates from now on; a bad image is refused.

    ``claimed_type`` (the browser's content type) is not trusted: the seal is served with
    the type its bytes are, or an HTML page named seal.png would be served as HTML.
    """
    try:
        validate_seal_image(data)
    except ValueError as error:
        raise CertificateError(
            _("The seal must be a readable PNG or JPEG image of at most 40 megapixels.")
        ) from error
    mime_type = "image/png" if data.startswith(b"\x89PNG\r\n\x1a\n") else "image/jpeg"
    seal = CertificateSeal(data=data, mime_type=mime_type, uploaded_by_id=by_id)
    db.session.add(seal)
    db.session.flush()
    return seal


def current_seal() -> CertificateSeal | None:
    return db.session.scalar(
        sa.select(CertificateSeal).order_by(CertificateSeal.id.desc()).limit(1)
    )


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as an A4 landscape PDF with the seal, if any, and a QR to ``verify_url``."""
    exam = db.session.get(Exam, certificate.exam_id)
    user = accounts.get_user(certificate.user_id)
    assert exam is not None and user is not None
    seal = current_seal()
    sheet = CertificateSheet(
        serial=certificate.serial,
        holder_name=certificate.holder_name,
        employee_no=user.employee_no,
        exam_title=exam.title,
        exam_title_en=exam.title_en,
        score_percent=certificate.score_percent,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        verify_url=verify_url,
        issuer=current_app.config.get("CERTIFICATE_ISSUER", "客服中心 培训与质量部"),
        seal_image=seal.data if seal else None,
    )
    configured = current_app.config.get("CERTIFICATE_FONT")
    return render_certificate(sheet, find_cjk_font(configured) if configured else None)


def recent(limit: int = 100) -> list[Certificate]:
    """The latest certificates issued, newest first."""
    return list(
        db.session.scalars(sa.select(Certificate).order_by(Certificate.id.desc()).limit(limit))
    )


def holder_ids() -> set[int]:
    return set(db.session.scalars(sa.select(Certificate.user_id).distinct()))


# --- for other areas, in bulk ------------------------------------------------------------------


@dataclass(frozen=True)
class HeldCertificate:
    user_id: int
    exam_slug: str
    serial: str
    issued_on: date
    expires_on: date | None
    revoked_on: date | None  # the local date it was revoked


def held_certificates(
    user_ids: Iterable[int] | sa.Select[tuple[int]], exam_slugs: Iterable[str]
) -> dict[int, list[HeldCertificate]]:
    """Every certificate (revoked and expired ones too) of the exams named by ``exam_slugs``
    held by ``user_ids``, by person, newest first. One statement per 500 ids given as a
    list; one statement in all when ``user_ids`` is a select of ids (one column)."""
    slugs = sorted(set(exam_slugs))
    held: dict[int, list[HeldCertificate]] = {}
    if not slugs:
        return held
    base = (
        sa.select(
            Certificate.user_id,
            Exam.slug,
            Certificate.serial,
            Certificate.issued_on,
            Certificate.expires_on,
            Certificate.revoked_at,
        )
        .join(Exam, Exam.id == Certificate.exam_id)
        .where(Exam.slug.in_(slugs))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    )
    if isinstance(user_ids, sa.Select):
        statements = [base.where(Certificate.user_id.in_(user_ids.scalar_subquery()))]
    else:
        ids = sorted(set(user_ids))
        statements = [
            base.where(Certificate.user_id.in_(ids[start : start + 500]))
            for start in range(0, len(ids), 500)
        ]
    for statement in statements:
        rows = db.session.execute(statement).all()  # one fetch, not one per row
        for user_id, slug, serial, issued_on, expires_on, revoked_at in rows:
            held.setdefault(user_id, []).append(
                HeldCertificate(
                    user_id,
                    slug,
                    serial,
                    issued_on,
                    expires_on,
                    local_date(revoked_at) if revoked_at is not None else None,
                )
            )
    return held


def exam_titles(exam_slugs: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """(title, English title) of the exams named by ``exam_slugs``; one statement."""
    slugs = sorted(set(exam_slugs))
    if not slugs:
        return {}
    rows = db.session.execute(
        sa.select(Exam.slug, Exam.title, Exam.title_en).where(Exam.slug.in_(slugs))
    )
    return {slug: (title, title_en) for slug, title, title_en in rows}
