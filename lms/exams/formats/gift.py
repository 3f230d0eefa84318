"""Moodle GIFT, read the way Moodle's own importer reads it.

This first part covers what knowledge checks need: comments, ``::title::``,
text formats, escapes, multiple choice (single and several right answers, with
``%n%`` weights and ``#`` feedback), true/false (with its right/wrong feedback),
missing-word placement and ``####`` general feedback. Other question types are
reported by line, never silently dropped; the question-bank issue adds them to
this same parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lms.exams.question_types import question_type

# Escaped specials are swapped for private-use characters while parsing, and back afterwards.
_ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
    "\\n": "\ue007",
}
_RESTORE = {
    "\ue000": "\\",
    "\ue001": "~",
    "\ue002": "=",
    "\ue003": "#",
    "\ue004": "{",
    "\ue005": "}",
    "\ue006": ":",
    "\ue007": "\n",
}
_FORMATS = ("html", "moodle", "plain", "markdown")
_TRUE = {"T", "TRUE"}
_FALSE = {"F", "FALSE"}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


class GiftError(ValueError):
    """The text is not GIFT this parser accepts; ``problems`` are ``file:line: reason``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class GiftQuestion:
    line: int
    name: str
    text: str
    text_format: str
    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    general_feedback: str = ""


def _protect(text: str) -> str:
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text.strip()


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions separated by blank lines, each with the line of its first non-comment line."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _split_feedback(part: str) -> tuple[str, str]:
    text, _hash, feedback = part.partition("#")
    return text, feedback


def _without_format(text: str) -> tuple[str, str | None]:
    """Text without a leading ``[html]``-style format marker, and that format."""
    match = re.match(r"^\s*\[(\w+)\]", text)
    if match and match.group(1) in _FORMATS:
        return text[match.end() :], match.group(1)
    return text, None


def _choices(answers: str) -> list[dict[str, Any]]:
    choices = []
    for marker, body in re.findall(r"([=~])([^=~]*)", answers):
        weight = _WEIGHT.match(body.strip())
        if weight:
            fraction = float(weight.group(1)) / 100
            body = body.strip()[weight.end() :]
        else:
            fraction = 1.0 if marker == "=" else 0.0
        text, feedback = _split_feedback(body)
        text, _text_format = _without_format(text)
        feedback, _feedback_format = _without_format(feedback)
        choices.append(
            {"text": _restore(text), "fraction": fraction, "feedback": _restore(feedback)}
        )
    return choices


def _parse_block(line: int, raw: str) -> GiftQuestion:
    text = _protect(raw.lstrip("\ufeff"))
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise ValueError("the title is not closed with '::'")
        name, text = text[2:end], text[end + 2 :]
    text = text.strip()
    text_format = "moodle"
    match = re.match(r"^\[(\w+)\]", text)
    if match and match.group(1) in _FORMATS:
        text_format, text = match.group(1), text[match.end() :]

    start, end = text.find("{"), text.rfind("}")
    if start >= 0 and end < start:
        raise ValueError("the answers are not closed with '}'")
    if start < 0:
        raise ValueError("question type 'description' is not supported in knowledge checks yet")
    before, answers, after = text[:start], text[start + 1 : end].strip(), text[end + 1 :]
    # As in Moodle: text after the braces makes a missing-word question.
    question_text = f"{before}_____{after}" if after.strip() else before
    general_feedback = ""
    if "####" in answers:
        answers, _sep, general_feedback = answers.partition("####")
        answers = answers.strip()

    head, _hash, rest = answers.partition("#")
    if head.strip().upper() in _TRUE | _FALSE:
        right = head.strip().upper() in _TRUE
        # Moodle: the first feedback is shown for the wrong choice, the second for the right one.
        wrong_feedback, _hash2, right_feedback = rest.partition("#")
        qtype = "true_false"
        payload: dict[str, Any] = {
            "answer": right,
            "feedback_wrong": _restore(_without_format(wrong_feedback)[0]),
            "feedback_right": _restore(_without_format(right_feedback)[0]),
        }
    elif "~" in answers:
        choices = _choices(answers)
        # As in Moodle: no '=' answer means several answers may be right.
        qtype = "single_choice" if "=" in answers else "multiple_choice"
        payload = {"choices": choices}
    else:
        if not answers:
            kind = "essay"
        elif answers.startswith("#"):
            kind = "numerical"
        elif "->" in answers:
            kind = "matching"
        else:
            kind = "short answer"
        raise ValueError(f"question type '{kind}' is not supported in knowledge checks yet")

    problems = question_type(qtype).validate(payload)
    if problems:
        raise ValueError("; ".join(problems))
    return GiftQuestion(
        line=line,
        name=_restore(name),
        text=_restore(question_text),
        text_format=text_format,
        type=qtype,
        payload=payload,
        general_feedback=_restore(general_feedback),
    )


def parse_gift(text: str, filename: str = "<gift>", first_line: int = 1) -> list[GiftQuestion]:
    """Every question in ``text``, or GiftError listing each bad question by line.

    ``first_line`` is the file line ``text`` starts on, for GIFT embedded in another file.
    """
    questions, problems = [], []
    for line, raw in _blocks(text.lstrip("\ufeff")):
        file_line = line + first_line - 1
        if raw.strip().startswith("$CATEGORY:"):
            problems.append(
                f"{filename}:{file_line}: $CATEGORY is not supported in knowledge checks"
            )
            continue
        try:
            question = _parse_block(file_line, raw)
        except ValueError as error:
            problems.append(f"{filename}:{file_line}: {error}")
        else:
            questions.append(question)
    if problems:
        raise GiftError(problems)
    return questions
