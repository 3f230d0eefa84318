"""Courses: courses and lessons loaded from content/, lesson progress, completions.

Revision ID: bef55858073a
Revises: daf785df96a5
Create Date: 2026-11-23 03:58:56

"""

import sqlalchemy as sa
from alembic import op

revision = "bef55858073a"
down_revision = "daf785df96a5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("summary_zh", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=True),
        sa.Column(
            "category",
            sa.Enum(
                "service-standards",
                "product-knowledge",
                "communication",
                "complaint-handling",
                "confidentiality",
                "service-quality",
                name="coursecategory",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("credit_hours", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("is_retired", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
        sa.UniqueConstraint("slug", name=op.f("uq_course_slug")),
    )
    op.create_table(
        "lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("check_zh", sa.JSON(), nullable=False),
        sa.Column("check_en", sa.JSON(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("is_retired", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_lesson_course_id_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson")),
        sa.UniqueConstraint("course_id", "slug", name=op.f("uq_lesson_course_id_slug")),
    )
    op.create_index(op.f("ix_lesson_course_id"), "lesson", ["course_id"])

    op.create_table(
        "course_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_course_completion_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_course_completion_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_completion")),
        sa.UniqueConstraint(
            "user_id", "course_id", name=op.f("uq_course_completion_user_id_course_id")
        ),
    )
    op.create_index(op.f("ix_course_completion_course_id"), "course_completion", ["course_id"])
    op.create_index(op.f("ix_course_completion_user_id"), "course_completion", ["user_id"])

    op.create_table(
        "lesson_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("first_opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("check_passed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("best_check_percent", sa.Integer(), nullable=True),
        sa.Column("check_tries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lesson.id"], name=op.f("fk_lesson_progress_lesson_id_lesson")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_lesson_progress_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_progress")),
        sa.UniqueConstraint(
            "user_id", "lesson_id", name=op.f("uq_lesson_progress_user_id_lesson_id")
        ),
    )
    op.create_index(op.f("ix_lesson_progress_lesson_id"), "lesson_progress", ["lesson_id"])
    op.create_index(op.f("ix_lesson_progress_user_id"), "lesson_progress", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_lesson_progress_user_id"), table_name="lesson_progress")
    op.drop_index(op.f("ix_lesson_progress_lesson_id"), table_name="lesson_progress")

    op.drop_table("lesson_progress")
    op.drop_index(op.f("ix_course_completion_user_id"), table_name="course_completion")
    op.drop_index(op.f("ix_course_completion_course_id"), table_name="course_completion")

    op.drop_table("course_completion")
    op.drop_index(op.f("ix_lesson_course_id"), table_name="lesson")

    op.drop_table("lesson")
    op.drop_table("course")
