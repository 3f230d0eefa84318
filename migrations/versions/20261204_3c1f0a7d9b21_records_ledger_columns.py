"""Records: the 培训台账's trainer, location, attendance and evaluation columns; HR's 学时 rules.

Revision ID: 3c1f0a7d9b21
Revises: 867be48875f4
Create Date: 2026-12-04 16:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3c1f0a7d9b21"
down_revision = "867be48875f4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participation_record") as batch_op:
        batch_op.add_column(sa.Column("trainer", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("location", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("attendance", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("evaluation", sa.String(length=100), nullable=True))
    op.create_table(
        "hours_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_per_hour", sa.Integer(), nullable=False),
        sa.Column("rounding_tenths", sa.Integer(), nullable=False),
        sa.Column("minimum_minutes", sa.Integer(), nullable=False),
        sa.Column("daily_cap_hours", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("yearly_targets", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f("fk_hours_settings_updated_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_settings")),
    )


def downgrade() -> None:
    op.drop_table("hours_settings")
    with op.batch_alter_table("participation_record") as batch_op:
        batch_op.drop_column("evaluation")
        batch_op.drop_column("attendance")
        batch_op.drop_column("location")
        batch_op.drop_column("trainer")
