"""Reading ``content/courses/``: course.yaml and lesson files into checked specs.

Nothing here touches the database; ``services.sync_content`` applies the specs.
Every problem is a ``file:line: reason`` string, and a course with any problem
is not applied at all.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from lms.courses.models import CourseCategory
from lms.exams import services as exams

COURSE_KEYS = {"title", "summary", "category", "hours", "levels", "pass_mark", "lessons"}
LESSON_KEYS = {"title", "minutes"}
LEVELS = {"junior", "mid", "senior"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_STEM = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
GIFT_FENCE = re.compile(r"^```gift[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


@dataclass
class LessonSpec:
    slug: str
    position: int
    title_zh: str
    title_en: str | None
    body_zh: str
    body_en: str | None
    minutes: int
    check_zh: list[dict[str, Any]]
    check_en: list[dict[str, Any]] | None
    content_hash: str


@dataclass
class CourseSpec:
    slug: str
    title_zh: str
    title_en: str | None
    summary_zh: str
    summary_en: str | None
    category: CourseCategory
    credit_hours: Decimal
    levels: list[str]
    pass_mark: int
    content_hash: str
    lessons: list[LessonSpec] = field(default_factory=list)


@dataclass
class LessonFile:
    title: str
    minutes: int
    body: str
    check: list[dict[str, Any]]


class ContentProblems(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(hashlib.sha256(part).digest())
    return hasher.hexdigest()


def _key_lines(text: str) -> dict[str, int]:
    """The 1-based line of each top-level key of a YAML mapping (for error messages)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + 1 for key, _value in node.value}


def _load_yaml(text: str, where: str, line_offset: int = 0) -> tuple[Any, list[str]]:
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as error:
        # An unclosed bracket or quote is found only at the end of the text; the line
        # where it was opened (the context) is the one the author must fix.
        context_mark = getattr(error, "context_mark", None)
        mark = context_mark or getattr(error, "problem_mark", None)
        line = (mark.line + 1 if mark else 1) + line_offset
        reason = getattr(error, "problem", None) or str(error)
        if context_mark is not None and getattr(error, "context", None):
            reason = f"{error.context}: {reason}"
        return None, [f"{where}:{line}: YAML: {reason}"]


def read_lesson_file(path: Path, shown_as: str) -> LessonFile:
    """One lesson file; ``shown_as`` is how problems name it."""
    text = path.read_text(encoding="utf-8-sig")
    problems: list[str] = []
    if not text.startswith("---\n"):
        raise ContentProblems([f"{shown_as}:1: the file must start with front matter ('---')"])
    end = text.find("\n---\n", 3)
    if end < 0:
        raise ContentProblems([f"{shown_as}:1: the front matter is not closed with '---'"])
    front_text = text[4 : end + 1]
    body_start_line = front_text.count("\n") + 3
    front, yaml_problems = _load_yaml(front_text, shown_as, line_offset=1)
    if yaml_problems:
        raise ContentProblems(yaml_problems)
    if not isinstance(front, dict):
        raise ContentProblems([f"{shown_as}:2: the front matter must be 'key: value' lines"])
    lines = _key_lines(front_text)
    for key in front:
        if key not in LESSON_KEYS:
            problems.append(f"{shown_as}:{lines.get(key, 1) + 1}: unknown field '{key}'")
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{shown_as}:2: the title is missing")
    minutes = front.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 600:
        line = lines.get("minutes", 0) + 1 if "minutes" in lines else 2
        problems.append(f"{shown_as}:{line}: minutes must be a whole number from 1 to 600")

    body = text[end + 5 :]
    fences = list(GIFT_FENCE.finditer(body))
    check: list[dict[str, Any]] = []
    if len(fences) != 1:
        problems.append(
            f"{shown_as}:{body_start_line}: a lesson needs exactly one ```gift knowledge check "
            f"(found {len(fences)})"
        )
    else:
        fence = fences[0]
        first_line = body_start_line + body[: fence.start(1)].count("\n")
        try:
            check = exams.read_knowledge_check(fence.group(1), shown_as, first_line=first_line)
        except exams.FormatError as error:
            problems.extend(error.problems)
        else:
            if not 3 <= len(check) <= 5:
                problems.append(
                    f"{shown_as}:{first_line}: a knowledge check has 3 to 5 questions "
                    f"(found {len(check)})"
                )
        body = (body[: fence.start()] + body[fence.end() :]).rstrip() + "\n"
    if problems:
        raise ContentProblems(problems)
    return LessonFile(title.strip(), minutes, body, check)


