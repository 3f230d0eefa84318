"""Moodle XML, read as Moodle's importer reads it (question/format/xml) and written back.

Parsing goes through defusedxml, so entity expansion and external entities are
refused. Every problem names the line of the element it is about.
"""

from __future__ import annotations

import base64
import binascii
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from flask_babel import gettext as _

from lms.exams.formats import (
    FormatError,
    ParsedCategory,
    ParsedFile,
    ParsedQuestion,
    default_name,
    join_category_path,
    split_category_path,
)
from lms.exams.question_types import checked_fraction, question_type

# Moodle's type names and ours.
TYPES = {
    "multichoice": None,  # single or multiple, by <single>
    "truefalse": "true_false",
    "shortanswer": "short_answer",
    "numerical": "numerical",
    "matching": "matching",
    "ordering": "ordering",
    "essay": "essay",
    "description": "description",
}
XML_TYPES = {
    "single_choice": "multichoice",
    "multiple_choice": "multichoice",
    **{ours: theirs for theirs, ours in TYPES.items() if ours},
}
_FORMATS = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
}
_FORMAT_NAMES = {ours: theirs for theirs, ours in _FORMATS.items()}


class _Element(Element):
    """An element that can carry the line it starts on."""

    sourceline = 1


class _LineBuilder(TreeBuilder):
    """A tree builder that notes on each element the line it starts on."""

    parser: DefusedXMLParser

    def start(self, tag, attrs):  # type: ignore[no-untyped-def]
        element = super().start(tag, attrs)
        element.sourceline = self.parser.parser.CurrentLineNumber  # type: ignore[attr-defined]
        return element


def _parse(data: bytes, filename: str) -> Element:
    builder = _LineBuilder(element_factory=_Element)
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(data)
        return parser.close()
    except ParseError as error:
        line = error.position[0] if error.position else 1
        raise FormatError([f"{filename}:{line}: " + _("this is not well-formed XML")]) from None
    except DefusedXmlException:
        raise FormatError(
            [f"{filename}:1: " + _("the file declares a DTD or entities, which are refused")]
        ) from None
    except (ValueError, LookupError):
        # expat reads only UTF-8, UTF-16 and Latin-1: an XML declaring GBK (or a made-up
        # encoding) is refused here rather than failing as a server error.
        raise FormatError(
            [f"{filename}:1: " + _("the XML file's encoding is not supported; save it as UTF-8")]
        ) from None


def _line(element: Element) -> int:
    return getattr(element, "sourceline", 1)


def _text(element: Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "").strip() if found is not None else ""


def _flag(element: Element, tag: str, default: bool) -> bool:
    found = element.find(tag)
    if found is None:
        return default
    # Moodle writes <single>true</single> and older files <single>1</single>.
    return (found.text or "").strip().lower() in ("true", "1")


def _number(element: Element, tag: str, default: float) -> float:
    found = element.find(tag)
    if found is None or not (found.text or "").strip():
        return default
    try:
        return float(found.text)
    except ValueError:
        raise ValueError(_("<%(tag)s> is not a number", tag=tag)) from None


class _Problems(Exception):
    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems


def _fraction(answer: Element) -> float:
    try:
        return checked_fraction(float(answer.get("fraction", "0")) / 100)
    except ValueError as error:
        reason = str(error) if "%" in str(error) else _("the answer's fraction is not a number")
        raise _Problems([(_line(answer), reason)]) from None


def _answers(question: Element) -> list[dict]:
    rows = []
    problems = []
    for answer in question.findall("answer"):
        try:
            fraction = _fraction(answer)
        except _Problems as refused:
            problems.extend(refused.problems)
            continue
        rows.append(
            {
                "text": _text(answer),
                "fraction": fraction,
                "feedback": _text(answer, "feedback/text"),
            }
        )
    if problems:
        raise _Problems(problems)
    return rows


