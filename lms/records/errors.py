"""Refusals of the records area: the message is shown as it is (already translated)."""

from __future__ import annotations

from lms.errors import DomainError, FieldErrors

__all__ = ["DecisionRefused", "DomainError", "FieldErrors", "NotSigned"]


class DecisionRefused(DomainError):
    """An external training cannot be approved or rejected by this person, or any longer."""


class NotSigned(DomainError):
    """There is no policy in force to acknowledge, or not the version the page showed."""
