"""Exams: the question bank (categories, questions, versions, tags, files, imports).

Revision ID: 46fd08e33866
Revises: bef55858073a
Create Date: 2026-11-23 11:06:37

"""

import sqlalchemy as sa
from alembic import op

revision = "46fd08e33866"
down_revision = "bef55858073a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=True),
        sa.Column("info", sa.Text(), nullable=False),
        sa.Column("idnumber", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["question_category.id"],
            name=op.f("fk_question_category_parent_id_question_category"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_category")),
    )
    with op.batch_alter_table("question_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_category_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "published", "retired", name="questionstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column(
            "difficulty",
            sa.Enum("easy", "medium", "hard", name="difficulty", native_enum=False, length=10),
            nullable=True,
        ),
        sa.Column("idnumber", sa.String(length=100), nullable=True),
        sa.Column("source_key", sa.String(length=120), nullable=True),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["question_category.id"],
            name=op.f("fk_question_category_id_question_category"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_question_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
        sa.UniqueConstraint("source_key", name=op.f("uq_question_source_key")),
    )
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_category_id"), ["category_id"], unique=False)

    op.create_table(
        "question_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "imported",
                "cancelled",
                name="importstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["question_category.id"],
            name=op.f("fk_question_import_category_id_question_category"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user.id"], name=op.f("fk_question_import_uploaded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_import")),
    )
    with op.batch_alter_table("question_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_import_sha256"), ["sha256"], unique=False)

    op.create_table(
        "question_tag",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_question_tag_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_question_tag_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("question_id", "tag_id", name=op.f("pk_question_tag")),
    )
    op.create_table(
        "question_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("text_format", sa.String(length=10), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("payload_en", sa.JSON(), nullable=True),
        sa.Column("general_feedback", sa.Text(), nullable=False),
        sa.Column("general_feedback_en", sa.Text(), nullable=True),
        sa.Column("default_grade", sa.Double(), nullable=False),
        sa.Column("penalty", sa.Double(), nullable=False),
        sa.Column("shuffle", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_question_version_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_question_version_question_id_question")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_version")),
        sa.UniqueConstraint(
            "question_id", "number", name=op.f("uq_question_version_question_id_number")
        ),
    )
    with op.batch_alter_table("question_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_version_question_id"), ["question_id"], unique=False
        )
    # question and question_version point at each other: the second link is added once both exist.
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_question_current_version_id_question_version"),
            "question_version",
            ["current_version_id"],
            ["id"],
        )

    op.create_table(
        "question_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["question_version.id"],
            name=op.f("fk_question_file_version_id_question_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_file")),
        sa.UniqueConstraint("version_id", "name", name=op.f("uq_question_file_version_id_name")),
    )
    with op.batch_alter_table("question_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_file_version_id"), ["version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("question_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_file_version_id"))

    op.drop_table("question_file")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_question_current_version_id_question_version"), type_="foreignkey"
        )
    with op.batch_alter_table("question_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_version_question_id"))

    op.drop_table("question_version")
    op.drop_table("question_tag")
    with op.batch_alter_table("question_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_import_sha256"))

    op.drop_table("question_import")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_category_id"))

    op.drop_table("question")
    op.drop_table("tag")
    with op.batch_alter_table("question_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_category_parent_id"))

    op.drop_table("question_category")
