"""Queries for feedback from elsewhere: imports, the rows they stored and where each
response came from (issue 13)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lessons.store.database import Cursor, insert_rows


@dataclass(frozen=True)
class SessionKey:
    """A session as an imported row can name it: code, day and title."""

    id: int
    short_code: str
    day: date
    title: str


def session_keys(cur: Cursor) -> list[SessionKey]:
    rows = cur.execute(
        "SELECT id, short_code, CAST(starts_at AS DATE), title FROM sessions ORDER BY id"
    ).fetchall()
    return [SessionKey(int(i), code, day, title) for i, code, day, title in rows]


def imported_row_keys(cur: Cursor, file_hash: str) -> set[str]:
    """The row keys of this file already imported."""
    rows = cur.execute(
        "SELECT row_key FROM import_rows WHERE file_hash = ?", [file_hash]
    ).fetchall()
    return {r[0] for r in rows}


def imported_content_keys(cur: Cursor, content_keys: Sequence[str]) -> set[str]:
    """Which of these row fingerprints were imported before (from any file)."""
    if not content_keys:
        return set()
    rows = cur.execute(
        "SELECT content_key FROM import_rows WHERE content_key IN (SELECT unnest(?::VARCHAR[]))",
        [list(content_keys)],
    ).fetchall()
    return {r[0] for r in rows}


@dataclass(frozen=True)
class NewImport:
    file_name: str
    file_hash: str
    layout: str
    imported_at: datetime
    imported_by: int | None
    imported_by_name: str
    rows_read: int
    rows_stored: int
    rows_refused: int
    duplicates: int


def insert_import(cur: Cursor, new: NewImport) -> int:
    row = cur.execute(
        "INSERT INTO imports (file_name, file_hash, layout, imported_at, imported_by,"
        " imported_by_name, rows_read, rows_stored, rows_refused, duplicates)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            new.file_name,
            new.file_hash,
            new.layout,
            new.imported_at,
            new.imported_by,
            new.imported_by_name,
            new.rows_read,
            new.rows_stored,
            new.rows_refused,
            new.duplicates,
        ],
    ).fetchall()
    return int(row[0][0])


@dataclass(frozen=True)
class ImportedRow:
    row_key: str
    content_key: str
    response_id: int


def insert_import_rows(
    cur: Cursor, import_id: int, file_hash: str, rows: Sequence[ImportedRow]
) -> None:
    insert_rows(
        cur,
        "import_rows",
        {
            "file_hash": ("VARCHAR", [file_hash] * len(rows)),
            "row_key": ("VARCHAR", [r.row_key for r in rows]),
            "content_key": ("VARCHAR", [r.content_key for r in rows]),
            "import_id": ("INTEGER", [import_id] * len(rows)),
            "response_id": ("INTEGER", [r.response_id for r in rows]),
        },
    )


def insert_response_sources(
    cur: Cursor,
    response_ids: Sequence[int],
    source: str,
    import_id: int | None,
    entered_by: int | None,
    entered_by_name: str,
) -> None:
    """Mark responses as having come from `source` (a response with no mark came from the
    online form)."""
    count = len(response_ids)
    insert_rows(
        cur,
        "response_sources",
        {
            "response_id": ("INTEGER", list(response_ids)),
            "source": ("VARCHAR", [source] * count),
            "import_id": ("INTEGER", [import_id] * count),
            "entered_by": ("INTEGER", [entered_by] * count),
            "entered_by_name": ("VARCHAR", [entered_by_name] * count),
        },
    )


def response_source_counts(cur: Cursor, session_id: int | None = None) -> dict[str, int]:
    """Responses by source ('online' for those with no mark), of one session or all."""
    where = "WHERE r.session_id = ?" if session_id is not None else ""
    rows = cur.execute(
        "SELECT coalesce(s.source, 'online'), count(*) FROM responses r"
        f" LEFT JOIN response_sources s ON s.response_id = r.id {where} GROUP BY 1",
        [session_id] if session_id is not None else [],
    ).fetchall()
    return {source: int(n) for source, n in rows}


def paper_entries_by(cur: Cursor, session_id: int, account_id: int | None) -> int:
    rows = cur.execute(
        "SELECT count(*) FROM responses r JOIN response_sources s ON s.response_id = r.id"
        " WHERE r.session_id = ? AND s.source = 'paper'"
        " AND s.entered_by IS NOT DISTINCT FROM ?",
        [session_id, account_id],
    ).fetchall()
    return int(rows[0][0])
