"""Questions in and out of the bank: GIFT, Moodle XML and Aiken files, all or nothing per file,
and the seeded bank in ``content/questions/``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.audit import services as audit
from lms.database import holds_nul, utcnow
from lms.errors import FieldErrors, ImportRejected
from lms.exams.formats import FormatError, ParsedFile, ParsedQuestion, join_category_path
from lms.exams.formats.aiken import read_aiken
from lms.exams.formats.gift import read_gift, write_gift
from lms.exams.formats.moodle_xml import read_moodle_xml, write_moodle_xml
from lms.exams.formats.spreadsheet import read_question_sheet, write_question_sheet
from lms.exams.models import (
    Difficulty,
    ImportStatus,
    Question,
    QuestionCategory,
    QuestionImport,
    QuestionStatus,
)
from lms.exams.services import bank
from lms.extensions import db

DIFFICULTIES = {d.value: d for d in Difficulty}
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def detect_format(filename: str, data: bytes) -> str:
    """The format of an uploaded file, by its content first and its name second."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if head.startswith((b"<?xml", b"<quiz")):
        return "xml"
    text = data[:20000].decode("utf-8", errors="replace")
    if "{" not in text and any(
        line.strip().upper().startswith("ANSWER:") for line in text.splitlines()
    ):
        return "aiken"
    if filename.lower().endswith(".xml"):
        return "xml"
    return "gift"


