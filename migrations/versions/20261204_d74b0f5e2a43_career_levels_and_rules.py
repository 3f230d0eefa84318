"""Career: level profiles, promotion rules and their versions.

Revision ID: d74b0f5e2a43
Revises: c63a9e4d1f32
Create Date: 2026-12-04 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d74b0f5e2a43"
down_revision = "c63a9e4d1f32"
branch_labels = None
depends_on = None

LEVELS = ("junior", "mid", "senior")


def _level(name: str) -> sa.Column:
    return sa.Column(
        name,
        sa.Enum(*LEVELS, name="level", native_enum=False, length=20),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "level_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        _level("level"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.String(length=100), nullable=False),
        sa.Column("title_en", sa.String(length=100), nullable=False),
        sa.Column("duties_zh", sa.JSON(), nullable=False),
        sa.Column("duties_en", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_level_profile")),
        sa.UniqueConstraint("level", name=op.f("uq_level_profile_level")),
    )
    op.create_table(
        "promotion_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        _level("from_level"),
        _level("to_level"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_rule")),
        sa.UniqueConstraint("from_level", name=op.f("uq_promotion_rule_from_level")),
    )
    op.create_table(
        "promotion_rule_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("content", "hr", name="rulesource", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_promotion_rule_version_created_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["promotion_rule.id"],
            name=op.f("fk_promotion_rule_version_rule_id_promotion_rule"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_rule_version")),
        sa.UniqueConstraint(
            "rule_id", "number", name=op.f("uq_promotion_rule_version_rule_id_number")
        ),
    )
    op.create_index(
        op.f("ix_promotion_rule_version_rule_id"), "promotion_rule_version", ["rule_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_promotion_rule_version_rule_id"), table_name="promotion_rule_version")
    op.drop_table("promotion_rule_version")
    op.drop_table("promotion_rule")
    op.drop_table("level_profile")
