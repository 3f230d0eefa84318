"""Moodle's Aiken format: a question line, lettered options, then ``ANSWER: X``.

::

    客户来电说快递三天未到，第一句应该说什么？
    A. 这不归我们管
    B. 非常理解您着急的心情，我马上为您查询
    ANSWER: B
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from lms.exams.formats import FormatError, ParsedFile, ParsedQuestion, default_name

_OPTION = re.compile(r"^([A-Z])[.)．、]\s*(.+)$")
_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*([A-Z])\s*$", re.IGNORECASE)


def read_aiken(text: str, filename: str = "<aiken>") -> ParsedFile:
    """Every question in ``text``; FormatError names each bad one by the line it starts on."""
    parsed = ParsedFile()
    problems: list[str] = []
    stem: str | None = None
    start = 0
    options: list[tuple[str, str]] = []

    def finish(line: int, letter: str) -> None:
        letters = [o[0] for o in options]
        if len(options) < 2:
            problems.append(f"{filename}:{start}: " + _("a question needs at least two options"))
        elif letters != [chr(ord("A") + i) for i in range(len(letters))]:
            problems.append(
                f"{filename}:{start}: " + _("options must be lettered A, B, C… in order")
            )
        elif letter not in letters:
            problems.append(
                f"{filename}:{line}: "
                + _("the answer %(letter)s is not one of the options", letter=letter)
            )
        else:
            parsed.questions.append(
                ParsedQuestion(
                    line=start,
                    name=default_name(stem or ""),
                    type="single_choice",
                    text=stem or "",
                    payload={
                        "choices": [
                            {"text": t, "fraction": 1.0 if k == letter else 0.0, "feedback": ""}
                            for k, t in options
                        ]
                    },
                )
            )

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            if stem is None:
                problems.append(f"{filename}:{number}: " + _("an ANSWER line without a question"))
            else:
                finish(number, answer.group(1).upper())
            stem, options = None, []
        elif option and stem is not None:
            options.append((option.group(1), option.group(2).strip()))
        elif stem is None:
            stem, start = line, number
        elif not options:
            stem += "\n" + line
        else:
            problems.append(f"{filename}:{start}: " + _("the question has no ANSWER line"))
            stem, start, options = line, number, []
    if stem is not None:
        problems.append(f"{filename}:{start}: " + _("the question has no ANSWER line"))
    if problems:
        raise FormatError(problems)
    return parsed
