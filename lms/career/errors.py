"""Refusals of the career area's rules."""

from __future__ import annotations

from lms.errors import DomainError, FieldErrors, ImportRejected


class CareerError(DomainError):
    """A career rule said no; the message is shown as it is (already translated)."""


class RuleRefused(FieldErrors):
    """An edited promotion rule was not saved: ``(field, message)`` pairs for the form."""


class ContentProblems(ImportRejected):
    """A file of content/career was not loaded: ``file:line: reason`` for every problem."""


class DecisionRefused(FieldErrors):
    """A promotion decision was not recorded: ``(field, message)`` pairs for the form."""
