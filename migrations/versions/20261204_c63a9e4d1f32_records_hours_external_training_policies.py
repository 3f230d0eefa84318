"""Records: corrections of ledger lines, external training with evidence, confidentiality policy.

Revision ID: c63a9e4d1f32
Revises: b52f8d3c0e21
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c63a9e4d1f32"
down_revision = "b52f8d3c0e21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=True),
        sa.Column("new_value", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("corrected_by_id", sa.Integer(), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"], ["user.id"], name=op.f("fk_record_correction_corrected_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["participation_record.id"],
            name=op.f("fk_record_correction_record_id_participation_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_correction")),
    )
    op.create_index(
        op.f("ix_record_correction_record_id"), "record_correction", ["record_id"], unique=False
    )
    op.create_table(
        "external_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("credit_hours", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("result", sa.String(length=100), nullable=True),
        sa.Column("evidence_name", sa.String(length=200), nullable=False),
        sa.Column("evidence_type", sa.String(length=50), nullable=False),
        sa.Column("evidence_size", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.LargeBinary(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="externalstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.String(length=300), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_external_training_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["user.id"], name=op.f("fk_external_training_entered_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["participation_record.id"],
            name=op.f("fk_external_training_record_id_participation_record"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_external_training_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_training")),
    )
    op.create_index(
        op.f("ix_external_training_status"), "external_training", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_external_training_user_id"), "external_training", ["user_id"], unique=False
    )
    op.create_table(
        "policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["user.id"], name=op.f("fk_policy_published_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy")),
        sa.UniqueConstraint("version", name=op.f("uq_policy_version")),
    )
    op.create_table(
        "policy_acknowledgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policy.id"], name=op.f("fk_policy_acknowledgement_policy_id_policy")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_policy_acknowledgement_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_acknowledgement")),
        sa.UniqueConstraint(
            "policy_id", "user_id", name=op.f("uq_policy_acknowledgement_policy_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_policy_acknowledgement_user_id"),
        "policy_acknowledgement",
        ["user_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_policy_acknowledgement_user_id"), table_name="policy_acknowledgement")
    op.drop_table("policy_acknowledgement")
    op.drop_table("policy")
    op.drop_index(op.f("ix_external_training_user_id"), table_name="external_training")
    op.drop_index(op.f("ix_external_training_status"), table_name="external_training")
    op.drop_table("external_training")
    op.drop_index(op.f("ix_record_correction_record_id"), table_name="record_correction")
    op.drop_table("record_correction")
