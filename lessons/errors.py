"""Errors a person can act on, shared by every layer (pure: imports nothing of ours)."""

from __future__ import annotations


class ValidationError(ValueError):
    """Input a person must fix; `errors` maps each field to what to change."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


class NotAllowed(ValidationError):
    """A change the person's role does not allow; `errors` says who may make it."""
