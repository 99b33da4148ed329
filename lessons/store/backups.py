"""Backups at the database level: a consistent copy of the open database into a new file,
the tables and row counts of a file, and the record of backups taken (table `backups`).

The copy is DuckDB's own `COPY FROM DATABASE` into a newly attached file, inside one
transaction: the row counts read in that transaction are those of the snapshot copied, so
the copy can be checked against them while the app goes on writing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from lessons.store.database import Cursor


class CopyFailed(Exception):
    """DuckDB could not write or read a backup file; the message is DuckDB's."""


def _literal(path: Path) -> str:
    """A file path as an SQL string literal (ATTACH takes no parameters). The path is ours:
    the backup folder and a name made from the clock."""
    return "'" + str(path).replace("'", "''") + "'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(cur: Cursor, database: str | None = None) -> dict[str, int]:
    """Every table of the database (the cursor's own unless named) and its row count. The
    table names come from DuckDB's catalogue, never from user input."""
    where = _quoted(database) + "." if database else ""
    names = [
        row[0]
        for row in cur.execute(
            "SELECT table_name FROM duckdb_tables()"
            " WHERE database_name = coalesce(?, current_database()) AND schema_name = 'main'"
            " ORDER BY table_name",
            [database],
        ).fetchall()
    ]
    return {
        name: int(cur.execute(f"SELECT count(*) FROM {where}main.{_quoted(name)}").fetchall()[0][0])
        for name in names
    }


def copy_database_into(cur: Cursor, target: Path) -> dict[str, int]:
    """Copy the cursor's database (every table, view, sequence and index, with its rows) into
    a new DuckDB file at `target`, as one snapshot; return the row counts of that snapshot.
    The file is complete on disk (checkpointed, detached) when this returns."""
    source = str(cur.execute("SELECT current_database()").fetchall()[0][0])
    alias = "lessons_backup_target"
    try:
        cur.execute(f"ATTACH {_literal(target)} AS {alias}")
        try:
            cur.begin()
            try:
                counts = table_counts(cur, source)
                cur.execute(f"COPY FROM DATABASE {_quoted(source)} TO {alias}")
            except BaseException:
                cur.rollback()
                raise
            cur.commit()
            cur.execute(f"CHECKPOINT {alias}")
        finally:
            cur.execute(f"DETACH DATABASE IF EXISTS {alias}")
    except duckdb.Error as failed:
        raise CopyFailed(str(failed)) from failed
    return counts


@contextmanager
def reading_file(path: Path) -> Iterator[Cursor]:
    """A DuckDB file opened read-only, for as long as inside (a backup being checked)."""
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as failed:
        raise CopyFailed(str(failed)) from failed
    try:
        yield connection
    except duckdb.Error as failed:
        raise CopyFailed(str(failed)) from failed
    finally:
        connection.close()


@dataclass(frozen=True)
class BackupRow:
    id: int
    started_at: datetime
    finished_at: datetime
    trigger: str
    requested_by: str
    file: str
    size_bytes: int
    tables: int
    rows: int
    checked: bool
    error: str


_BACKUP_COLUMNS = (
    "id, started_at, finished_at, trigger, requested_by, file, size_bytes, tables, rows,"
    " checked, error"
)


def insert_backup(
    cur: Cursor,
    started_at: datetime,
    finished_at: datetime,
    trigger: str,
    requested_by: str,
    file: str,
    size_bytes: int,
    tables: int,
    rows: int,
    checked: bool,
    error: str,
) -> int:
    """Record one backup, taken or failed."""
    return int(
        cur.execute(
            "INSERT INTO backups (started_at, finished_at, trigger, requested_by, file,"
            " size_bytes, tables, rows, checked, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            [
                started_at,
                finished_at,
                trigger,
                requested_by,
                file,
                size_bytes,
                tables,
                rows,
                checked,
                error,
            ],
        ).fetchall()[0][0]
    )


def recent_backups(cur: Cursor, limit: int = 30) -> list[BackupRow]:
    """The backups recorded, newest first."""
    rows = cur.execute(
        f"SELECT {_BACKUP_COLUMNS} FROM backups ORDER BY started_at DESC, id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [BackupRow(*row) for row in rows]
