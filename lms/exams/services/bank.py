"""The question bank: categories, questions and their versions, search and history.

Services flush; the route or command commits.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from lms.errors import FieldErrors
from lms.exams.formats import TEXT_FORMATS, ParsedQuestion
from lms.exams.formats.gift import write_question
from lms.exams.models import (
    Difficulty,
    Question,
    QuestionCategory,
    QuestionFile,
    QuestionStatus,
    QuestionVersion,
    Tag,
)
from lms.exams.question_types import QUESTION_TYPES, question_type
from lms.extensions import db

_IMAGE_TYPES = {
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
    b"RIFF": "image/webp",
}


@dataclass
class QuestionDraft:
    """What an author gives for a question: from the editing form or an imported file."""

    category: QuestionCategory
    type: str
    name: str
    text: str
    payload: dict[str, Any]
    text_format: str = "moodle"
    general_feedback: str = ""
    text_en: str | None = None
    payload_en: dict[str, Any] | None = None
    general_feedback_en: str | None = None
    tags: list[str] = field(default_factory=list)
    difficulty: Difficulty | None = None
    default_grade: float = 1.0
    penalty: float = 0.3333333
    shuffle: bool = True
    idnumber: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)


# Categories -----------------------------------------------------------------------------


def category_path(category: QuestionCategory) -> tuple[str, ...]:
    """The names from the top of the bank down to ``category``."""
    names = []
    node: QuestionCategory | None = category
    while node is not None:
        names.append(node.name)
        node = node.parent
    return tuple(reversed(names))


def category_paths(category_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """``category_path`` of each of the categories, from one read of the whole tree (small)
    instead of one look-up per parent."""
    parents = {
        row.id: (row.parent_id, row.name)
        for row in db.session.execute(
            sa.select(QuestionCategory.id, QuestionCategory.parent_id, QuestionCategory.name)
        )
    }
    paths: dict[int, tuple[str, ...]] = {}
    for category_id in set(category_ids):
        names = []
        node: int | None = category_id
        while node is not None and node in parents:
            node, name = parents[node]
            names.append(name)
        paths[category_id] = tuple(reversed(names))
    return paths


def ensure_category(path: Sequence[str], info: str = "") -> QuestionCategory:
    """The category at ``path``, made (with any missing parents) if it is not there yet."""
    if not path:
        raise ValueError("a category path has at least one name")
    parent: QuestionCategory | None = None
    for name in path:
        found = db.session.scalar(
            sa.select(QuestionCategory).where(
                QuestionCategory.name == name,
                QuestionCategory.parent_id.is_(None)
                if parent is None
                else QuestionCategory.parent_id == parent.id,
            )
        )
        if found is None:
            found = QuestionCategory(name=name, parent=parent, info="")
            db.session.add(found)
            db.session.flush()
        parent = found
    assert parent is not None
    if info and not parent.info:
        parent.info = info
    return parent


@dataclass(frozen=True)
class CategoryRow:
    category: QuestionCategory
    path: tuple[str, ...]
    depth: int
    question_count: int


def category_tree() -> list[CategoryRow]:
    """Every category in tree order, with how many questions sit directly in it."""
    categories = list(db.session.scalars(sa.select(QuestionCategory)))
    counts = dict(
        db.session.execute(
            sa.select(Question.category_id, sa.func.count())
            .where(Question.status != QuestionStatus.RETIRED)
            .group_by(Question.category_id)
        ).all()
    )
    children: dict[int | None, list[QuestionCategory]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    rows: list[CategoryRow] = []

    def walk(parent_id: int | None, path: tuple[str, ...]) -> None:
        for category in sorted(children.get(parent_id, []), key=lambda c: c.name):
            here = (*path, category.name)
            rows.append(CategoryRow(category, here, len(path), counts.get(category.id, 0)))
            walk(category.id, here)

    walk(None, ())
    return rows


def subcategory_ids(category: QuestionCategory) -> list[int]:
    """``category`` and everything below it."""
    return subtrees([category.id])[category.id]


def subtrees(category_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each existing category of ``category_ids`` with everything below it, from one read of
    the tree (categories are few; a query per level would cost more than the whole tree)."""
    children: dict[int | None, list[int]] = {}
    for category_id, parent_id in db.session.execute(
        sa.select(QuestionCategory.id, QuestionCategory.parent_id)
    ):
        children.setdefault(parent_id, []).append(category_id)
    known = {c for below in children.values() for c in below}
    trees = {}
    for root in category_ids:
        if root not in known:
            continue
        ids, frontier = [root], [root]
        while frontier:
            frontier = [child for parent in frontier for child in children.get(parent, ())]
            ids.extend(frontier)
        trees[root] = ids
    return trees