def read_question_file(filename: str, data: bytes, fmt: str | None = None) -> ParsedFile:
    """Every question in an uploaded file; FormatError names each problem as file:line: reason."""
    if len(data) > MAX_IMPORT_BYTES:
        raise FormatError([f"{filename}:1: " + _("the file is larger than 20 MB")])
    fmt = fmt or detect_format(filename, data)
    if fmt == "xml":
        return read_moodle_xml(data, filename)
    if fmt == "xlsx":
        return read_question_sheet(filename, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FormatError(
            [f"{filename}:{line}: " + _("the file is not UTF-8; save it as UTF-8 and try again")]
        ) from None
    return read_aiken(text, filename) if fmt == "aiken" else read_gift(text, filename)


@dataclass
class ImportPreview:
    filename: str
    format: str
    questions: list[ParsedQuestion]
    by_type: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return len(self.questions)


def _target(question: ParsedQuestion, default: tuple[str, ...]) -> tuple[str, ...]:
    return question.category or default


def preview_import(
    filename: str, data: bytes, default_category: tuple[str, ...] = ()
) -> ImportPreview:
    """Check a whole file without writing anything; ImportRejected lists every problem."""
    fmt = detect_format(filename, data)
    try:
        parsed = read_question_file(filename, data, fmt)
    except FormatError as error:
        raise ImportRejected(error.problems) from None
    problems = []
    if not parsed.questions:
        problems.append(f"{filename}:1: " + _("the file holds no questions"))
    if not default_category:
        problems += [
            f"{filename}:{q.line}: " + _("the question has no category; choose one for the import")
            for q in parsed.questions
            if not q.category
        ]
    for question in parsed.questions:
        if len(question.name) > 255:
            problems.append(
                f"{filename}:{question.line}: " + _("the name is longer than 255 characters")
            )
        texts = [question.name, question.text, question.payload, question.general_feedback]
        if holds_nul([*texts, question.category, question.tags, question.idnumber]):
            problems.append(
                f"{filename}:{question.line}: "
                + _("this line holds a NUL character; is this the right file?")
            )
            continue
        # The bank's own checks of a question, here so that the preview refuses what the
        # confirmation would (a GIFT description with no text parses, but is no question).
        problems += [
            f"{filename}:{question.line}: {message}"
            for _field, message in bank.check_draft(_draft(question, None))
        ]
        for name, content in question.files.items():
            if bank.image_type(content) is None:
                problems.append(
                    f"{filename}:{question.line}: "
                    + _("embedded file '%(name)s' is not a PNG, JPEG, GIF or WebP image", name=name)
                )
    if problems:
        raise ImportRejected(problems)
    preview = ImportPreview(filename, fmt, parsed.questions)
    for question in parsed.questions:
        preview.by_type[question.type] += 1
        preview.by_category[join_category_path(_target(question, default_category))] += 1
    return preview


def _draft(question: ParsedQuestion, category: QuestionCategory | None) -> bank.QuestionDraft:
    """The bank's draft of a parsed question (``None`` category: a draft only to check)."""
    difficulty = next((DIFFICULTIES[t] for t in question.tags if t in DIFFICULTIES), None)
    return bank.QuestionDraft(
        category=category,  # type: ignore[arg-type]  (check_draft never reads it)
        type=question.type,
        name=question.name[:255],
        text=question.text,
        payload=question.payload,
        text_format=question.text_format,
        general_feedback=question.general_feedback,
        tags=[t for t in question.tags if t not in DIFFICULTIES],
        difficulty=difficulty,
        default_grade=question.default_grade,
        penalty=question.penalty,
        shuffle=question.shuffle,
        idnumber=question.idnumber,
        files=question.files,
    )


def import_questions(
    filename: str,
    data: bytes,
    default_category: tuple[str, ...],
    author_id: int | None,
    status: QuestionStatus = QuestionStatus.PUBLISHED,
    *,
    import_id: int | None = None,
) -> list[Question]:
    """Add every question of a file to the bank, or none: ImportRejected lists the problems.

    ``import_id``: the staged upload being confirmed (none from the command line).
    """
    preview = preview_import(filename, data, default_category)
    categories: dict[tuple[str, ...], QuestionCategory] = {}
    drafts = []
    for question in preview.questions:
        path = _target(question, default_category)
        if path not in categories:
            categories[path] = bank.ensure_category(path)
        drafts.append((_draft(question, categories[path]), None))
    try:
        created = bank.add_questions(drafts, author_id, status)
    except FieldErrors as error:  # the readers check every question already; a safety net
        raise ImportRejected(
            [f"{filename}: {message}" for _field, message in error.pairs]
        ) from None
    audit.record(
        "exams.questions_imported",
        actor_id=author_id,
        subject_type="question_import",
        subject_id=import_id,
        message=audit.N_("Imported %(count)d questions from %(file)s"),
        params={"count": len(created), "file": filename},
        after={
            "filename": filename,
            "format": preview.format,
            "questions": len(created),
            "by_type": dict(sorted(preview.by_type.items())),
            "categories": sorted(preview.by_category),
        },
    )
    return created


def stage_import(
    filename: str, data: bytes, default_category: QuestionCategory | None, user_id: int
) -> tuple[QuestionImport, ImportPreview]:
    """Keep an uploaded file until the trainer confirms its preview."""
    preview = preview_import(
        filename, data, bank.category_path(default_category) if default_category else ()
    )
    staged = QuestionImport(
        filename=filename,
        format=preview.format,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        category_id=default_category.id if default_category else None,
        question_count=preview.total,
        uploaded_by_id=user_id,
    )
    db.session.add(staged)
    db.session.flush()
    return staged, preview


def get_import(import_id: int, user_id: int) -> QuestionImport | None:
    """A pending import, only for the trainer who uploaded it."""
    staged = db.session.get(QuestionImport, import_id)
    if staged is None or staged.uploaded_by_id != user_id:
        return None
    return staged


def preview_staged(staged: QuestionImport) -> ImportPreview:
    category = db.session.get(QuestionCategory, staged.category_id) if staged.category_id else None
    return preview_import(
        staged.filename, staged.data, bank.category_path(category) if category else ()
    )


def confirm_import(staged: QuestionImport, user_id: int) -> list[Question]:
    """Write a staged file's questions; a second confirmation writes nothing more."""
    if staged.status != ImportStatus.PENDING:
        return []
    category = db.session.get(QuestionCategory, staged.category_id) if staged.category_id else None
    created = import_questions(
        staged.filename,
        staged.data,
        bank.category_path(category) if category else (),
        user_id,
        import_id=staged.id,
    )
    staged.status = ImportStatus.IMPORTED
    staged.imported_at = utcnow()
    db.session.flush()
    return created


def cancel_import(staged: QuestionImport) -> None:
    if staged.status == ImportStatus.PENDING:
        staged.status = ImportStatus.CANCELLED
        db.session.flush()


# Export -------------------------------------------------------------------------------------


@dataclass
class Export:
    data: bytes
    count: int
    skipped: list[str]


def export_questions(fmt: str, category: QuestionCategory | None = None) -> Export:
    """The bank's questions (or one category and its subcategories) in ``fmt``.

    GIFT cannot hold ordering questions; they are listed in ``skipped`` (use Moodle XML).
    """
    criteria = bank.QuestionFilter(category_id=category.id if category else None)
    questions, _total = bank.search_questions(criteria, limit=1_000_000)
    questions.sort(key=lambda q: (bank.category_path(q.category), q.id))
    parsed = ParsedFile(questions=[bank.as_parsed(q) for q in questions])
    skipped = []
    if fmt == "gift":
        keep = []
        for question in parsed.questions:
            try:
                write_gift(ParsedFile(questions=[question]))
            except ValueError as error:
                skipped.append(f"{question.name}: {error}")
            else:
                keep.append(question)
        parsed.questions = keep
        return Export(write_gift(parsed).encode("utf-8"), len(keep), skipped)
    if fmt == "xlsx":
        return Export(write_question_sheet(parsed), len(parsed.questions), skipped)
    return Export(write_moodle_xml(parsed), len(parsed.questions), skipped)


# The seeded bank ------------------------------------------------------------------------------


@dataclass
class BankSyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def _english(
    zh: ParsedFile, en: ParsedFile, en_name: str
) -> tuple[dict[str, ParsedQuestion], list[str]]:
    by_name = {q.name: q for q in en.questions}
    problems = []
    for question in zh.questions:
        other = by_name.get(question.name)
        if other is None:
            problems.append(
                f"{en_name}:1: " + _("no English for question %(name)s", name=question.name)
            )
        elif other.type != question.type or not bank.same_shape(
            question.type, question.payload, other.payload
        ):
            problems.append(
                f"{en_name}:{other.line}: "
                + _(
                    "question %(name)s does not have the same answers as in Chinese",
                    name=question.name,
                )
            )
    return by_name, problems


def sync_question_bank(folder: Path) -> BankSyncReport:
    """Load ``<name>.gift`` or ``<name>.xml`` (Moodle XML: ordering questions have no GIFT)
    with ``<name>.en.gift`` / ``.en.xml`` beside it, idempotently, by question name.

    A file with any problem changes nothing of that file; questions gone from the files
    are retired, not deleted (attempts may point at them).
    """
    report = BankSyncReport()
    seen: set[str] = set()
    root = folder.parent.parent if folder.parent.name == "content" else folder.parent
    files = sorted(
        p
        for p in folder.glob("*.*")
        if p.suffix in (".gift", ".xml") and not p.stem.endswith(".en")
    )
    for path in files:
        fmt = path.suffix[1:]
        shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        en_path = path.with_name(f"{path.stem}.en{path.suffix}")
        en_shown = shown[: -len(path.suffix)] + f".en{path.suffix}"
        try:
            zh = read_question_file(shown, path.read_bytes(), fmt)
            en = (
                read_question_file(en_shown, en_path.read_bytes(), fmt)
                if en_path.exists()
                else None
            )
        except FormatError as error:
            report.problems += error.problems
            continue
        english, problems = _english(zh, en, en_shown) if en else ({}, [])
        names = Counter(q.name for q in zh.questions)
        problems += [
            f"{shown}:{q.line}: " + _("question name %(name)s is used twice", name=q.name)
            for q in zh.questions
            if names[q.name] > 1
        ]
        problems += [
            f"{shown}:{q.line}: " + _("the question has no category")
            for q in zh.questions
            if not q.category
        ]
        if problems:
            report.problems += problems
            continue
        categories = {c.path: c for c in zh.categories}
        en_categories = [c.path for c in en.categories] if en else []
        for index, category in enumerate(zh.categories):
            made = bank.ensure_category(category.path)
            if index < len(en_categories) and en_categories[index]:
                made.name_en = en_categories[index][-1]
        for question in zh.questions:
            key = f"content:{question.name}"
            seen.add(key)
            draft = _draft(question, bank.ensure_category(categories[question.category].path))
            other = english.get(question.name)
            if other is not None:
                draft.text_en = other.text
                draft.payload_en = other.payload
                draft.general_feedback_en = other.general_feedback
            existing = db.session.scalar(sa.select(Question).where(Question.source_key == key))
            if existing is None:
                bank.create_question(draft, None, QuestionStatus.PUBLISHED, source_key=key)
                report.created += 1
                continue
            before = existing.current_version_id, existing.current_version.content_hash
            if existing.status == QuestionStatus.RETIRED:
                bank.set_status(existing, QuestionStatus.PUBLISHED)
                report.updated += 1
            version = bank.revise_question(existing, draft, None)
            if (version.id, version.content_hash) != before:
                report.updated += 1
            else:
                report.unchanged += 1
    if not report.problems:
        gone = db.session.scalars(
            sa.select(Question).where(
                Question.source_key.like("content:%"),
                Question.source_key.not_in(seen),
                Question.status != QuestionStatus.RETIRED,
            )
        )
        for question in gone:
            bank.set_status(question, QuestionStatus.RETIRED)
            report.retired += 1
    return report
