"""Training: classroom sessions, invitations, attendance and ratings.

Revision ID: a41e7c2b9d10
Revises: 3c1f0a7d9b21
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a41e7c2b9d10"
down_revision = "3c1f0a7d9b21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classroom_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column(
            "category",
            sa.Enum(
                "onboarding",
                "job-skills",
                "product-knowledge",
                "service-quality",
                "compliance",
                name="trainingcategory",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("checkin_code", sa.String(length=12), nullable=False),
        sa.Column("is_cancelled", sa.Boolean(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_classroom_session_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["trainer_id"], ["user.id"], name=op.f("fk_classroom_session_trainer_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_classroom_session_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classroom_session")),
    )
    with op.batch_alter_table("classroom_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_classroom_session_starts_at"), ["starts_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_classroom_session_trainer_id"), ["trainer_id"], unique=False
        )

    op.create_table(
        "session_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "invited",
                "accepted",
                "waiting",
                "declined",
                "removed",
                name="invitationstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "attendance",
            sa.Enum(
                "present",
                "late",
                "absent",
                "excused",
                name="attendance",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("attendance_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["classroom_session.id"],
            name=op.f("fk_session_invitation_session_id_classroom_session"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_session_invitation_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_invitation")),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_session_invitation_session_id_user_id")
        ),
    )
    with op.batch_alter_table("session_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_invitation_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_session_invitation_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "session_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("efficiency", sa.SmallInteger(), nullable=False),
        sa.Column("professionalism", sa.SmallInteger(), nullable=False),
        sa.Column("clarity", sa.SmallInteger(), nullable=False),
        sa.Column("usefulness", sa.SmallInteger(), nullable=False),
        sa.Column("overall", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["classroom_session.id"],
            name=op.f("fk_session_rating_session_id_classroom_session"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_session_rating_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_rating")),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_session_rating_session_id_user_id")
        ),
    )
    with op.batch_alter_table("session_rating", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_rating_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("session_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_rating_session_id"))
    op.drop_table("session_rating")
    with op.batch_alter_table("session_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_invitation_user_id"))
        batch_op.drop_index(batch_op.f("ix_session_invitation_session_id"))
    op.drop_table("session_invitation")
    with op.batch_alter_table("classroom_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classroom_session_trainer_id"))
        batch_op.drop_index(batch_op.f("ix_classroom_session_starts_at"))
    op.drop_table("classroom_session")