# Questions and versions ---------------------------------------------------------------------


def check_draft(draft: QuestionDraft) -> list[tuple[str, str]]:
    """Field-level problems with ``draft``; empty when it can be saved."""
    problems: list[tuple[str, str]] = []
    if draft.type not in QUESTION_TYPES:
        problems.append(("type", _("Unknown question type.")))
        return problems
    if not draft.name.strip():
        problems.append(("name", _("Give the question a name.")))
    if not draft.text.strip():
        problems.append(("text", _("Write the question text.")))
    if draft.text_format not in TEXT_FORMATS:
        problems.append(("text_format", _("Unknown text format.")))
    problems += [
        ("answers", problem) for problem in question_type(draft.type).validate(draft.payload)
    ]
    if draft.payload_en and not same_shape(draft.type, draft.payload, draft.payload_en):
        problems.append(("answers", _("The English answers must match the Chinese ones.")))
    if draft.default_grade <= 0 and question_type(draft.type).has_mark:
        problems.append(("default_grade", _("The mark must be more than 0.")))
    return problems


_TEXTS = ("text", "feedback", "question", "answer", "feedback_right", "feedback_wrong")


def same_shape(kind: str, payload: dict[str, Any], translated: dict[str, Any]) -> bool:
    """Whether ``translated`` can stand for ``payload`` in another language: the same options
    with the same weights. A short answer's accepted answers are the language's own."""
    if kind == "short_answer":
        return bool(translated.get("answers"))
    return _shape(payload) == _shape(translated)


def _shape(payload: dict[str, Any]) -> Any:
    """A payload with its texts blanked: what a translation must keep."""
    if isinstance(payload, dict):
        return {
            k: _shape(v) for k, v in payload.items() if k not in _TEXTS or not isinstance(v, str)
        }
    if isinstance(payload, list):
        return [_shape(v) if not isinstance(v, str) else "" for v in payload]
    return payload


def _hash(draft: QuestionDraft) -> str:
    content = {
        "type": draft.type,
        "name": draft.name,
        "text": draft.text,
        "text_en": draft.text_en,
        "format": draft.text_format,
        "payload": draft.payload,
        "payload_en": draft.payload_en,
        "gf": draft.general_feedback,
        "gf_en": draft.general_feedback_en,
        "grade": draft.default_grade,
        "penalty": draft.penalty,
        "shuffle": draft.shuffle,
        "files": {n: hashlib.sha256(d).hexdigest() for n, d in sorted(draft.files.items())},
    }
    raw = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()


def image_type(data: bytes) -> str | None:
    """The image type ``data`` really is, by its first bytes; None when it is not one we show."""
    for magic, mime in _IMAGE_TYPES.items():
        if data.startswith(magic) and (mime != "image/webp" or data[8:12] == b"WEBP"):
            return mime
    return None


