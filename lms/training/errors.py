"""Refusals of the training area's rules. A simple list of classes: each part of the area
(classroom sessions, monthly refreshers) adds its own."""

from __future__ import annotations

from lms.errors import DomainError, FieldErrors


class SessionError(DomainError):
    """A classroom-session action refused (cancelled, not yet started, ...); the message is
    shown as it is (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SessionFieldErrors(FieldErrors):
    """A session form refused: ``(field, message)`` pairs put beside the fields."""


class CheckInRefused(FieldErrors):
    """A self check-in refused: wrong code, outside the window, too many wrong codes.

    Raised after the wrong code was counted, so the route keeps (commits) the count.
    """

    def __init__(self, message: str) -> None:
        super().__init__([("code", message)])
        self.message = message


class RatingRefused(FieldErrors):
    """A rating refused: not attended, not ended yet, already rated."""


class RefresherRefused(FieldErrors):
    """A refresher programme refused: no title, both or neither of a course and a quiz,
    a due date before the month, unknown employee numbers."""
