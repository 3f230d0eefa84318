"""Users, their roles and departments, sign-in throttling and import history."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class Role(LabelledEnum):
    AGENT = "agent", _l("Agent")
    TRAINER = "trainer", _l("Trainer")
    HR = "hr", _l("HR")
    ADMIN = "admin", _l("Administrator")


class Level(LabelledEnum):
    """The career path an agent is on: 初级 / 中级 / 高级客户服务专员."""

    JUNIOR = "junior", _l("Junior service agent")
    MID = "mid", _l("Mid-level service agent")
    SENIOR = "senior", _l("Senior service agent")


class Department(db.Model):
    """A node of the organisation tree: centre, department or team (班组)."""

    __tablename__ = "department"
    __table_args__ = (sa.UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    parent: Mapped[Department | None] = relationship(
        back_populates="children", remote_side="Department.id"
    )
    children: Mapped[list[Department]] = relationship(
        back_populates="parent", order_by="Department.name"
    )

    def __repr__(self) -> str:
        return f"<Department {self.id} {self.name}>"


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        Role.column_type(20),
        primary_key=True,
    )

    user: Mapped[User] = relationship(back_populates="role_rows")


class User(UserMixin, db.Model):
    """A person who signs in. Never deleted: deactivation keeps their history."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 工号 as typed (leading zeros, letter prefixes kept); the key is what compares.
    employee_no: Mapped[str] = mapped_column(sa.String(32))
    employee_no_key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # Pinyin of the name, for sorting lists the way Chinese readers expect and for search.
    name_pinyin: Mapped[str] = mapped_column(sa.String(400), index=True)
    name_initials: Mapped[str] = mapped_column(sa.String(100))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    position: Mapped[str | None] = mapped_column(sa.String(100))
    hire_date: Mapped[date | None]
    level: Mapped[Level | None] = mapped_column(Level.column_type(20))
    level_since: Mapped[date | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, password change and deactivation; cookies carry it, so
    # every session issued before the bump is refused.
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Two-factor sign-in (TOTP): the shared secret (base32), set when enrolment starts and
    # in use once confirmed; the last time step accepted, so a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    department: Mapped[Department | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    level_changes: Mapped[list[LevelChange]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        order_by="LevelChange.id",
        foreign_keys="LevelChange.user_id",
    )

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_any_role(self, *roles: str) -> bool:
        held = self.roles
        return Role.ADMIN in held or any(Role(r) in held for r in roles)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.employee_no}>"


class LevelChangeSource(LabelledEnum):
    RECORDED = "recorded", _l("Level on record")  # held before history was kept
    ACCOUNT = "account", _l("Set on the account")
    IMPORT = "import", _l("User import")
    PROMOTION = "promotion", _l("Promotion decision")


class LevelChange(db.Model):
    """One step of a person's level history: every change of level or of the date it
    counts from, whoever made it, so the history on the profile is complete."""

    __tablename__ = "level_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    from_level: Mapped[Level | None] = mapped_column(Level.column_type(20))
    to_level: Mapped[Level | None] = mapped_column(Level.column_type(20))
    effective_on: Mapped[date | None]
    source: Mapped[LevelChangeSource] = mapped_column(LevelChangeSource.column_type(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="level_changes", foreign_keys=[user_id])


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; kept as a hash only."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginFailure(db.Model):
    """One failed sign-in, by the login name typed, whether or not such a user exists.

    Keyed by the typed name so that locking says nothing about which employee
    numbers are real.
    """

    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_login_key_failed_at", "login_key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login_key: Mapped[str] = mapped_column(sa.String(64))
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginLock(db.Model):
    """A login name refused until ``locked_until`` after too many failures."""

    __tablename__ = "login_lock"

    login_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    locked_until: Mapped[datetime] = mapped_column(UtcDateTime)


class UserImport(db.Model):
    """One accepted bulk import, so the same file is recognised when it comes again."""

    __tablename__ = "user_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    users_created: Mapped[int]
    departments_created: Mapped[int]
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