def _fill(version: QuestionVersion, draft: QuestionDraft) -> None:
    version.type = draft.type
    version.name = draft.name.strip()
    version.text = draft.text
    version.text_en = draft.text_en or None
    version.text_format = draft.text_format
    version.payload = draft.payload
    version.payload_en = draft.payload_en
    version.general_feedback = draft.general_feedback
    version.general_feedback_en = draft.general_feedback_en or None
    version.default_grade = draft.default_grade
    version.penalty = draft.penalty
    version.shuffle = draft.shuffle
    version.content_hash = _hash(draft)


def _files(files: dict[str, bytes]) -> list[QuestionFile]:
    return [
        QuestionFile(name=name, mime_type=image_type(data) or "application/octet-stream", data=data)
        for name, data in files.items()
    ]


class _TagCache:
    """Tags by name, made once each: an import of thousands of questions asks once."""

    def __init__(self) -> None:
        self.known: dict[str, Tag] = {}

    def __call__(self, names: Iterable[str]) -> list[Tag]:
        wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
        missing = [name for name in wanted if name not in self.known]
        if missing:
            for tag in db.session.scalars(sa.select(Tag).where(Tag.name.in_(missing))):
                self.known[tag.name] = tag
            for name in missing:
                if name not in self.known:
                    self.known[name] = Tag(name=name)
                    db.session.add(self.known[name])
        return [self.known[name] for name in wanted]


def create_question(
    draft: QuestionDraft,
    author_id: int | None,
    status: QuestionStatus = QuestionStatus.DRAFT,
    source_key: str | None = None,
) -> Question:
    """A new question with its version 1; FieldErrors when the draft cannot be saved."""
    return add_questions([(draft, source_key)], author_id, status)[0]


def add_questions(
    drafts: Sequence[tuple[QuestionDraft, str | None]],
    author_id: int | None,
    status: QuestionStatus = QuestionStatus.DRAFT,
) -> list[Question]:
    """New questions, each with its version 1, written in one flush (an import of
    thousands stays quick); FieldErrors for the first draft that cannot be saved."""
    tags = _TagCache()
    questions = []
    for draft, source_key in drafts:
        problems = check_draft(draft)
        if problems:
            raise FieldErrors(problems)
        question = Question(
            category=draft.category,
            type=draft.type,
            status=status,
            difficulty=draft.difficulty,
            idnumber=draft.idnumber,
            source_key=source_key,
            created_by_id=author_id,
        )
        question.tags = tags(draft.tags)
        version = QuestionVersion(number=1, created_by_id=author_id, question=question)
        _fill(version, draft)
        version.files = _files(draft.files)
        question.current_version = version
        questions.append(question)
    db.session.add_all(questions)
    db.session.flush()
    return questions


def revise_question(
    question: Question, draft: QuestionDraft, author_id: int | None
) -> QuestionVersion:
    """Save an edit. A draft is changed in place; a question that has been published keeps
    what it said (learners may have seen it) and gets the next version."""
    problems = check_draft(draft)
    if draft.type != question.type:
        problems.append(("type", _("A question keeps its type; make a new question instead.")))
    if problems:
        raise FieldErrors(problems)
    question.category = draft.category
    question.difficulty = draft.difficulty
    question.idnumber = draft.idnumber
    question.tags = _TagCache()(draft.tags)
    current = question.current_version
    assert current is not None
    if current.content_hash == _hash(draft):
        db.session.flush()
        return current
    if question.status == QuestionStatus.DRAFT:
        version = current
    else:
        version = QuestionVersion(
            question_id=question.id, number=current.number + 1, created_by_id=author_id
        )
        db.session.add(version)
    _fill(version, draft)
    if draft.files or version is not current:
        version.files = _files(draft.files or file_map(current))
    question.current_version = version
    db.session.flush()
    return version


def file_map(version: QuestionVersion) -> dict[str, bytes]:
    return {
        f.name: f.data
        for f in db.session.scalars(
            sa.select(QuestionFile).where(QuestionFile.version_id == version.id)
        )
    }


