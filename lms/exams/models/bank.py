"""The question bank: categories, questions and their immutable versions, tags, files, imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class QuestionStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    RETIRED = "retired", _l("Retired")


class Difficulty(LabelledEnum):
    EASY = "easy", _l("Easy")
    MEDIUM = "medium", _l("Medium")
    HARD = "hard", _l("Hard")


class QuestionCategory(db.Model):
    """A folder of the bank; categories nest to any depth, as in Moodle."""

    __tablename__ = "question_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question_category.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str | None] = mapped_column(sa.String(255))
    info: Mapped[str] = mapped_column(sa.Text, default="")
    idnumber: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    parent: Mapped[QuestionCategory | None] = relationship(remote_side=[id])


question_tag = sa.Table(
    "question_tag",
    db.metadata,
    sa.Column("question_id", sa.ForeignKey("question.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    """A label trainers filter by: a course, a topic (``scenario``, ``timing``)."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)


class Question(db.Model):
    """A question as the bank lists it; what it says lives in its versions.

    ``source_key`` names where a seeded question came from (``content:CH-004``), so that
    ``flask content sync`` finds it again.
    """

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("question_category.id"), index=True)
    type: Mapped[str] = mapped_column(sa.String(30))
    status: Mapped[QuestionStatus] = mapped_column(
        QuestionStatus.column_type(20), default=QuestionStatus.DRAFT
    )
    difficulty: Mapped[Difficulty | None] = mapped_column(Difficulty.column_type(10))
    idnumber: Mapped[str | None] = mapped_column(sa.String(100))
    source_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question_version.id", use_alter=True)
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[QuestionCategory] = relationship()
    current_version: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    tags: Mapped[list[Tag]] = relationship(secondary=question_tag, order_by=Tag.name)


class QuestionVersion(db.Model):
    """What a question said at one time. Never changed once published: an attempt points
    at the version it showed, and an edit of a published question makes the next one."""

    __tablename__ = "question_version"
    __table_args__ = (sa.UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    number: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(30))
    name: Mapped[str] = mapped_column(sa.String(255))
    text: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str | None] = mapped_column(sa.Text)
    text_format: Mapped[str] = mapped_column(sa.String(10), default="moodle")
    # The type's payload (see question_types); payload_en has the same shape with English
    # texts, and grading always reads ``payload``.
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    payload_en: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    general_feedback: Mapped[str] = mapped_column(sa.Text, default="")
    general_feedback_en: Mapped[str | None] = mapped_column(sa.Text)
    default_grade: Mapped[float] = mapped_column(default=1.0)
    penalty: Mapped[float] = mapped_column(default=0.3333333)
    shuffle: Mapped[bool] = mapped_column(default=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    question: Mapped[Question] = relationship(foreign_keys=[question_id])
    files: Mapped[list[QuestionFile]] = relationship(order_by="QuestionFile.name")


class QuestionFile(db.Model):
    """An image embedded in a version's text (Moodle's ``@@PLUGINFILE@@/name``)."""

    __tablename__ = "question_file"
    __table_args__ = (sa.UniqueConstraint("version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    mime_type: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class ImportStatus(LabelledEnum):
    PENDING = "pending", _l("Awaiting confirmation")
    IMPORTED = "imported", _l("Imported")
    CANCELLED = "cancelled", _l("Cancelled")


class QuestionImport(db.Model):
    """An uploaded file between its preview and the trainer's confirmation, then its record."""

    __tablename__ = "question_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    format: Mapped[str] = mapped_column(sa.String(10))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question_category.id"))
    status: Mapped[ImportStatus] = mapped_column(
        ImportStatus.column_type(20), default=ImportStatus.PENDING
    )
    question_count: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
