"""Exams: exam definitions, attempts and their answers, regrades, certificates and the seal;
the score of a participation record.

Revision ID: 867be48875f4
Revises: 46fd08e33866
Create Date: 2026-11-23 12:25:02.129988

"""

import sqlalchemy as sa
from alembic import op

revision = "867be48875f4"
down_revision = "46fd08e33866"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_seal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(length=50), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user.id"], name=op.f("fk_certificate_seal_uploaded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_seal")),
    )
    op.create_table(
        "exam",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("instructions_en", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "published", "archived", name="examstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("time_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("pass_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=True),
        sa.Column(
            "grading_method",
            sa.Enum(
                "highest",
                "average",
                "first",
                "last",
                name="gradingmethod",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempt_wait_minutes", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shuffle_questions", sa.Boolean(), nullable=False),
        sa.Column("shuffle_options", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("review", sa.JSON(), nullable=False),
        sa.Column("certificate_months", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_exam_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam")),
        sa.UniqueConstraint("slug", name=op.f("uq_exam_slug")),
    )
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "in_progress",
                "submitted",
                "expired",
                "graded",
                name="attemptstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("marks", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("max_marks", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("is_passed", sa.Boolean(), nullable=True),
        sa.Column("last_saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["exam_id"], ["exam.id"], name=op.f("fk_attempt_exam_id_exam")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_attempt_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt")),
        sa.UniqueConstraint(
            "exam_id", "user_id", "number", name=op.f("uq_attempt_exam_id_user_id_number")
        ),
    )
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attempt_exam_id"), ["exam_id"], unique=False)
        batch_op.create_index(
            "ix_attempt_state_deadline_at", ["state", "deadline_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attempt_user_id"), ["user_id"], unique=False)

    op.create_table(
        "exam_draw_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("include_subcategories", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=True),
        sa.Column("difficulty", sa.String(length=10), nullable=True),
        sa.Column("question_types", sa.JSON(), nullable=False),
        sa.Column("mark", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["question_category.id"],
            name=op.f("fk_exam_draw_rule_category_id_question_category"),
        ),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["exam.id"],
            name=op.f("fk_exam_draw_rule_exam_id_exam"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_exam_draw_rule_question_id_question")
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"], name=op.f("fk_exam_draw_rule_tag_id_tag")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_draw_rule")),
    )
    with op.batch_alter_table("exam_draw_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_draw_rule_exam_id"), ["exam_id"], unique=False)

    op.create_table(
        "exam_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("extra_minutes", sa.Integer(), nullable=False),
        sa.Column("extra_attempts", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_id"], ["exam.id"], name=op.f("fk_exam_override_exam_id_exam"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_exam_override_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_override")),
        sa.UniqueConstraint("exam_id", "user_id", name=op.f("uq_exam_override_exam_id_user_id")),
    )
    with op.batch_alter_table("exam_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_override_exam_id"), ["exam_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exam_override_user_id"), ["user_id"], unique=False)

    op.create_table(
        "attempt_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("question_version_id", sa.Integer(), nullable=False),
        sa.Column("max_mark", sa.Double(), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("save_token", sa.String(length=64), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_flagged", sa.Boolean(), nullable=False),
        sa.Column("fraction", sa.Double(), nullable=True),
        sa.Column("mark", sa.Double(), nullable=True),
        sa.Column("needs_grading", sa.Boolean(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("grader_comment", sa.Text(), nullable=True),
        sa.Column("graded_by_id", sa.Integer(), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempt.id"],
            name=op.f("fk_attempt_answer_attempt_id_attempt"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["graded_by_id"], ["user.id"], name=op.f("fk_attempt_answer_graded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_attempt_answer_question_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["question_version_id"],
            ["question_version.id"],
            name=op.f("fk_attempt_answer_question_version_id_question_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt_answer")),
        sa.UniqueConstraint(
            "attempt_id", "position", name=op.f("uq_attempt_answer_attempt_id_position")
        ),
    )
    with op.batch_alter_table("attempt_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attempt_answer_attempt_id"), ["attempt_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attempt_answer_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("holder_name", sa.String(length=100), nullable=False),
        sa.Column("score_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"], name=op.f("fk_certificate_attempt_id_attempt")
        ),
        sa.ForeignKeyConstraint(["exam_id"], ["exam.id"], name=op.f("fk_certificate_exam_id_exam")),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["user.id"], name=op.f("fk_certificate_revoked_by_id_user")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_certificate_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("attempt_id", name=op.f("uq_certificate_attempt_id")),
        sa.UniqueConstraint("serial", name=op.f("uq_certificate_serial")),
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_exam_id"), ["exam_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificate_expires_on"), ["expires_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificate_user_id"), ["user_id"], unique=False)

    op.create_table(
        "attempt_regrade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("old_version_id", sa.Integer(), nullable=False),
        sa.Column("new_version_id", sa.Integer(), nullable=False),
        sa.Column("old_mark", sa.Double(), nullable=True),
        sa.Column("new_mark", sa.Double(), nullable=True),
        sa.Column("old_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("new_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("regraded_by_id", sa.Integer(), nullable=True),
        sa.Column("regraded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["attempt_answer.id"],
            name=op.f("fk_attempt_regrade_answer_id_attempt_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"], name=op.f("fk_attempt_regrade_attempt_id_attempt")
        ),
        sa.ForeignKeyConstraint(
            ["new_version_id"],
            ["question_version.id"],
            name=op.f("fk_attempt_regrade_new_version_id_question_version"),
        ),
        sa.ForeignKeyConstraint(
            ["old_version_id"],
            ["question_version.id"],
            name=op.f("fk_attempt_regrade_old_version_id_question_version"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_attempt_regrade_question_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["regraded_by_id"], ["user.id"], name=op.f("fk_attempt_regrade_regraded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt_regrade")),
    )
    with op.batch_alter_table("attempt_regrade", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attempt_regrade_attempt_id"), ["attempt_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attempt_regrade_question_id"), ["question_id"], unique=False
        )

    with op.batch_alter_table("participation_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participation_record", schema=None) as batch_op:
        batch_op.drop_column("score")

    with op.batch_alter_table("attempt_regrade", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_regrade_question_id"))
        batch_op.drop_index(batch_op.f("ix_attempt_regrade_attempt_id"))

    op.drop_table("attempt_regrade")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_user_id"))
        batch_op.drop_index(batch_op.f("ix_certificate_expires_on"))
        batch_op.drop_index(batch_op.f("ix_certificate_exam_id"))

    op.drop_table("certificate")
    with op.batch_alter_table("attempt_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_answer_question_id"))
        batch_op.drop_index(batch_op.f("ix_attempt_answer_attempt_id"))

    op.drop_table("attempt_answer")
    with op.batch_alter_table("exam_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_override_user_id"))
        batch_op.drop_index(batch_op.f("ix_exam_override_exam_id"))

    op.drop_table("exam_override")
    with op.batch_alter_table("exam_draw_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_draw_rule_exam_id"))

    op.drop_table("exam_draw_rule")
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_user_id"))
        batch_op.drop_index("ix_attempt_state_deadline_at")
        batch_op.drop_index(batch_op.f("ix_attempt_exam_id"))

    op.drop_table("attempt")
    op.drop_table("exam")
    op.drop_table("certificate_seal")