def get_file(version_id: int, name: str) -> QuestionFile | None:
    return db.session.scalar(
        sa.select(QuestionFile).where(
            QuestionFile.version_id == version_id, QuestionFile.name == name
        )
    )


def set_status(question: Question, status: QuestionStatus) -> None:
    """Publish, retire or bring back a question; a retired one is never drawn again."""
    question.status = status
    db.session.flush()


def move_questions(questions: Iterable[Question], category: QuestionCategory) -> int:
    moved = 0
    for question in questions:
        if question.category_id != category.id:
            question.category = category
            moved += 1
    db.session.flush()
    return moved


def get_question(question_id: int) -> Question | None:
    return db.session.get(Question, question_id)


def versions(question: Question) -> list[QuestionVersion]:
    """Every version of ``question``, newest first."""
    return list(
        db.session.scalars(
            sa.select(QuestionVersion)
            .where(QuestionVersion.question_id == question.id)
            .order_by(QuestionVersion.number.desc())
        )
    )


def get_version(question: Question, number: int) -> QuestionVersion | None:
    return db.session.scalar(
        sa.select(QuestionVersion).where(
            QuestionVersion.question_id == question.id, QuestionVersion.number == number
        )
    )


def as_parsed(
    question: Question, version: QuestionVersion | None = None, english: bool = False
) -> ParsedQuestion:
    """A version as the interchange formats hold it (the English texts where asked and present)."""
    version = version or question.current_version
    assert version is not None
    use_en = english and version.text_en
    return ParsedQuestion(
        line=0,
        name=version.name,
        type=version.type,
        text=version.text_en if use_en else version.text,
        text_format=version.text_format,
        payload=(version.payload_en or version.payload) if use_en else version.payload,
        general_feedback=(version.general_feedback_en or "")
        if use_en
        else version.general_feedback,
        category=category_path(question.category),
        tags=[t.name for t in question.tags]
        + ([question.difficulty.value] if question.difficulty else []),
        idnumber=question.idnumber,
        default_grade=version.default_grade,
        penalty=version.penalty,
        shuffle=version.shuffle,
        files=file_map(version),
    )


def _readable(question: Question, version: QuestionVersion) -> list[str]:
    """A version as GIFT lines (its English below), the text its history is compared in."""
    lines = []
    for english in (False, True) if version.text_en else (False,):
        parsed = as_parsed(question, version, english=english)
        parsed.category, parsed.tags = None, []
        try:
            text = write_question(parsed)
        except ValueError:  # ordering has no GIFT form: list it plainly
            text = "\n".join([parsed.name, parsed.text, *parsed.payload.get("items", [])])
        lines += (["", "[en]"] if english else []) + text.splitlines()
    return [*lines, "", f"{_('Mark')}: {version.default_grade:g}"]


def version_diff(question: Question, old: QuestionVersion, new: QuestionVersion) -> list[str]:
    """What changed between two versions, as a unified diff of their GIFT form."""
    return list(
        difflib.unified_diff(
            _readable(question, old),
            _readable(question, new),
            fromfile=_("Version %(number)d", number=old.number),
            tofile=_("Version %(number)d", number=new.number),
            lineterm="",
        )
    )


# Search --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionFilter:
    text: str = ""
    category_id: int | None = None
    with_subcategories: bool = True
    type: str | None = None
    tag: str | None = None
    status: QuestionStatus | None = None
    difficulty: Difficulty | None = None