def read_course(folder: Path, root: Path) -> CourseSpec:
    """The course in ``folder``, or ContentProblems listing everything wrong with it."""

    def shown(path: Path) -> str:
        return str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)

    yaml_path = folder / "course.yaml"
    where = shown(yaml_path)
    if not SLUG.match(folder.name):
        raise ContentProblems(
            [f"{shown(folder)}:1: folder names are lower-case words joined by '-'"]
        )
    if not yaml_path.exists():
        raise ContentProblems([f"{where}:1: course.yaml is missing"])
    raw = yaml_path.read_bytes()
    text = raw.decode("utf-8-sig")
    data, problems = _load_yaml(text, where)
    if problems:
        raise ContentProblems(problems)
    if not isinstance(data, dict):
        raise ContentProblems([f"{where}:1: course.yaml must be a mapping of fields"])
    lines = _key_lines(text)

    def at(key: str) -> str:
        return f"{where}:{lines.get(key, 1)}"

    for key in data:
        if key not in COURSE_KEYS:
            problems.append(f"{at(key)}: unknown field '{key}'")
    for key in COURSE_KEYS - set(data):
        problems.append(f"{where}:1: the field '{key}' is missing")

    def translated(key: str) -> tuple[str, str | None]:
        value = data.get(key)
        if not isinstance(value, dict) or not str(value.get("zh") or "").strip():
            if key in data:
                problems.append(f"{at(key)}: '{key}' needs a 'zh' text (and an 'en' one)")
            return "", None
        unknown = set(value) - {"zh", "en"}
        if unknown:
            problems.append(f"{at(key)}: '{key}' has only 'zh' and 'en', not {sorted(unknown)}")
        english = str(value.get("en") or "").strip() or None
        return str(value["zh"]).strip(), english

    title_zh, title_en = translated("title")
    summary_zh, summary_en = translated("summary")
    category = None
    if "category" in data:
        try:
            category = CourseCategory(data["category"])
        except ValueError:
            allowed = ", ".join(c.value for c in CourseCategory)
            problems.append(f"{at('category')}: unknown category '{data['category']}' ({allowed})")
    hours = Decimal(0)
    if "hours" in data:
        try:
            hours = Decimal(str(data["hours"]))
            if hours < 0 or hours * 2 != int(hours * 2) or hours > 100:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(f"{at('hours')}: hours must be a multiple of 0.5 from 0 to 100")
    levels = data.get("levels")
    if "levels" in data and (
        not isinstance(levels, list) or not levels or not set(levels) <= LEVELS
    ):
        problems.append(f"{at('levels')}: levels is a list of junior, mid, senior")
    pass_mark = data.get("pass_mark")
    if "pass_mark" in data and (
        not isinstance(pass_mark, int) or isinstance(pass_mark, bool) or not 0 < pass_mark <= 100
    ):
        problems.append(f"{at('pass_mark')}: pass_mark is a whole percentage from 1 to 100")

    lessons: list[LessonSpec] = []
    hashes = [raw]
    stems = data.get("lessons")
    if "lessons" in data and (not isinstance(stems, list) or not stems):
        problems.append(f"{at('lessons')}: lessons is a list of lesson file names")
        stems = []
    seen: set[str] = set()
    for position, stem in enumerate(stems or [], start=1):
        line = lines.get("lessons", 1) + position
        match = LESSON_STEM.match(str(stem))
        if not match:
            problems.append(f"{where}:{line}: '{stem}' is not a lesson name like 01-first-lesson")
            continue
        slug = match.group(2)
        if slug in seen:
            problems.append(f"{where}:{line}: lesson '{slug}' is listed twice")
            continue
        seen.add(slug)
        zh_path = folder / "lessons" / f"{stem}.md"
        en_path = folder / "lessons" / f"{stem}.en.md"
        if not zh_path.exists():
            problems.append(f"{where}:{line}: lessons/{stem}.md does not exist")
            continue
        try:
            zh = read_lesson_file(zh_path, shown(zh_path))
            en = read_lesson_file(en_path, shown(en_path)) if en_path.exists() else None
        except ContentProblems as error:
            problems.extend(error.problems)
            continue
        if en is not None and len(en.check) != len(zh.check):
            problems.append(
                f"{shown(en_path)}:1: the English check has {len(en.check)} questions, "
                f"the Chinese one {len(zh.check)}"
            )
            continue
        parts = [zh_path.read_bytes()] + ([en_path.read_bytes()] if en else [])
        hashes.extend(parts)
        lessons.append(
            LessonSpec(
                slug=slug,
                position=position,
                title_zh=zh.title,
                title_en=en.title if en else None,
                body_zh=zh.body,
                body_en=en.body if en else None,
                minutes=zh.minutes,
                check_zh=zh.check,
                check_en=en.check if en else None,
                content_hash=_digest(str(position).encode(), *parts),
            )
        )
    if problems:
        raise ContentProblems(problems)
    assert category is not None
    return CourseSpec(
        slug=folder.name,
        title_zh=title_zh,
        title_en=title_en,
        summary_zh=summary_zh,
        summary_en=summary_en,
        category=category,
        credit_hours=hours,
        levels=list(levels),
        pass_mark=pass_mark,
        content_hash=_digest(*hashes),
        lessons=lessons,
    )
