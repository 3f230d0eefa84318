"""The words of checks, translated as flask_babel translates them, but cheaply in bulk.

flask_babel's ``gettext`` looks up the translations on every call (the request's ``g``, the
locale, its cache): a few microseconds each, which over ten thousand agents and a dozen
texts per condition was most of the HR list's time. Inside ``one_locale()`` the lookup is
done once and kept in a context variable; outside it these behave exactly like flask_babel's
``gettext`` / ``ngettext`` (same catalogues, same formatting), so a single check run on its
own needs nothing set up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale, get_translations


@dataclass(frozen=True)
class _Current:
    translations: Any  # babel.support.Translations (or NullTranslations outside a request)
    language: str | None


_current: ContextVar[_Current | None] = ContextVar("career_words", default=None)


def _now() -> _Current:
    locale = get_locale()
    return _Current(get_translations(), locale.language if locale is not None else None)


def _looked_up() -> _Current:
    current = _current.get()
    return current if current is not None else _now()


@contextmanager
def one_locale() -> Iterator[None]:
    """Within it, the translations and the language are looked up once (on entry)."""
    token = _current.set(_now())
    try:
        yield
    finally:
        _current.reset(token)


def language() -> str | None:
    """The current locale's language ("zh", "en"), or None outside a request."""
    return _looked_up().language


def _(string: str, **variables: Any) -> str:
    """flask_babel's ``gettext``."""
    text: str = _looked_up().translations.ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """flask_babel's ``ngettext``: ``num`` is also given to the text as ``%(num)d``."""
    variables.setdefault("num", num)
    text: str = _looked_up().translations.ungettext(singular, plural, num)
    return text % variables
