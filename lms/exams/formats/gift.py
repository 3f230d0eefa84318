"""Moodle GIFT, read the way Moodle's own importer reads it, and written so it reads back.

The grammar is Moodle's (question/format/gift): blank-line separated questions,
``//`` comments (with ``[tag:…]`` and ``[id:…]`` in them), ``::title::``,
``[html]``-style text formats, the escapes ``\\~ \\= \\# \\{ \\} \\: \\n \\\\``,
``$CATEGORY:`` lines, choice answers with ``%n%`` weights and ``#`` feedback,
``####`` general feedback, missing-word questions, true/false, short answer,
numerical, matching, essay and description.

Where Moodle quietly accepts what it cannot use (a numerical answer that is not a
number becomes ``*``; cloze syntax inside a question), this reader names the
question's line instead.
"""

from __future__ import annotations

import math
import re

from flask_babel import gettext as _

from lms.exams.formats import (
    TEXT_FORMATS,
    FormatError,
    ParsedCategory,
    ParsedFile,
    ParsedQuestion,
    default_name,
    join_category_path,
    split_category_path,
)
from lms.exams.question_types import checked_fraction, question_type

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
_RESTORE = {placeholder: escaped[1] for escaped, placeholder in _ESCAPES.items()}
_RESTORE["\ue007"] = "\n"
_WEIGHT = re.compile(r"^%-*[0-9]{1,2}\.?[0-9]*%")
_TAG = re.compile(r"\[tag:((?:\\]|[^\]<>`])+?)\]")
_ID = re.compile(r"\[id:((?:\\]|[^\]])+?)\]")
# Moodle's cloze (multianswer) syntax, which GIFT does not carry: {1:SHORTANSWER:=x}.
_CLOZE = re.compile(r"\{\d*:(MULTICHOICE|MC|SHORTANSWER|SA|MW|NUMERICAL|NM|MULTIRESPONSE|MR)")


def _protect(text: str) -> str:
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _with_format(text: str, default: str) -> tuple[str, str]:
    """Text without a leading ``[html]``-style marker, and its format (``default`` without)."""
    stripped = text.lstrip()
    match = re.match(r"\[(\w+)\]", stripped)
    if match and match.group(1) in TEXT_FORMATS:
        return stripped[match.end() :], match.group(1)
    return text, default


def _clean(text: str) -> str:
    return _restore(text).strip()


class _Block:
    def __init__(self, line: int, text: str, comments: list[str]) -> None:
        self.line, self.text, self.comments = line, text, comments


def _blocks(text: str) -> list[_Block]:
    """Questions separated by blank lines; each line trimmed, as Moodle does.

    A comment line does not end a question; it is kept apart for its tags.
    """
    blocks: list[_Block] = []
    lines: list[str] = []
    comments: list[str] = []
    start = 0
    # Lines end at "\n" only, as in Moodle: U+2028 and friends are text.
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(" \t\r\0\x0b")
        if line.startswith("//"):
            comments.append(line)
            continue
        if not line:
            if lines:
                blocks.append(_Block(start, "\n".join(lines), comments))
            lines, comments = [], []
            continue
        if not lines:
            start = number
        lines.append(line)
    if lines:
        blocks.append(_Block(start, "\n".join(lines), comments))
    return blocks


def _split_feedback(part: str, default: str) -> tuple[str, str]:
    text, _hash, feedback = part.partition("#")
    return _clean(_with_format(text, default)[0]), _clean(_with_format(feedback, default)[0])


def _weight(answer: str) -> tuple[float | None, str]:
    """The ``%n%`` weight at the start of ``answer`` (None when there is none), and the rest."""
    match = _WEIGHT.match(answer)
    if not match:
        return None, answer
    value = match.group(0).strip("%").lstrip("-")
    negative = match.group(0).startswith("%-")
    return (-1 if negative else 1) * float(value) / 100, answer[match.end() :]


def _choices(answers: str, default: str) -> list[dict]:
    choices = []
    for part in answers.replace("=", "~=").split("~"):
        part = part.strip()
        if not part:
            continue
        if part.startswith("="):
            fraction, part = 1.0, part[1:]
        else:
            weight, part = _weight(part)
            fraction = 0.0 if weight is None else weight
        fraction = checked_fraction(fraction)
        text, feedback = _split_feedback(part, default)
        choices.append({"text": text, "fraction": fraction, "feedback": feedback})
    return choices


