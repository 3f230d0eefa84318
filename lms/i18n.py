"""Which language and zone a request is served in.

The catalogue folders are ``zh_Hans`` and ``en``; Babel does not fall back
between ``zh_Hans_CN`` and ``zh_Hans``, so every Chinese variant a browser may
send is mapped to exactly ``zh_Hans`` here.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_login import current_user

from lms.database import utcnow

LOCALES = ("zh_Hans", "en")
DEFAULT_LOCALE = "zh_Hans"
SESSION_KEY = "locale"


def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalogue without translating it now: the message is stored
    (a notification, an audit event) and translated for whoever reads it."""
    return msgid


def normalise_locale(tag: str | None) -> str | None:
    """Map a language tag (``zh-CN``, ``zh_Hans``, ``en-US``, ``en``) to a catalogue, or None."""
    if not tag:
        return None
    primary = tag.replace("-", "_").split("_")[0].lower()
    if primary == "zh":
        return "zh_Hans"
    if primary == "en":
        return "en"
    return None


def select_locale() -> str:
    """The signed-in user's choice, else this browser's choice, else Accept-Language, else zh.

    Outside a request (CLI commands) it is the default, Chinese.
    """
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get(SESSION_KEY)
    if chosen in LOCALES:
        return chosen
    for tag, _quality in request.accept_languages:
        locale = normalise_locale(tag)
        if locale:
            return locale
    return DEFAULT_LOCALE


def select_timezone() -> str:
    return current_app.config["LMS_TIMEZONE"]


def local_date(moment: datetime) -> date:
    """The calendar date of ``moment`` where the centre is (LMS_TIMEZONE)."""
    return moment.astimezone(ZoneInfo(current_app.config["LMS_TIMEZONE"])).date()


def local_today() -> date:
    """Today's date where the centre is: the day due dates and periods are counted in."""
    return local_date(utcnow())


def from_local(moment: datetime | None) -> datetime | None:
    """A wall-clock time typed in a form (no zone) as the aware moment in LMS_TIMEZONE."""
    if moment is None:
        return None
    return moment.replace(tzinfo=ZoneInfo(current_app.config["LMS_TIMEZONE"]))


def to_local(moment: datetime | None) -> datetime | None:
    """An aware moment as the wall-clock time a form shows (no zone)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(current_app.config["LMS_TIMEZONE"])).replace(tzinfo=None)
