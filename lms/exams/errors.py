"""Refusals of the exams area's rules, each carrying a message for the person refused."""

from __future__ import annotations


class ExamError(Exception):
    """A business rule said no; ``message`` is shown as it is (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAvailable(ExamError):
    """The exam cannot be started now: closed, no attempts left, a wait, not for this person."""


class AttemptClosed(ExamError):
    """The attempt no longer takes answers: submitted, expired or graded."""


class NoSuchAttempt(ExamError):
    """No attempt of that id belongs to the person asking."""


class DeadlinePassed(AttemptClosed):
    """A save or submit arrived after the deadline and its grace period."""


class CertificateError(ExamError):
    """A certificate action refused (already revoked, a bad seal image)."""
