"""Records: the participation ledger.

Revision ID: daf785df96a5
Revises: 6eecf63b8625
Create Date: 2026-11-23 03:39:15

"""

import sqlalchemy as sa
from alembic import op

revision = "daf785df96a5"
down_revision = "6eecf63b8625"
branch_labels = None
depends_on = None

KINDS = ("course", "exam", "refresher", "classroom", "external")
METHODS = ("online", "internal", "external")


def upgrade() -> None:
    op.create_table(
        "participation_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="participationkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=True),
        sa.Column(
            "method",
            sa.Enum(*METHODS, name="trainingmethod", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("credit_hours", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("result", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_participation_record_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participation_record")),
        sa.UniqueConstraint("source_key", name=op.f("uq_participation_record_source_key")),
    )
    op.create_index(op.f("ix_participation_record_user_id"), "participation_record", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_participation_record_user_id"), table_name="participation_record")
    op.drop_table("participation_record")
