"""`flask translate ...`: keep the zh_Hans and en catalogues in step with the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup

translate_cli = AppGroup("translate", help="Maintain the translation catalogues.")

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "lms" / "translations"
KEYWORDS = ["_l", "lazy_gettext", "pgettext:1c,2", "lazy_pgettext:1c,2", "ngettext:1,2"]


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True)


def fill_english(path: Path = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po") -> int:
    """Make the en catalogue complete: the source strings are English already.

    Returns how many entries were filled; existing English wording is kept.
    """
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale="en")
    filled = 0
    for message in catalogue:
        if not message.id:
            continue
        message.flags.discard("fuzzy")
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = message.id
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    with path.open("wb") as fh:
        write_po(fh, catalogue, width=100, omit_header=False)
    return filled


@translate_cli.command("update")
def update_command() -> None:
    """Extract messages, merge them into both catalogues and complete the English one."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        *keywords,
        "--add-comments",
        "TRANSLATORS:",
        "--sort-by-file",
        "--no-location",
        "-o",
        "lms/translations/messages.pot",
        ".",
    )
    _pybabel(
        "update",
        "-i",
        "lms/translations/messages.pot",
        "-d",
        "lms/translations",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    click.echo(f"en: filled {fill_english()} entries; now translate the new zh_Hans entries.")