def _payload(kind: str, question: Element) -> tuple[str, dict]:
    if kind == "multichoice":
        qtype = "single_choice" if _flag(question, "single", True) else "multiple_choice"
        return qtype, {"choices": _answers(question)}
    if kind == "truefalse":
        answer, feedback = None, {"true": "", "false": ""}
        for row, element in zip(_answers(question), question.findall("answer"), strict=True):
            said = _text(element).lower()
            if said in feedback:
                feedback[said] = row["feedback"]
                if row["fraction"] >= 0.9999999:
                    answer = said == "true"
        if answer is None:
            return "true_false", {}
        return "true_false", {
            "answer": answer,
            "feedback_right": feedback["true" if answer else "false"],
            "feedback_wrong": feedback["false" if answer else "true"],
        }
    if kind == "shortanswer":
        return "short_answer", {
            "answers": _answers(question),
            "case_sensitive": _text(question, "usecase") in ("1", "true"),
        }
    if kind == "numerical":
        rows = []
        for row, element in zip(_answers(question), question.findall("answer"), strict=True):
            text = row.pop("text")
            row["tolerance"] = _number(element, "tolerance", 0.0)
            if text == "*":
                row["value"] = None
            else:
                try:
                    row["value"] = float(text)
                except ValueError:
                    raise _Problems(
                        [(_line(element), _("'%(text)s' is not a number", text=text))]
                    ) from None
            rows.append({k: row[k] for k in ("value", "tolerance", "fraction", "feedback")})
        return "numerical", {"answers": rows}
    if kind == "matching":
        pairs = [
            {"question": _text(sub), "answer": _text(sub, "answer/text")}
            for sub in question.findall("subquestion")
        ]
        return "matching", {"pairs": pairs}
    if kind == "ordering":
        return "ordering", {"items": [_text(answer) for answer in question.findall("answer")]}
    if kind == "essay":
        grader_info = _text(question, "graderinfo/text")
        return "essay", ({"grader_info": grader_info} if grader_info else {})
    return "description", {}


def _files(question: Element) -> dict[str, bytes]:
    files = {}
    for element in question.iter("file"):
        name = element.get("name", "")
        if element.get("encoding", "base64") != "base64" or not name:
            raise _Problems([(_line(element), _("an embedded file needs a name and base64"))])
        try:
            files[name] = base64.b64decode((element.text or "").strip(), validate=True)
        except (binascii.Error, ValueError):
            raise _Problems(
                [(_line(element), _("embedded file '%(name)s' is not valid base64", name=name))]
            ) from None
    return files


def _question(element: Element, category: tuple[str, ...] | None) -> ParsedQuestion:
    kind = element.get("type", "")
    if kind not in TYPES:
        raise _Problems(
            [(_line(element), _("question type '%(type)s' is not supported", type=kind))]
        )
    text_element = element.find("questiontext")
    text_format = _FORMATS.get(
        text_element.get("format", "html") if text_element is not None else "html", "html"
    )
    text = _text(text_element)
    try:
        qtype, payload = _payload(kind, element)
        default_grade = _number(element, "defaultgrade", 1.0)
        penalty = _number(element, "penalty", 1.0 if kind == "truefalse" else 0.3333333)
    except ValueError as error:
        raise _Problems([(_line(element), str(error))]) from None
    problems = question_type(qtype).validate(payload) if payload or qtype == "true_false" else []
    if qtype == "true_false" and not payload:
        problems = [_("the right answer is missing")]
    if problems:
        raise _Problems([(_line(element), "; ".join(problems))])
    tags = [_text(tag) for tag in element.findall("tags/tag")]
    return ParsedQuestion(
        line=_line(element),
        name=_text(element, "name/text") or default_name(text),
        type=qtype,
        text=text,
        text_format=text_format,
        payload=payload,
        general_feedback=_text(element, "generalfeedback/text"),
        category=category,
        tags=[t for t in tags if t],
        idnumber=_text(element, "idnumber") or None,
        default_grade=default_grade,
        penalty=penalty,
        shuffle=_flag(element, "shuffleanswers", True),
        files=_files(element),
    )


def read_moodle_xml(data: bytes, filename: str = "<xml>") -> ParsedFile:
    """Every category and question in a Moodle XML file, or FormatError naming each bad one."""
    root = _parse(data, filename)
    if root.tag != "quiz":
        raise FormatError(
            [f"{filename}:{_line(root)}: " + _("a Moodle XML file starts with <quiz>")]
        )
    parsed = ParsedFile()
    problems: list[str] = []
    category: tuple[str, ...] | None = None
    for element in root.findall("question"):
        if element.get("type") == "category":
            category = split_category_path(_text(element, "category/text"))
            parsed.categories.append(
                ParsedCategory(
                    line=_line(element),
                    path=category,
                    info=_text(element, "info/text"),
                    idnumber=_text(element, "idnumber") or None,
                )
            )
            continue
        try:
            parsed.questions.append(_question(element, category))
        except _Problems as refused:
            problems.extend(f"{filename}:{line}: {reason}" for line, reason in refused.problems)
    if problems:
        raise FormatError(problems)
    return parsed


