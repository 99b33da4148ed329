"""The DuckDB connection: one `Database` per process, a cursor per use, one writer.

A process opens one `Database`. Reads take their own cursor (a DuckDB
connection is not thread-safe, and Streamlit runs each rerun on its own
thread); writes go through `Database.transaction()`, which serialises them
behind one lock, like a single writer, so concurrent submissions never race
each other into a conflict.
"""

from __future__ import annotations

import errno
import os
import re
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from lessons.auth import TYPED_NAME_MARK
from lessons.errors import DatabaseInUse, DatabaseUnavailable

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
        # LESSONS_DB_MEMORY_LIMIT (e.g. "500MB") caps DuckDB's memory; unset keeps its default.
        limit = memory_limit_from_env()
        config: dict[str, str | bool | int | float | list[str]] = (
            {"memory_limit": limit} if limit else {}
        )
        # A file this open creates is removed again if it cannot be made whole (see
        # `discard_if_new`), so a failed first start leaves nothing that looks damaged.
        self.created = str(self.path) != ":memory:" and not self.path.exists()
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = duckdb.connect(str(self.path), config=config)
        except (duckdb.Error, OSError) as problem:
            self.discard_if_new()
            raise unavailable(self.path, problem) from problem
        self._write_lock = threading.Lock()
        self._file_key = (
            f":memory:{id(self)}" if str(self.path) == ":memory:" else str(self.path.resolve())
        )

    @property
    def changes(self) -> int:
        """Write transactions committed to this file by this process so far, whichever of
        its connections made them: a cache key under which a read shows every change at
        once, since while the app runs its process is the file's only writer."""
        with _commits_lock:
            return _commits[self._file_key]

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
    def transaction(self, bookkeeping: bool = False) -> Iterator[Cursor]:
        """All-or-nothing writes: commit on success, roll back on any error. `bookkeeping`:
        a write that no cached read shows (when someone last looked), which leaves
        `changes` as it was."""
        with self._write_lock:
            cursor = self._connection.cursor()
            try:
                cursor.begin()
                try:
                    yield cursor
                except BaseException as problem:
                    _roll_back(cursor)
                    if _is_storage_failure(problem):
                        raise unavailable(self.path, problem) from problem
                    raise
                try:
                    cursor.commit()
                except duckdb.Error as problem:
                    if _is_storage_failure(problem):
                        raise unavailable(self.path, problem) from problem
                    raise
                if not bookkeeping:
                    with _commits_lock:
                        _commits[self._file_key] += 1
            finally:
                cursor.close()

    def check_whole(self) -> None:
        """Raise DatabaseUnavailable if the file is shorter than the blocks it says it uses
        (a truncated copy), which DuckDB itself notices only when a query reaches the
        missing part."""
        if str(self.path) == ":memory:":
            return
        with self.reading() as cur:
            # Free blocks at the end are cut off the file by DuckDB itself: count used ones.
            [(block_size, blocks)] = cur.execute(
                "SELECT block_size, used_blocks FROM pragma_database_size()"
            ).fetchall()
        expected = _FILE_HEADER_BYTES + int(block_size) * int(blocks)
        if self.path.stat().st_size < expected:
            raise unavailable(
                self.path,
                OSError(f"truncated: {self.path.stat().st_size} of {expected} bytes"),
            )

    def checkpoint(self) -> None:
        """Fold the write-ahead log back into the file, so the next start has nothing to
        replay. Taken between writes (behind the writers' lock)."""
        with self._write_lock:
            cursor = self._connection.cursor()
            try:
                cursor.execute("CHECKPOINT")
            except duckdb.Error as problem:
                raise unavailable(self.path, problem) from problem
            finally:
                cursor.close()

    def check_usable(self) -> None:
        """Raise DatabaseUnavailable unless the file can be read and its folder written."""
        try:
            with self.reading() as cur:
                cur.execute("SELECT count(*) FROM schema_migrations").fetchall()
        except duckdb.Error as problem:
            raise unavailable(self.path, problem) from problem
        if str(self.path) != ":memory:":
            folder = self.path.resolve().parent
            if not os.access(folder, os.W_OK):
                raise unavailable(self.path, PermissionError(errno.EACCES, "read-only", folder))
            if _free_bytes(folder) < _MIN_FREE_BYTES:
                raise unavailable(self.path, OSError(errno.ENOSPC, "No space left on device"))

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

    def discard_if_new(self) -> None:
        """Remove the file (and its write-ahead log) if this open created it: for a first
        start that failed half-way (e.g. on a full disk)."""
        if self.created:
            for leftover in (self.path, self.path.with_name(self.path.name + ".wal")):
                with suppress(OSError):
                    leftover.unlink()


