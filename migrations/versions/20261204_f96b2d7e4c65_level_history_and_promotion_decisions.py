"""Level history (every change of a person's level) and HR's promotion decisions.

Revision ID: f96b2d7e4c65
Revises: e85c1a6f3b54
Create Date: 2026-12-04 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f96b2d7e4c65"
down_revision = "e85c1a6f3b54"
branch_labels = None
depends_on = None

LEVEL = sa.Enum("junior", "mid", "senior", name="level", native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "level_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("from_level", LEVEL, nullable=True),
        sa.Column("to_level", LEVEL, nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "recorded",
                "account",
                "import",
                "promotion",
                name="levelchangesource",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user.id"], name=op.f("fk_level_change_changed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_level_change_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_level_change")),
    )
    op.create_index(op.f("ix_level_change_user_id"), "level_change", ["user_id"])
    # The levels people hold today start their history, so it is never empty for them.
    op.execute(
        "INSERT INTO level_change (user_id, from_level, to_level, effective_on, source, note,"
        " changed_at) SELECT id, NULL, level, level_since, 'recorded', '', CURRENT_TIMESTAMP"
        ' FROM "user" WHERE level IS NOT NULL'
    )
    op.create_table(
        "promotion_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum("promote", "defer", name="outcome", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("from_level", LEVEL, nullable=False),
        sa.Column("to_level", LEVEL, nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rule_version_id", sa.Integer(), nullable=True),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("conditions_short", sa.Integer(), nullable=False),
        sa.Column("evaluation", sa.JSON(), nullable=False),
        sa.Column("level_change_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_promotion_decision_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["level_change_id"],
            ["level_change.id"],
            name=op.f("fk_promotion_decision_level_change_id_level_change"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_version_id"],
            ["promotion_rule_version.id"],
            name=op.f("fk_promotion_decision_rule_version_id_promotion_rule_version"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_promotion_decision_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_decision")),
    )
    op.create_index(op.f("ix_promotion_decision_user_id"), "promotion_decision", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_promotion_decision_user_id"), table_name="promotion_decision")
    op.drop_table("promotion_decision")
    op.drop_index(op.f("ix_level_change_user_id"), table_name="level_change")
    op.drop_table("level_change")
