"""Domain errors shared by every area. Each area's ``errors.py`` builds on these."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """A business rule refused the request; the message is shown to the user as it is."""


class FieldErrors(DomainError):
    """Refusals tied to form fields: ``(field, message)`` pairs the route puts beside the fields."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = list(pairs)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.pairs))


class ImportRejected(DomainError):
    """A whole file was refused. ``problems`` are ``file:line: reason`` strings, one per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
