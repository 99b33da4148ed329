"""Shared fixtures: a fresh DuckDB file per test, and a way to make sessions quickly."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from lessons import store
from lessons.sessions import SessionDraft, create_session
from lessons.startup import open_app_database

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database file that the app under test (LESSONS_DB) also uses."""
    path = tmp_path / "lessons.duckdb"
    monkeypatch.setenv("LESSONS_DB", str(path))
    return path


@pytest.fixture
def db(db_path: Path):
    database = open_app_database(db_path)
    yield database
    database.close()


def found(value: T | None) -> T:
    """A row a test has just written: read back, it must be there."""
    assert value is not None
    return value


def session_draft(**overrides: Any) -> SessionDraft:
    start = datetime(2026, 3, 12, 18, 0)
    values: dict[str, Any] = dict(
        title="Social media for councillors",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        council="Calderbrook Council",
        venue="Town Hall, Committee Room 2",
        programme="Councillors and Social Media",
        facilitators=["Priya Shah", "Tom Ellery"],
        councillor_facilitators=["Cllr Ruth Abbott"],
        context_minutes=40,
        hands_on_minutes=70,
        expected_attendees=12,
    )
    values.update(overrides)
    return SessionDraft(**values)


def make_session(database: store.Database, **overrides) -> store.SessionRow:
    session_id = create_session(database, session_draft(**overrides))
    with database.reading() as cur:
        row = store.session_by_id(cur, session_id)
    assert row is not None
    return row


def table_count(database: store.Database, table: str) -> int:
    with database.reading() as cur:
        return store.count_rows(cur, table)
