"""The DuckDB connection: one `Database` per process, a cursor per use, one writer.

A process opens one `Database`. Reads take their own cursor (a DuckDB
connection is not thread-safe, and Streamlit runs each rerun on its own
thread); writes go through `Database.transaction()`, which serialises them
behind one lock, like a single writer, so concurrent submissions never race
each other into a conflict.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from lessons.auth import TYPED_NAME_MARK

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_DB_PATH = Path("data") / "lessons.duckdb"

Cursor = duckdb.DuckDBPyConnection


def db_path_from_env() -> Path:
    """The database file: `LESSONS_DB` when set, else data/lessons.duckdb."""
    return Path(os.environ.get("LESSONS_DB") or DEFAULT_DB_PATH)


class Database:
    """One DuckDB file, opened once per process."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # LESSONS_DB_MEMORY_LIMIT (e.g. "500MB") caps DuckDB's memory; unset keeps its default.
        limit = os.environ.get("LESSONS_DB_MEMORY_LIMIT")
        config: dict[str, str | bool | int | float | list[str]] = (
            {"memory_limit": limit} if limit else {}
        )
        self._connection = duckdb.connect(str(self.path), config=config)
        self._write_lock = threading.Lock()

    def cursor(self) -> Cursor:
        """A cursor for one thread's reads; close it (or use `reading()`) when done."""
        return self._connection.cursor()

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        cursor = self._connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """All-or-nothing writes: commit on success, roll back on any error."""
        with self._write_lock:
            cursor = self._connection.cursor()
            try:
                cursor.begin()
                try:
                    yield cursor
                except BaseException:
                    cursor.rollback()
                    raise
                cursor.commit()
            finally:
                cursor.close()

    @contextmanager
    def one_thread(self) -> Iterator[None]:
        """Run on one thread while inside: for a load of many small statements, where
        DuckDB's thread pool costs more than it saves; then give back the threads."""
        cursor = self._connection.cursor()
        try:
            threads = int(cursor.execute("SELECT current_setting('threads')").fetchall()[0][0])
            cursor.execute("SET threads = 1")
            try:
                yield
            finally:
                cursor.execute(f"SET threads = {threads}")
        finally:
            cursor.close()

    def close(self) -> None:
        self._connection.close()


def split_lines(text: str) -> tuple[str, ...]:
    """A text column that holds one entry per line (terms, drivers, themes), as a tuple."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def shown_name(column: str) -> str:
    """SQL for a recorded name as people see it: a name typed before accounts existed (the
    row's `<column>_typed` is set) says so. `column` is ours, never user input, and may
    carry its table's alias (`l.logged_by`)."""
    mark = TYPED_NAME_MARK.replace("'", "''")
    return f"CASE WHEN {column}_typed THEN {column} || '{mark}' ELSE {column} END"


def query_frame(
    cur: Cursor, sql: str, params: list[Any], dates_as_dates: bool = False
) -> pd.DataFrame:
    """A query's result as a pandas DataFrame (DuckDB builds it without Python rows). With
    `dates_as_dates`, a DATE column holds dates, not timestamps at midnight."""
    return cur.execute(sql, params).df(date_as_object=dates_as_dates)


def insert_rows(
    cur: Cursor,
    table: str,
    columns: dict[str, tuple[str, Sequence[Any]]],
    returning: str = "",
) -> list[tuple[Any, ...]]:
    """Insert many rows in one statement: each column's values travel as one list parameter
    (`columns` maps a column to its SQL type and values), so the statement is the same
    whatever the number of rows. Table and column names are ours, never user input."""
    lengths = {len(values) for _, values in columns.values()}
    if len(lengths) != 1:
        raise ValueError(f"columns of unequal length for {table}: {sorted(lengths)}")
    if not lengths.pop():
        return []
    names = ", ".join(columns)
    unnested = ", ".join(f"unnest(?::{sql_type}[])" for sql_type, _ in columns.values())
    sql = f"INSERT INTO {table} ({names}) SELECT {unnested}"
    if returning:
        sql += f" RETURNING {returning}"
    result = cur.execute(sql, [list(values) for _, values in columns.values()])
    return result.fetchall() if returning else []


def update_columns(
    cur: Cursor,
    table: str,
    row_id: int,
    values: dict[str, Any],
    allowed: set[str],
    now: datetime,
) -> None:
    """Update the columns of one row named in `values`, and its updated_at. The table is
    ours; the column names are checked against `allowed`, never taken from user input."""
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown {table} fields: {sorted(unknown)}")
    names = sorted(values)
    assignments = ", ".join(f"{name} = ?" for name in names)
    cur.execute(
        f"UPDATE {table} SET {assignments}, updated_at = ? WHERE id = ?",
        [*[values[n] for n in names], now, row_id],
    )


def count_rows(cur: Cursor, table: str) -> int:
    """Row count of one of our own tables (the name is checked, never user input)."""
    if table not in {
        "sessions",
        "responses",
        "comments",
        "session_facilitators",
        "themes",
        "comment_analysis",
        "comment_themes",
        "comment_label_corrections",
        "comment_theme_corrections",
        "reflections",
        "reflection_answers",
        "lessons",
        "lesson_themes",
        "lesson_evidence",
        "audit_log",
        "plans",
        "plan_lessons",
        "plan_checklist",
        "accounts",
        "account_sessions",
        "sign_in_events",
        "app_settings",
        "backups",
        "response_sources",
        "imports",
        "import_rows",
    }:
        raise ValueError(f"unknown table {table!r}")
    return int(cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
