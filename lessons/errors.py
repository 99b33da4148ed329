"""Errors a person can act on, shared by every layer (pure: imports nothing of ours)."""

from __future__ import annotations


class ValidationError(ValueError):
    """Input a person must fix; `errors` maps each field to what to change."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


class NotAllowed(ValidationError):
    """A change the person's role does not allow; `errors` says who may make it."""


class DatabaseUnavailable(RuntimeError):
    """The database file cannot be used (locked by a running app, a read-only folder, a
    damaged file, a full disk, a bad setting). The message is one line: what is wrong and
    what to do. Start-up prints it and exits 1; pages show a friendly message instead."""


class DatabaseInUse(DatabaseUnavailable):
    """Another process (the running app, most likely) holds the database file's lock;
    `path` is the file."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path
