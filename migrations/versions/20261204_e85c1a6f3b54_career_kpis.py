"""Career: KPI figures per agent per month, their imports and the changes they made.

Revision ID: e85c1a6f3b54
Revises: d74b0f5e2a43
Create Date: 2026-12-04 18:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e85c1a6f3b54"
down_revision = "d74b0f5e2a43"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("agents", sa.Integer(), nullable=False),
        sa.Column("values_written", sa.Integer(), nullable=False),
        sa.Column("values_replaced", sa.Integer(), nullable=False),
        sa.Column("months", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["user.id"], name=op.f("fk_kpi_import_imported_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_import")),
    )
    op.create_index(op.f("ix_kpi_import_sha256"), "kpi_import", ["sha256"])
    op.create_table(
        "kpi_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["kpi_import.id"], name=op.f("fk_kpi_value_import_id_kpi_import")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_kpi_value_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_value")),
        sa.UniqueConstraint(
            "user_id", "month", "metric", name=op.f("uq_kpi_value_user_id_month_metric")
        ),
    )
    op.create_index(op.f("ix_kpi_value_import_id"), "kpi_value", ["import_id"])
    op.create_table(
        "kpi_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("new_value", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("old_import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["kpi_import.id"], name=op.f("fk_kpi_change_import_id_kpi_import")
        ),
        sa.ForeignKeyConstraint(
            ["old_import_id"],
            ["kpi_import.id"],
            name=op.f("fk_kpi_change_old_import_id_kpi_import"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_kpi_change_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_change")),
    )
    op.create_index(op.f("ix_kpi_change_import_id"), "kpi_change", ["import_id"])
    op.create_index(op.f("ix_kpi_change_user_id"), "kpi_change", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_kpi_change_user_id"), table_name="kpi_change")
    op.drop_index(op.f("ix_kpi_change_import_id"), table_name="kpi_change")
    op.drop_table("kpi_change")
    op.drop_index(op.f("ix_kpi_value_import_id"), table_name="kpi_value")
    op.drop_table("kpi_value")
    op.drop_index(op.f("ix_kpi_import_sha256"), table_name="kpi_import")
    op.drop_table("kpi_import")
