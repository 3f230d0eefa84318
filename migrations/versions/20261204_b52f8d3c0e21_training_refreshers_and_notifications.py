"""Training: monthly refreshers and their assignments; in-app notifications.

Revision ID: b52f8d3c0e21
Revises: a41e7c2b9d10
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b52f8d3c0e21"
down_revision = "a41e7c2b9d10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refresher_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("exam_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(course_id IS NULL) <> (exam_id IS NULL)",
            name=op.f("ck_refresher_programme_one_item"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_refresher_programme_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_refresher_programme_created_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["exam_id"], ["exam.id"], name=op.f("fk_refresher_programme_exam_id_exam")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresher_programme")),
    )
    op.create_index(op.f("ix_refresher_programme_month"), "refresher_programme", ["month"])
    op.create_table(
        "refresher_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_refresher_assignment_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["refresher_programme.id"],
            name=op.f("fk_refresher_assignment_programme_id_refresher_programme"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_refresher_assignment_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresher_assignment")),
        sa.UniqueConstraint(
            "programme_id", "user_id", name=op.f("uq_refresher_assignment_programme_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_refresher_assignment_programme_id"), "refresher_assignment", ["programme_id"]
    )
    op.create_index(op.f("ix_refresher_assignment_user_id"), "refresher_assignment", ["user_id"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link_endpoint", sa.String(length=100), nullable=True),
        sa.Column("link_args", sa.JSON(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notification_dedupe_key")),
    )
    op.create_index(op.f("ix_notification_user_id"), "notification", ["user_id", "read_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notification_user_id"), table_name="notification")
    op.drop_table("notification")
    op.drop_index(op.f("ix_refresher_assignment_user_id"), table_name="refresher_assignment")
    op.drop_index(op.f("ix_refresher_assignment_programme_id"), table_name="refresher_assignment")
    op.drop_table("refresher_assignment")
    op.drop_index(op.f("ix_refresher_programme_month"), table_name="refresher_programme")
    op.drop_table("refresher_programme")
