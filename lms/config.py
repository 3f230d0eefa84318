"""Settings from the environment, with defaults that make `make run` work as it is."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def database_url(raw: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL: DATABASE_URL if set, else a SQLite file in instance/.

    Hosting panels hand out ``postgres://`` and ``postgresql://`` URLs; we ship
    psycopg 3 only, so those are pointed at it rather than at a missing psycopg2.
    """
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "lms.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def secret_key(raw: str | None, instance_path: str) -> str:
    """SECRET_KEY if set; else one generated once into instance/ so sessions survive restarts."""
    if raw:
        return raw
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Written owner-only: anyone who reads it can forge sessions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load(
    instance_path: str, environ: os._Environ[str] | dict[str, str] = os.environ
) -> dict[str, Any]:
    """Build the Flask config mapping for an app whose instance folder is ``instance_path``."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(environ.get("DATABASE_URL"), instance_path),
        "SECRET_KEY": secret_key(environ.get("SECRET_KEY"), instance_path),
        "LMS_TIMEZONE": environ.get("LMS_TIMEZONE", "Asia/Shanghai"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": environ.get("LMS_TIMEZONE", "Asia/Shanghai"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind TLS in production set SESSION_COOKIE_SECURE=1.
        "SESSION_COOKIE_SECURE": _truthy(environ.get("SESSION_COOKIE_SECURE")),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        # scrypt with werkzeug's defaults; tests lower the cost to stay quick.
        "PASSWORD_HASH_METHOD": environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "USERS_PER_PAGE": 25,
        # How many proxies (load balancer, nginx) stand before the app: their X-Forwarded-*
        # headers are trusted for that many hops. 0: the app is reached directly.
        "LMS_PROXY_HOPS": int(environ.get("LMS_PROXY_HOPS", "0") or 0),
        # Per client address: sign-in attempts, two-factor codes, public certificate checks.
        "LMS_RATE_LIMITS": not _truthy(environ.get("LMS_RATE_LIMITS_OFF")),
        "LMS_RATE_LOGIN": environ.get("LMS_RATE_LOGIN", "20/60"),
        "LMS_RATE_VERIFY": environ.get("LMS_RATE_VERIFY", "30/60"),
        # Roles that must use a second factor (TOTP) to sign in; hr may choose to.
        "LMS_TWO_FACTOR_REQUIRED": tuple(
            r for r in environ.get("LMS_TWO_FACTOR_REQUIRED", "admin").replace(",", " ").split()
        ),
    }