# Committed write transactions per database file, in this process (Database.changes).
_commits: Counter[str] = Counter()
_commits_lock = threading.Lock()
# DuckDB's file starts with three 4 KiB headers, then its blocks.
_FILE_HEADER_BYTES = 3 * 4096
# Below this much free space in the database's folder, the health check reports a failure
# before a write does.
_MIN_FREE_BYTES = 1_000_000
_MEMORY_SIZE = re.compile(r"\s*(\d+(\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", re.IGNORECASE)


def memory_limit_from_env() -> str | None:
    """LESSONS_DB_MEMORY_LIMIT when set: a positive size such as 500MB or 2GiB, else
    DatabaseUnavailable saying so (DuckDB itself would take "-5" and quietly ignore it)."""
    limit = os.environ.get("LESSONS_DB_MEMORY_LIMIT", "").strip()
    if not limit:
        return None
    match = _MEMORY_SIZE.fullmatch(limit)
    if match is None or float(match.group(1)) <= 0:
        raise DatabaseUnavailable(
            f"LESSONS_DB_MEMORY_LIMIT={limit!r} is not a memory size: set it to a positive"
            " size such as 500MB or 2GB, or unset it to let DuckDB choose."
        )
    return limit


def _free_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def _roll_back(cursor: Cursor) -> None:
    # The failure that led here (e.g. a full disk) may already have ended the transaction.
    with suppress(duckdb.Error):
        cursor.rollback()


def _is_storage_failure(problem: BaseException) -> bool:
    """A failure of the file or the disk under it, rather than of the statement."""
    if isinstance(
        problem, (duckdb.IOException, duckdb.FatalException, duckdb.OutOfMemoryException, OSError)
    ):
        return True
    # A commit whose write-ahead log could not be written says so in a TransactionException.
    text = str(problem).lower()
    return isinstance(problem, duckdb.Error) and any(
        words in text
        for words in ("could not write", "no space left", "file too large", "permission denied")
    )


def unavailable(path: Path, problem: BaseException) -> DatabaseUnavailable:
    """One line for a person: what is wrong with the database at `path`, and what to do."""
    text = str(problem)
    lowered = text.lower()
    number = getattr(problem, "errno", None)
    if "lock" in lowered and ("conflicting" in lowered or "could not set" in lowered):
        return DatabaseInUse(
            f"The database {path} is in use by another program (the app, most likely):"
            " stop the app first, or use the app's own page for this; to run a second"
            " copy, point LESSONS_DB at another file.",
            str(path),
        )
    if (
        number in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
        or "no space left" in lowered
        or "file too large" in lowered
        or "disk quota" in lowered
    ):
        return DatabaseUnavailable(
            f"There is no room left to write the database {path} (the disk or the file size"
            " limit is full): free some space, then start again; nothing stored is lost."
        )
    if (
        number in (errno.EACCES, errno.EPERM, errno.EROFS)
        or "permission denied" in lowered
        or "read-only file system" in lowered
    ):
        return DatabaseUnavailable(
            f"The database {path} cannot be written: its folder or file is read-only for this"
            " user. Give the app write access to it, or set LESSONS_DB to a file in a"
            " writable folder."
        )
    if (
        "not a valid duckdb database" in lowered
        or "could not read enough bytes" in lowered
        or "corrupt" in lowered
        or "truncated" in lowered
        or "checksum" in lowered
    ):
        return DatabaseUnavailable(
            f"The database file {path} is damaged (truncated or not a DuckDB file): restore"
            " it from a backup, or move it aside and run 'lessons init' to start an empty one."
        )
    if isinstance(problem, duckdb.OutOfMemoryException):
        return DatabaseUnavailable(
            f"The database {path} ran out of memory: raise LESSONS_DB_MEMORY_LIMIT or unset"
            " it, then try again."
        )
    first_line = text.strip().splitlines()[0] if text.strip() else type(problem).__name__
    return DatabaseUnavailable(
        f"The database {path} cannot be used ({first_line}): check the file and its folder,"
        " then start again."
    )


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
        "comment_request_corrections",
        "comment_reviews",
        "learned_models",
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
        "followup_links",
        "followup_responses",
        "followup_choices",
    }:
        raise ValueError(f"unknown table {table!r}")
    return int(cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
