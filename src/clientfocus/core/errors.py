"""Errors raised by services; the API and the UI turn them into 422/403 answers."""

from __future__ import annotations


class ServiceError(Exception):
    """A business rule refused the action. ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotAllowed(Exception):
    """The user may see the object but may not perform this action on it (403)."""


class InvalidItems(Exception):
    """Several inputs are invalid at once; ``errors`` are ready for a 422 answer."""

    def __init__(self, errors: list[dict]) -> None:
        super().__init__("invalid input")
        self.errors = errors
