"""The one way into the database: the DuckDB connection, migrations and every query.

A process opens one `Database`. Reads take their own cursor (a DuckDB
connection is not thread-safe, and Streamlit runs each rerun on its own
thread); writes go through `Database.transaction()`, which serialises them
behind one lock, like a single writer, so concurrent submissions never race
each other into a conflict.

Every query is a function named for what it returns, with values passed as
parameters, never formatted into the SQL.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

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
        self._connection = duckdb.connect(str(self.path))
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

    def close(self) -> None:
        self._connection.close()


def open_database(path: Path | str | None = None) -> Database:
    """Open (creating if needed) and migrate the database."""
    database = Database(path if path is not None else db_path_from_env())
    migrate(database)
    return database


# --- migrations -----------------------------------------------------------------------
# Ordered and named; each runs in its own transaction and is recorded in
# schema_migrations. Never edit one that has shipped: add another.


def _m001_sessions_and_feedback(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE sessions_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY DEFAULT nextval('sessions_id_seq'),
            title VARCHAR NOT NULL,
            starts_at TIMESTAMP NOT NULL,
            ends_at TIMESTAMP NOT NULL,
            venue VARCHAR NOT NULL DEFAULT '',
            online BOOLEAN NOT NULL DEFAULT FALSE,
            council VARCHAR NOT NULL,
            programme VARCHAR NOT NULL DEFAULT '',
            format VARCHAR NOT NULL,
            context_minutes INTEGER NOT NULL DEFAULT 0,
            hands_on_minutes INTEGER NOT NULL DEFAULT 0,
            expected_attendees INTEGER,
            status VARCHAR NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'delivered', 'reviewed')),
            feedback_open BOOLEAN NOT NULL DEFAULT TRUE,
            feedback_token VARCHAR NOT NULL UNIQUE,
            short_code VARCHAR NOT NULL UNIQUE,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            CHECK (ends_at > starts_at)
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE session_facilitators (
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            position INTEGER NOT NULL,
            name VARCHAR NOT NULL,
            is_councillor BOOLEAN NOT NULL,
            PRIMARY KEY (session_id, is_councillor, position)
        )
        """
    )
    cur.execute("CREATE SEQUENCE responses_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE responses (
            id INTEGER PRIMARY KEY DEFAULT nextval('responses_id_seq'),
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            idempotency_key VARCHAR NOT NULL UNIQUE,
            submitted_at TIMESTAMP NOT NULL,
            overall_rating INTEGER NOT NULL CHECK (overall_rating BETWEEN 1 AND 5),
            usefulness INTEGER CHECK (usefulness BETWEEN 1 AND 5),
            confidence_before INTEGER CHECK (confidence_before BETWEEN 1 AND 5),
            confidence_after INTEGER CHECK (confidence_after BETWEEN 1 AND 5),
            balance VARCHAR CHECK (balance IN ('more_why', 'about_right', 'more_how')),
            length VARCHAR CHECK (length IN ('too_short', 'about_right', 'too_long')),
            councillor_type VARCHAR
                CHECK (councillor_type IN ('sceptic', 'cautious', 'evangelist', 'next_generation')),
            contact_opt_in BOOLEAN NOT NULL DEFAULT FALSE,
            contact_name VARCHAR,
            contact_detail VARCHAR
        )
        """
    )
    cur.execute("CREATE INDEX responses_session_idx ON responses (session_id)")
    cur.execute("CREATE SEQUENCE comments_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY DEFAULT nextval('comments_id_seq'),
            response_id INTEGER NOT NULL REFERENCES responses (id),
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            question VARCHAR NOT NULL CHECK (question IN ('went_well', 'to_change', 'help_next')),
            text VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute("CREATE INDEX comments_session_idx ON comments (session_id)")


MIGRATIONS: list[tuple[str, Callable[[Cursor], None]]] = [
    ("001_sessions_and_feedback", _m001_sessions_and_feedback),
]


def migrate(database: Database) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied."""
    with database.transaction() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
        )
    with database.reading() as cur:
        done = {row[0] for row in cur.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, apply in MIGRATIONS:
        if name in done:
            continue
        with database.transaction() as cur:
            apply(cur)
            cur.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                [name, datetime.now()],
            )
        applied.append(name)
    return applied


def applied_migrations(cur: Cursor) -> list[str]:
    rows = cur.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    return [row[0] for row in rows]