def search_questions(
    criteria: QuestionFilter, limit: int = 50, offset: int = 0
) -> tuple[list[Question], int]:
    """Questions matching ``criteria``, by name, and how many match in all.

    Chinese has no spaces between words, so text matches by substring, in the name,
    the text and the English text of the current version.
    """
    stmt = sa.select(Question).join(
        QuestionVersion, Question.current_version_id == QuestionVersion.id
    )
    if criteria.category_id:
        category = db.session.get(QuestionCategory, criteria.category_id)
        if category is not None:
            ids = subcategory_ids(category) if criteria.with_subcategories else [category.id]
            stmt = stmt.where(Question.category_id.in_(ids))
    if criteria.type:
        stmt = stmt.where(Question.type == criteria.type)
    if criteria.status:
        stmt = stmt.where(Question.status == criteria.status)
    else:
        stmt = stmt.where(Question.status != QuestionStatus.RETIRED)
    if criteria.difficulty:
        stmt = stmt.where(Question.difficulty == criteria.difficulty)
    if criteria.tag:
        stmt = stmt.where(Question.tags.any(Tag.name == criteria.tag))
    text = criteria.text.strip()
    if text:
        stmt = stmt.where(
            sa.or_(
                *[
                    column.contains(text, autoescape=True)
                    for column in (
                        QuestionVersion.name,
                        QuestionVersion.text,
                        QuestionVersion.text_en,
                    )
                ]
            )
        )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    # The current version comes with its question from the join already there, not one
    # lazy load per row of the page.
    ordered = stmt.order_by(QuestionVersion.name, Question.id).options(
        orm.contains_eager(Question.current_version)
    )
    rows = list(db.session.scalars(ordered.limit(limit).offset(offset)))
    return rows, total


def all_tags() -> list[str]:
    return list(db.session.scalars(sa.select(Tag.name).order_by(Tag.name)))


# Showing a question ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionPreview:
    """A version as a learner sees it, in one language, with its answer key for trainers."""

    version: QuestionVersion
    type: str
    text: str
    text_format: str
    payload: dict[str, Any]
    general_feedback: str
    #: Matching: the answers offered in each select; ordering: the items as first shown.
    offered: list[Any]
    right_answer: Any
    language: str


@dataclass(frozen=True)
class Wording:
    """A version's words in one language: English where asked for and written, else Chinese."""

    text: str
    payload: dict[str, Any]
    general_feedback: str
    language: str


def wording(version: QuestionVersion, english: bool) -> Wording:
    if english and version.text_en:
        return Wording(
            version.text_en,
            shown_payload_of(version.payload, version.payload_en, version.text_en, english),
            version.general_feedback_en or version.general_feedback,
            "en",
        )
    return Wording(version.text, version.payload, version.general_feedback, "zh")


def shown_payload_of(
    payload: dict[str, Any], payload_en: dict[str, Any] | None, text_en: str | None, english: bool
) -> dict[str, Any]:
    """The payload a learner sees: the English one where asked for and the version is
    written in English, else the Chinese one."""
    return (payload_en or payload) if english and text_en else payload


def preview(version: QuestionVersion, english: bool) -> QuestionPreview:
    """``version`` as a learner whose language is English (or not) sees it."""
    words = wording(version, english)
    payload = words.payload
    offered: list[Any] = []
    kind = question_type(version.type)
    if version.type == "matching":
        offered = sorted(kind.answers(payload))  # type: ignore[attr-defined]
    elif version.type == "ordering":
        # Shown in a fixed shuffle of the version, never in the right order.
        order = sorted(
            range(len(payload["items"])),
            key=lambda i: hashlib.sha256(f"{version.id}:{i}".encode()).hexdigest(),
        )
        if order == sorted(order) and len(order) > 1:
            order = order[1:] + order[:1]
        offered = [(i, payload["items"][i]) for i in order]
    return QuestionPreview(
        version=version,
        type=version.type,
        text=words.text,
        text_format=version.text_format,
        payload=payload,
        general_feedback=words.general_feedback,
        offered=offered,
        right_answer=kind.right_answer(payload),
        language=words.language,
    )


def get_category(category_id: int | None) -> QuestionCategory | None:
    return db.session.get(QuestionCategory, category_id) if category_id else None


def tag_name(tag_id: int) -> str | None:
    tag = db.session.get(Tag, tag_id)
    return tag.name if tag else None