def _equals_answers(answers: str, default: str) -> list[tuple[float, str, str]]:
    """``=``-separated answers as (fraction, text, feedback); no weight means full marks."""
    rows = []
    for part in answers.split("="):
        part = part.strip()
        if not part:
            continue
        weight, part = _weight(part)
        fraction = checked_fraction(1.0 if weight is None else weight)
        text, feedback = _split_feedback(part, default)
        rows.append((fraction, text, feedback))
    return rows


def _short_answers(answers: str, default: str) -> list[dict]:
    return [
        {"text": text, "fraction": fraction, "feedback": feedback}
        for fraction, text, feedback in _equals_answers(answers, default)
    ]


def _number(text: str) -> float:
    try:
        value = float(_clean(text))
    except ValueError:
        raise ValueError(
            _("'%(text)s' is not a number", text=_clean(text))
            if _clean(text)
            else _("a number is missing")
        ) from None
    if not math.isfinite(value):
        raise ValueError(_("'%(text)s' is not a number", text=_clean(text)))
    return value


def _numerical(answers: str, default: str) -> list[dict]:
    body = answers[1:]
    wrong_feedback = None
    if "~" in body:
        body, _tilde, wrong = body.partition("~")
        wrong_feedback = _split_feedback(wrong, default)[1]
    rows = []
    for fraction, value_text, feedback in _equals_answers(body, default):
        if value_text == "*":
            value, tolerance = None, 0.0
        elif ".." in value_text:
            low_text, _dots, high_text = value_text.partition("..")
            low, high = _number(low_text), _number(high_text)
            value = (low + high) / 2
            tolerance = high - value
        elif ":" in value_text:
            value_part, _colon, tolerance_part = value_text.partition(":")
            value, tolerance = _number(value_part), _number(tolerance_part)
        else:
            value, tolerance = _number(value_text), 0.0
        rows.append(
            {"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback}
        )
    if wrong_feedback is not None:
        rows.append({"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": wrong_feedback})
    return rows


def _pairs(answers: str, default: str) -> list[dict]:
    pairs = []
    for part in answers.split("="):
        part = part.strip()
        if not part:
            continue
        if "->" not in part:
            raise ValueError(_("a matching pair needs '->' between the item and its match"))
        left, _arrow, right = part.partition("->")
        pairs.append({"question": _clean(_with_format(left, default)[0]), "answer": _clean(right)})
    return pairs


def _category(block: _Block) -> ParsedCategory:
    path = _restore(_protect(block.text.split(":", 1)[1])).strip()
    return ParsedCategory(line=block.line, path=split_category_path(path))


def _question(block: _Block, category: tuple[str, ...] | None) -> ParsedQuestion:
    text = _protect(block.text)
    if _CLOZE.search(text):
        raise ValueError(_("embedded answers (cloze) are not supported; import them as Moodle XML"))
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise ValueError(_("the title is not closed with '::'"))
        name, text = _clean(text[2:end]), text[end + 2 :]
    text, text_format = _with_format(text.strip(), "moodle")

    start, end = text.find("{"), text.find("}")
    if (start < 0) != (end < 0) or end < start:
        raise ValueError(_("the answers are not enclosed in a matching '{' and '}'"))
    tags: list[str] = []
    idnumber = None
    for comment in block.comments:
        tags.extend(tag.replace("\\]", "]").strip() for tag in _TAG.findall(comment))
        found = _ID.search(comment)
        if found:
            idnumber = found.group(1).replace("\\]", "]").strip()
    tags = list(dict.fromkeys(t for t in tags if t))
    if start < 0:
        question_text = _clean(text)
        return ParsedQuestion(
            line=block.line,
            name=name or default_name(question_text),
            type="description",
            text=question_text,
            text_format=text_format,
            category=category,
            tags=tags,
            idnumber=idnumber,
        )
    before, answers, after = text[:start], text[start + 1 : end], text[end + 1 :]
    # As in Moodle: text after the braces makes a missing-word question.
    question_text = _clean(f"{before}_____{after}" if after.strip() else before)
    general_feedback = ""
    if "####" in answers:
        head, _sep, general_feedback = answers.rpartition("####")
        answers = head
        general_feedback = _clean(_with_format(general_feedback, text_format)[0])
    answers = answers.strip()

    head = answers.split("#", 1)[0].strip()
    if not answers:
        qtype, payload = "essay", {}
    elif answers.startswith("#"):
        qtype, payload = "numerical", {"answers": _numerical(answers, text_format)}
    elif "~" in answers:
        # As in Moodle: no '=' answer means several answers may be right.
        qtype = "single_choice" if "=" in answers else "multiple_choice"
        payload = {"choices": _choices(answers, text_format)}
    elif "=" in answers and "->" in answers:
        qtype, payload = "matching", {"pairs": _pairs(answers, text_format)}
    elif head in ("T", "TRUE", "F", "FALSE"):
        # Moodle: the first feedback is shown for the wrong choice, the second for the right one.
        parts = answers.split("#")
        qtype = "true_false"
        payload = {
            "answer": head in ("T", "TRUE"),
            "feedback_wrong": _clean(_with_format(parts[1], text_format)[0])
            if len(parts) > 1
            else "",
            "feedback_right": _clean(_with_format(parts[2], text_format)[0])
            if len(parts) > 2
            else "",
        }
    else:
        qtype = "short_answer"
        payload = {"answers": _short_answers(answers, text_format), "case_sensitive": False}

    problems = question_type(qtype).validate(payload)
    if problems:
        raise ValueError("; ".join(problems))
    return ParsedQuestion(
        line=block.line,
        name=name or default_name(question_text),
        type=qtype,
        text=question_text,
        text_format=text_format,
        payload=payload,
        general_feedback=general_feedback,
        category=category,
        tags=tags,
        idnumber=idnumber,
        penalty=1.0 if qtype == "true_false" else 0.3333333,
    )


def read_gift(text: str, filename: str = "<gift>", first_line: int = 1) -> ParsedFile:
    """Every category and question in ``text``, or FormatError naming each bad one by line.

    ``first_line`` is the file line ``text`` starts on, for GIFT embedded in another file.
    """
    parsed = ParsedFile()
    problems: list[str] = []
    category: tuple[str, ...] | None = None
    for block in _blocks(text.lstrip("\ufeff")):
        file_line = block.line + first_line - 1
        block.line = file_line
        if block.text.startswith("$CATEGORY:"):
            if "\n" in block.text:
                problems.append(
                    f"{filename}:{file_line}: "
                    + _("a $CATEGORY line must stand alone, followed by a blank line")
                )
                continue
            found = _category(block)
            parsed.categories.append(found)
            category = found.path
            continue
        try:
            parsed.questions.append(_question(block, category))
        except ValueError as error:
            problems.append(f"{filename}:{file_line}: {error}")
    if problems:
        raise FormatError(problems)
    return parsed


# Writing -----------------------------------------------------------------------------

_SPECIALS = str.maketrans(
    {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:"}
)


def escape(text: str) -> str:
    """``text`` with GIFT's special characters escaped and line breaks as ``\\n``."""
    return text.translate(_SPECIALS).replace("\r\n", "\n").replace("\n", "\\n")


def _part(text: str, text_format: str) -> str:
    """A sub-part (answer, feedback): escaped, marked with its format where it would be misread."""
    marker = f"[{text_format}]" if re.match(r"\s*\[(\w+)\]", text) else ""
    return marker + escape(text)


def _weighted(mark: str, fraction: float, text: str, text_format: str, *, always: bool) -> str:
    """An answer with its mark and weight; a text that itself starts like a weight gets an
    explicit one, so it is not read as one."""
    explicit = always or _WEIGHT.match(text) is not None
    return mark + (_percent(fraction) if explicit else "") + _part(text, text_format)


def _feedback(text: str, text_format: str) -> str:
    return f"#{_part(text, text_format)}" if text else ""


def _percent(fraction: float) -> str:
    return f"%{round(fraction * 100, 5):g}%"


def _answers(question: ParsedQuestion) -> str:
    payload, fmt = question.payload, question.text_format
    kind = question.type
    if kind in ("single_choice", "multiple_choice"):
        lines = []
        marked = False
        for choice in payload["choices"]:
            if kind == "single_choice" and choice["fraction"] >= 0.9999999 and not marked:
                # One '=' makes it single choice (and an '=' answer never reads a weight);
                # further right answers are '~%100%', so a '~' is always there too.
                answer, marked = "=" + _part(choice["text"], fmt), True
            else:
                answer = _weighted(
                    "~", choice["fraction"], choice["text"], fmt, always=choice["fraction"] != 0
                )
            lines.append(f"\t{answer}{_feedback(choice['feedback'], fmt)}")
        return "\n" + "\n".join(lines) + "\n"
    if kind == "true_false":
        wrong, right = payload.get("feedback_wrong") or "", payload.get("feedback_right") or ""
        answer = "TRUE" if payload["answer"] else "FALSE"
        if not wrong and not right:
            return answer
        return (
            f"{answer}#{_part(wrong, fmt)}#{_part(right, fmt)}"
            if right
            else f"{answer}#{_part(wrong, fmt)}"
        )
    if kind == "short_answer":
        lines = []
        for answer in payload["answers"]:
            if "->" in answer["text"] + answer["feedback"]:
                raise ValueError(
                    _("GIFT cannot hold '->' in a short answer; export it as Moodle XML")
                )
            text = _weighted(
                "=", answer["fraction"], answer["text"], fmt, always=answer["fraction"] < 0.9999999
            )
            lines.append(f"\t{text}{_feedback(answer['feedback'], fmt)}")
        return "\n" + "\n".join(lines) + "\n"
    if kind == "numerical":
        lines = []
        tail = ""
        for answer in payload["answers"]:
            if answer["value"] is None:
                if answer["fraction"] == 0:
                    tail = f"\t~{_feedback(answer['feedback'], fmt) or '#'}\n"
                    continue
                value = "*"
            else:
                value = f"{answer['value']!r}:{answer['tolerance']!r}"
            weight = "" if answer["fraction"] >= 0.9999999 else _percent(answer["fraction"])
            lines.append(f"\t={weight}{value}{_feedback(answer['feedback'], fmt)}")
        return "#\n" + "\n".join(lines) + "\n" + tail
    if kind == "matching":
        if any("->" in pair["question"] for pair in payload["pairs"]):
            raise ValueError(_("GIFT cannot hold '->' in a matching item; export it as Moodle XML"))
        lines = [
            f"\t={_part(pair['question'], fmt)} -> {escape(pair['answer'])}"
            for pair in payload["pairs"]
        ]
        return "\n" + "\n".join(lines) + "\n"
    return ""


def write_question(question: ParsedQuestion) -> str:
    """One question as GIFT, preceded by its tags and id as Moodle writes them."""
    if question.type == "ordering":
        raise ValueError(_("GIFT has no ordering questions; export them as Moodle XML"))
    head = []
    markers = [f"[id:{question.idnumber}]"] if question.idnumber else []
    markers += [f"[tag:{tag}]" for tag in question.tags]
    if markers:
        head.append("// " + " ".join(markers))
    fmt = question.text_format
    marker = f"[{fmt}]" if fmt != "moodle" or re.match(r"\s*\[(\w+)\]", question.text) else ""
    title = f"::{escape(question.name)}::" if question.name else ""
    text = marker + escape(question.text)
    if question.type == "description":
        head.append(f"{title}{text}")
        return "\n".join(head) + "\n"
    general = f"####{_part(question.general_feedback, fmt)}" if question.general_feedback else ""
    head.append(f"{title}{text}{{{_answers(question)}{general}}}")
    return "\n".join(head) + "\n"


def write_gift(parsed: ParsedFile) -> str:
    """A whole file: each category line, then the questions in it."""
    out: list[str] = []
    current: tuple[str, ...] | None = None
    for question in parsed.questions:
        if question.category is not None and question.category != current:
            current = question.category
            out.append(f"$CATEGORY: {escape(join_category_path(current))}\n")
        out.append(write_question(question))
    return "\n".join(out)
