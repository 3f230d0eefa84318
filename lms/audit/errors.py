"""Refusals of the audit area."""

from __future__ import annotations

from lms.errors import DomainError


class AuditLogIsAppendOnly(DomainError):
    """Something tried to change or remove an audit event: the log is only ever added to."""
