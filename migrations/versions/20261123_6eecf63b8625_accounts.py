"""Accounts: departments, users and their roles, sign-in throttling, import history.

Revision ID: 6eecf63b8625
Revises:
Create Date: 2026-11-23 02:59:00

"""

import sqlalchemy as sa
from alembic import op

revision = "6eecf63b8625"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["department.id"], name=op.f("fk_department_parent_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("parent_id", "name", name=op.f("uq_department_parent_id_name")),
    )
    op.create_index(op.f("ix_department_parent_id"), "department", ["parent_id"])

    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login_key", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index(
        "ix_login_failure_login_key_failed_at", "login_failure", ["login_key", "failed_at"]
    )

    op.create_table(
        "login_lock",
        sa.Column("login_key", sa.String(length=64), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("login_key", name=op.f("pk_login_lock")),
    )

    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_no", sa.String(length=32), nullable=False),
        sa.Column("employee_no_key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_pinyin", sa.String(length=400), nullable=False),
        sa.Column("name_initials", sa.String(length=100), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.String(length=100), nullable=True),
        sa.Column("hire_date", sa.Date(), nullable=True),
        sa.Column(
            "level",
            sa.Enum("junior", "mid", "senior", name="level", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("level_since", sa.Date(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_user_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("employee_no_key", name=op.f("uq_user_employee_no_key")),
    )
    op.create_index(op.f("ix_user_department_id"), "user", ["department_id"])
    op.create_index(op.f("ix_user_name_pinyin"), "user", ["name_pinyin"])

    op.create_table(
        "user_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("users_created", sa.Integer(), nullable=False),
        sa.Column("departments_created", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["user.id"], name=op.f("fk_user_import_imported_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_import")),
        sa.UniqueConstraint("sha256", name=op.f("uq_user_import_sha256")),
    )

    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("agent", "trainer", "hr", "admin", name="role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_role_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_role")),
    )


def downgrade() -> None:
    op.drop_table("user_role")
    op.drop_table("user_import")
    op.drop_index(op.f("ix_user_name_pinyin"), table_name="user")
    op.drop_index(op.f("ix_user_department_id"), table_name="user")
    op.drop_table("user")
    op.drop_table("login_lock")
    op.drop_index("ix_login_failure_login_key_failed_at", table_name="login_failure")
    op.drop_table("login_failure")
    op.drop_index(op.f("ix_department_parent_id"), table_name="department")
    op.drop_table("department")
