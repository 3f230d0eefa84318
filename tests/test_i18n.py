"""Both catalogues are complete, and every Chinese browser gets the zh_Hans catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lms.i18n import normalise_locale

TRANSLATIONS = Path(__file__).resolve().parents[1] / "lms" / "translations"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_catalogue_translates_every_message_with_the_same_placeholders(locale: str) -> None:
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    expected = {m.id for m in template if m.id}
    present = {m.id for m in catalogue if m.id}
    assert expected - present == set(), "run `make i18n-update` and translate"
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert strings[0], f"{locale}: untranslated {ids[0]!r}"
        assert "fuzzy" not in message.flags, f"{locale}: fuzzy {ids[0]!r}"
        assert set(PLACEHOLDER.findall(ids[-1])) == set(PLACEHOLDER.findall(strings[0])), ids[0]


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("zh", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh_Hans_CN", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("en", "en"),
        ("en-GB", "en"),
        ("fr", None),
        ("", None),
    ],
)
def test_language_tags_map_to_our_catalogues(tag: str, locale: str | None) -> None:
    assert normalise_locale(tag) == locale