# --- sessions -------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    online: bool
    council: str
    programme: str
    format: str
    context_minutes: int
    hands_on_minutes: int
    expected_attendees: int | None
    status: str
    feedback_open: bool
    feedback_token: str
    short_code: str
    facilitators: tuple[str, ...]
    councillor_facilitators: tuple[str, ...]
    response_count: int


_SESSION_COLUMNS = """
    s.id, s.title, s.starts_at, s.ends_at, s.venue, s.online, s.council, s.programme,
    s.format, s.context_minutes, s.hands_on_minutes, s.expected_attendees, s.status,
    s.feedback_open, s.feedback_token, s.short_code,
    (SELECT count(*) FROM responses r WHERE r.session_id = s.id) AS response_count
"""

_SESSION_ROW_NAMES = [f.name for f in fields(SessionRow)][:16]

# The editable fields of a session, in the order insert_session and update_session take them.
SESSION_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "online",
    "council",
    "programme",
    "format",
    "context_minutes",
    "hands_on_minutes",
    "expected_attendees",
    "status",
    "feedback_open",
)


def _facilitators_by_session(
    cur: Cursor, session_ids: Sequence[int]
) -> dict[int, tuple[list[str], list[str]]]:
    people: dict[int, tuple[list[str], list[str]]] = {sid: ([], []) for sid in session_ids}
    if not session_ids:
        return people
    rows = cur.execute(
        "SELECT session_id, name, is_councillor FROM session_facilitators"
        " WHERE list_contains(?, session_id) ORDER BY session_id, is_councillor, position",
        [list(session_ids)],
    ).fetchall()
    for session_id, name, is_councillor in rows:
        people[session_id][1 if is_councillor else 0].append(name)
    return people


def _session_rows(cur: Cursor, where: str, params: list[Any], order: str = "") -> list[SessionRow]:
    rows = cur.execute(
        f"SELECT {_SESSION_COLUMNS} FROM sessions s {where} {order}", params
    ).fetchall()
    people = _facilitators_by_session(cur, [row[0] for row in rows])
    result = []
    for row in rows:
        officers, councillors = people[row[0]]
        result.append(
            SessionRow(
                **dict(zip(_SESSION_ROW_NAMES, row[:16], strict=True)),
                facilitators=tuple(officers),
                councillor_facilitators=tuple(councillors),
                response_count=row[16],
            )
        )
    return result


def all_sessions(cur: Cursor) -> list[SessionRow]:
    """Every session, newest first."""
    return _session_rows(cur, "", [], "ORDER BY s.starts_at DESC, s.id DESC")


def session_by_id(cur: Cursor, session_id: int) -> SessionRow | None:
    rows = _session_rows(cur, "WHERE s.id = ?", [session_id])
    return rows[0] if rows else None


def session_by_token(cur: Cursor, token: str) -> SessionRow | None:
    rows = _session_rows(cur, "WHERE s.feedback_token = ?", [token])
    return rows[0] if rows else None


def session_by_code(cur: Cursor, code: str) -> SessionRow | None:
    rows = _session_rows(cur, "WHERE s.short_code = ?", [code])
    return rows[0] if rows else None


def short_code_taken(cur: Cursor, code: str) -> bool:
    rows = cur.execute("SELECT 1 FROM sessions WHERE short_code = ?", [code]).fetchall()
    return bool(rows)


def insert_session(
    cur: Cursor,
    values: dict[str, Any],
    facilitators: Sequence[str],
    councillor_facilitators: Sequence[str],
    feedback_token: str,
    short_code: str,
    now: datetime,
) -> int:
    columns = list(SESSION_FIELDS) + ["feedback_token", "short_code", "created_at", "updated_at"]
    params = [values[name] for name in SESSION_FIELDS] + [feedback_token, short_code, now, now]
    placeholders = ", ".join("?" for _ in columns)
    row = cur.execute(
        f"INSERT INTO sessions ({', '.join(columns)}) VALUES ({placeholders}) RETURNING id",
        params,
    ).fetchall()
    session_id = int(row[0][0])
    _replace_facilitators(cur, session_id, facilitators, councillor_facilitators)
    return session_id


def update_session(
    cur: Cursor,
    session_id: int,
    values: dict[str, Any],
    facilitators: Sequence[str],
    councillor_facilitators: Sequence[str],
    now: datetime,
) -> None:
    assignments = ", ".join(f"{name} = ?" for name in SESSION_FIELDS)
    params = [values[name] for name in SESSION_FIELDS] + [now, session_id]
    cur.execute(f"UPDATE sessions SET {assignments}, updated_at = ? WHERE id = ?", params)
    _replace_facilitators(cur, session_id, facilitators, councillor_facilitators)


