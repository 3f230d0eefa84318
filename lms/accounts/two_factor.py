"""Two-factor sign-in: time-based one-time passwords (RFC 6238, the codes any
authenticator app shows) and one-time recovery codes. No outside service is called: the
secret is shared once, through a QR code drawn here, and codes are checked locally.

Admins must use it (``LMS_TWO_FACTOR_REQUIRED``, "admin" by default); HR may turn it on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

import segno
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms.accounts import services
from lms.accounts.errors import AccountLocked, FieldErrors
from lms.accounts.models import RecoveryCode, Role, User
from lms.database import utcnow
from lms.extensions import db

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # a code from the step before or after still counts: phones' clocks drift
RECOVERY_CODES = 10
ISSUER = "Service Academy"
# Recovery codes avoid letters read alike (0/O, 1/I/L).
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


# --- the algorithm ----------------------------------------------------------------------------


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps take them."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def code_at(secret: str, step: int) -> str:
    """The code for time step ``step`` (RFC 4226 HOTP over the step counter)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def step_of(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` belongs to, within the allowed drift; None if none."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    here = step_of(now)
    for step in range(here - DRIFT_STEPS, here + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


# --- who uses it ------------------------------------------------------------------------------


def is_required(user: User) -> bool:
    """Whether ``user``'s roles oblige them to sign in with a second factor."""
    required = set(current_app.config.get("LMS_TWO_FACTOR_REQUIRED", ("admin",)))
    return any(role.value in required for role in user.roles)


def may_enable(user: User) -> bool:
    """Staff who handle personnel data may use it: HR and admins."""
    return bool(user.roles & {Role.HR, Role.ADMIN})


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None and user.totp_secret is not None


# --- enrolment --------------------------------------------------------------------------------


def start_enrolment(user: User) -> str:
    """A fresh secret for ``user`` to add to their app (not in use until confirmed)."""
    user.totp_secret = new_secret()
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{user.employee_no}")
    query = urlencode(
        {"secret": secret, "issuer": ISSUER, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG markup (drawn here; nothing is fetched)."""
    return segno.make(uri, error="m", micro=False).svg_inline(border=2, dark="#000", omitsize=True)


def confirm_enrolment(user: User, code: str, now: datetime | None = None) -> list[str]:
    """Turn two-factor sign-in on once ``code`` proves the app holds the secret; returns
    the recovery codes, shown once (only their hashes are kept)."""
    now = now or utcnow()
    if user.totp_secret is None:
        raise FieldErrors([("code", _("Start again: no secret is waiting to be confirmed."))])
    step = matching_step(user.totp_secret, code, now)
    if step is None:
        raise FieldErrors(
            [("code", _("That code does not match. Check the phone's clock and try the next one."))]
        )
    user.totp_enabled_at = now
    user.totp_last_step = step
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with new ones; returns them in clear, once."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _number in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def turn_off(user: User) -> None:
    """Forget the secret and the recovery codes (the person, or an admin for someone who
    lost their phone). Someone who must use it enrols again at their next sign-in."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.upper().encode()).hexdigest()


# --- signing in -------------------------------------------------------------------------------


def _lock_key(user: User) -> str:
    return f"2fa:{user.id}"


def check_second_factor(user: User, code: str, now: datetime | None = None) -> bool:
    """Whether ``code`` (from the app, or a recovery code) completes ``user``'s sign-in.

    An app code is accepted once (its time step is remembered); a recovery code is spent.
    Wrong codes count like wrong passwords (the same bookkeeping, keyed by the person): after
    ``services.LOCK_THRESHOLD`` of them the second step is locked for a while
    (``AccountLocked``).
    """
    now = now or utcnow()
    key = _lock_key(user)
    until = services.locked_until(key, now)
    if until is not None:
        raise AccountLocked(until)
    if user.totp_secret is not None and user.totp_enabled_at is not None:
        step = matching_step(user.totp_secret, code, now)
        if step is not None and step > (user.totp_last_step or -1):
            user.totp_last_step = step
            services.clear_login_failures(key)
            return True
        raw = "".join(ch for ch in code.upper() if ch.isalnum())
        if len(raw) == 10:
            spare = db.session.scalar(
                sa.select(RecoveryCode).where(
                    RecoveryCode.user_id == user.id,
                    RecoveryCode.code_hash == _digest(raw),
                    RecoveryCode.used_at.is_(None),
                )
            )
            if spare is not None:
                spare.used_at = now
                services.clear_login_failures(key)
                db.session.flush()
                return True
    locked = services.record_failure(key, now)
    if locked is not None:
        raise AccountLocked(locked)
    return False
