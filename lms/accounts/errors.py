"""Refusals of the accounts area."""

from __future__ import annotations

from datetime import datetime

from lms.errors import DomainError, FieldErrors, ImportRejected

__all__ = [
    "AccountInactive",
    "AccountLocked",
    "DepartmentInUse",
    "DomainError",
    "FieldErrors",
    "ImportRejected",
    "InvalidCredentials",
]


class InvalidCredentials(DomainError):
    """Wrong employee number or password; deliberately does not say which."""


class AccountInactive(DomainError):
    """The password was right but the account has been deactivated."""


class AccountLocked(DomainError):
    """Too many failed sign-ins; refused until ``until`` whatever the password."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"locked until {until.isoformat()}")


class DepartmentInUse(DomainError):
    """A department that still has people or sub-departments cannot be deleted."""