def _replace_facilitators(
    cur: Cursor,
    session_id: int,
    facilitators: Sequence[str],
    councillor_facilitators: Sequence[str],
) -> None:
    cur.execute("DELETE FROM session_facilitators WHERE session_id = ?", [session_id])
    rows = [[session_id, i, name, False] for i, name in enumerate(facilitators)]
    rows += [[session_id, i, name, True] for i, name in enumerate(councillor_facilitators)]
    if rows:
        cur.executemany(
            "INSERT INTO session_facilitators (session_id, position, name, is_councillor)"
            " VALUES (?, ?, ?, ?)",
            rows,
        )


def known_councils(cur: Cursor) -> list[str]:
    rows = cur.execute("SELECT DISTINCT council FROM sessions ORDER BY council").fetchall()
    return [row[0] for row in rows]


def known_programmes(cur: Cursor) -> list[str]:
    rows = cur.execute(
        "SELECT DISTINCT programme FROM sessions WHERE programme <> '' ORDER BY programme"
    ).fetchall()
    return [row[0] for row in rows]


def response_count_for_session(cur: Cursor, session_id: int) -> int:
    rows = cur.execute(
        "SELECT count(*) FROM responses WHERE session_id = ?", [session_id]
    ).fetchall()
    return int(rows[0][0])


# --- feedback -------------------------------------------------------------------------

RESPONSE_FIELDS = (
    "overall_rating",
    "usefulness",
    "confidence_before",
    "confidence_after",
    "balance",
    "length",
    "councillor_type",
    "contact_opt_in",
    "contact_name",
    "contact_detail",
)


def response_id_for_key(cur: Cursor, idempotency_key: str) -> int | None:
    rows = cur.execute(
        "SELECT id FROM responses WHERE idempotency_key = ?", [idempotency_key]
    ).fetchall()
    return int(rows[0][0]) if rows else None


def insert_response(
    cur: Cursor,
    session_id: int,
    idempotency_key: str,
    submitted_at: datetime,
    values: dict[str, Any],
) -> int:
    columns = ["session_id", "idempotency_key", "submitted_at", *RESPONSE_FIELDS]
    params = [session_id, idempotency_key, submitted_at] + [values[f] for f in RESPONSE_FIELDS]
    placeholders = ", ".join("?" for _ in columns)
    rows = cur.execute(
        f"INSERT INTO responses ({', '.join(columns)}) VALUES ({placeholders}) RETURNING id",
        params,
    ).fetchall()
    return int(rows[0][0])


def insert_comment(
    cur: Cursor,
    response_id: int,
    session_id: int,
    question: str,
    text: str,
    created_at: datetime,
) -> int:
    rows = cur.execute(
        "INSERT INTO comments (response_id, session_id, question, text, created_at)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        [response_id, session_id, question, text, created_at],
    ).fetchall()
    return int(rows[0][0])


@dataclass(frozen=True)
class ResponseRow:
    id: int
    session_id: int
    submitted_at: datetime
    overall_rating: int
    usefulness: int | None
    confidence_before: int | None
    confidence_after: int | None
    balance: str | None
    length: str | None
    councillor_type: str | None
    contact_opt_in: bool
    contact_name: str | None
    contact_detail: str | None


def responses_for_session(cur: Cursor, session_id: int) -> list[ResponseRow]:
    rows = cur.execute(
        "SELECT id, session_id, submitted_at, "
        + ", ".join(RESPONSE_FIELDS)
        + " FROM responses WHERE session_id = ? ORDER BY submitted_at, id",
        [session_id],
    ).fetchall()
    return [ResponseRow(*row) for row in rows]


@dataclass(frozen=True)
class CommentRow:
    id: int
    response_id: int
    session_id: int
    question: str
    text: str
    created_at: datetime


def comments_for_response(cur: Cursor, response_id: int) -> list[CommentRow]:
    rows = cur.execute(
        "SELECT id, response_id, session_id, question, text, created_at FROM comments"
        " WHERE response_id = ? ORDER BY id",
        [response_id],
    ).fetchall()
    return [CommentRow(*row) for row in rows]


def count_rows(cur: Cursor, table: str) -> int:
    """Row count of one of our own tables (the name is checked, never user input)."""
    if table not in {"sessions", "responses", "comments", "session_facilitators"}:
        raise ValueError(f"unknown table {table!r}")
    return int(cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