# Writing -----------------------------------------------------------------------------


def _t(text: str) -> str:
    return f"<text>{escape(text)}</text>"


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 5):g}"


def _answer_rows(question: ParsedQuestion) -> list[str]:
    payload, kind = question.payload, question.type
    rows: list[str] = []
    if kind in ("single_choice", "multiple_choice", "short_answer"):
        for row in payload["choices" if kind != "short_answer" else "answers"]:
            rows.append(
                f'    <answer fraction="{_percent(row["fraction"])}" format="html">'
                f"{_t(row['text'])}"
                f'<feedback format="html">{_t(row["feedback"])}</feedback></answer>'
            )
    elif kind == "true_false":
        answer = payload["answer"]
        feedback_true = payload["feedback_right" if answer else "feedback_wrong"]
        feedback_false = payload["feedback_wrong" if answer else "feedback_right"]
        for said, right, feedback in (
            ("true", answer, feedback_true),
            ("false", not answer, feedback_false),
        ):
            rows.append(
                f'    <answer fraction="{100 if right else 0}" format="moodle_auto_format">'
                f'{_t(said)}<feedback format="html">{_t(feedback)}</feedback></answer>'
            )
    elif kind == "numerical":
        for row in payload["answers"]:
            value = "*" if row["value"] is None else repr(row["value"])
            rows.append(
                f'    <answer fraction="{_percent(row["fraction"])}" format="moodle_auto_format">'
                f'{_t(value)}<feedback format="html">{_t(row["feedback"])}</feedback>'
                f"<tolerance>{row['tolerance']!r}</tolerance></answer>"
            )
    elif kind == "matching":
        for pair in payload["pairs"]:
            rows.append(
                f'    <subquestion format="html">{_t(pair["question"])}'
                f"<answer>{_t(pair['answer'])}</answer></subquestion>"
            )
    elif kind == "ordering":
        for position, item in enumerate(payload["items"], start=1):
            rows.append(
                f'    <answer fraction="{position}" format="moodle_auto_format">{_t(item)}</answer>'
            )
    elif kind == "essay" and payload.get("grader_info"):
        rows.append(f'    <graderinfo format="html">{_t(payload["grader_info"])}</graderinfo>')
    return rows


def write_question(question: ParsedQuestion) -> str:
    kind = XML_TYPES[question.type]
    fmt = _FORMAT_NAMES[question.text_format]
    files = "".join(
        f'<file name={quoteattr(name)} path="/" encoding="base64">'
        f"{base64.b64encode(data).decode()}</file>"
        for name, data in question.files.items()
    )
    lines = [
        f'  <question type="{kind}">',
        f"    <name>{_t(question.name)}</name>",
        f'    <questiontext format="{fmt}">{_t(question.text)}{files}</questiontext>',
        f'    <generalfeedback format="{fmt}">{_t(question.general_feedback)}</generalfeedback>',
        f"    <defaultgrade>{question.default_grade!r}</defaultgrade>",
        f"    <penalty>{question.penalty!r}</penalty>",
        "    <hidden>0</hidden>",
    ]
    if question.idnumber:
        lines.append(f"    <idnumber>{escape(question.idnumber)}</idnumber>")
    if kind == "multichoice":
        lines.append(
            f"    <single>{'true' if question.type == 'single_choice' else 'false'}</single>"
        )
    if kind in ("multichoice", "matching", "ordering"):
        lines.append(
            f"    <shuffleanswers>{'true' if question.shuffle else 'false'}</shuffleanswers>"
        )
    if kind == "shortanswer":
        lines.append(f"    <usecase>{1 if question.payload.get('case_sensitive') else 0}</usecase>")
    lines += _answer_rows(question)
    if question.tags:
        lines.append(
            "    <tags>" + "".join(f"<tag>{_t(t)}</tag>" for t in question.tags) + "</tags>"
        )
    lines.append("  </question>")
    return "\n".join(lines)


def write_moodle_xml(parsed: ParsedFile) -> bytes:
    """A whole file: a category pseudo-question wherever the category changes, then questions."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    current: tuple[str, ...] | None = None
    for question in parsed.questions:
        if question.category is not None and question.category != current:
            current = question.category
            out.append(
                '  <question type="category"><category>'
                f"{_t('$course$/top/' + join_category_path(current))}</category></question>"
            )
        out.append(write_question(question))
    out.append("</quiz>")
    return ("\n".join(out) + "\n").encode("utf-8")
