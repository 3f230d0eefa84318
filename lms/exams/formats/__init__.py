"""Question interchange formats (GIFT, Moodle XML, Aiken, the Excel template).

Every reader yields the same neutral records, so the bank's importer, the
course loader's knowledge checks and the exporters share one shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")


@dataclass
class ParsedCategory:
    """A category line of a file: its path of names below the bank's top."""

    line: int
    path: tuple[str, ...]
    info: str = ""
    idnumber: str | None = None


@dataclass
class ParsedQuestion:
    """One question read from a file, before it is checked against the bank."""

    line: int
    name: str
    type: str
    text: str
    text_format: str = "moodle"
    payload: dict[str, Any] = field(default_factory=dict)
    general_feedback: str = ""
    #: The path of the category it sits in, None for "the category chosen for the import".
    category: tuple[str, ...] | None = None
    tags: list[str] = field(default_factory=list)
    idnumber: str | None = None
    default_grade: float = 1.0
    penalty: float = 0.3333333
    shuffle: bool = True
    #: Embedded files by the name the text uses after ``@@PLUGINFILE@@/``.
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class ParsedFile:
    """What a reader made of a whole file: its categories and questions in file order."""

    categories: list[ParsedCategory] = field(default_factory=list)
    questions: list[ParsedQuestion] = field(default_factory=list)


class FormatError(ValueError):
    """A file this reader refuses; ``problems`` are ``file:line: reason`` strings."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


_TAG = re.compile(r"<[^>]*>")


def default_name(text: str) -> str:
    """A name for an unnamed question, as Moodle makes one: the text without tags, cut to 80."""
    plain = _TAG.sub("", text).strip()
    if len(plain) <= 80:
        return plain
    cut = plain[:77]
    space = cut.rfind(" ")
    return (cut[: space + 1] if space > 0 else cut) + "..."


def split_category_path(path: str) -> tuple[str, ...]:
    """``$course$/a/b//c`` → ("a", "b/c"): ``//`` is a literal slash; Moodle's context tokens
    and a leading ``top`` are dropped."""
    names = [part.replace("\0", "/").strip() for part in path.replace("//", "\0").split("/")]
    names = [n for n in names if n]
    if names and re.fullmatch(r"\$\w+\$", names[0]):
        names = names[1:]
    if names and names[0] == "top":
        names = names[1:]
    return tuple(names)


def join_category_path(path: tuple[str, ...]) -> str:
    return "/".join(name.replace("/", "//") for name in path)
