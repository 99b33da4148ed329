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
    """Open (creating if needed) and migrate the database; seed the default themes."""
    database = Database(path if path is not None else db_path_from_env())
    migrate(database)
    seed_default_themes(database)
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


def _m002_comment_analysis(cur: Cursor) -> None:
    # Terms are stored one per line: readable in any SQL client, portable to PostgreSQL.
    cur.execute(
        """
        CREATE TABLE themes (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            description VARCHAR NOT NULL DEFAULT '',
            include_terms VARCHAR NOT NULL DEFAULT '',
            phrases VARCHAR NOT NULL DEFAULT '',
            exclude_terms VARCHAR NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            retired BOOLEAN NOT NULL DEFAULT FALSE,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE comment_analysis (
            comment_id INTEGER PRIMARY KEY REFERENCES comments (id),
            label VARCHAR NOT NULL CHECK (label IN ('positive', 'neutral', 'negative')),
            score DOUBLE NOT NULL,
            mixed BOOLEAN NOT NULL,
            drivers VARCHAR NOT NULL,
            analyser_version VARCHAR NOT NULL,
            analysed_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE comment_themes (
            comment_id INTEGER NOT NULL REFERENCES comments (id),
            theme_id VARCHAR NOT NULL,
            evidence VARCHAR NOT NULL,
            label VARCHAR NOT NULL,
            score DOUBLE NOT NULL,
            PRIMARY KEY (comment_id, theme_id)
        )
        """
    )
    cur.execute("CREATE INDEX comment_themes_theme_idx ON comment_themes (theme_id)")
    # What the stored analyses reflect: one row per theme, with the hash of its
    # definition, so a taxonomy edit re-analyses only the comments it can touch.
    cur.execute(
        """
        CREATE TABLE analysed_theme_definitions (
            theme_id VARCHAR PRIMARY KEY,
            definition_hash VARCHAR NOT NULL
        )
        """
    )
    # Human corrections live apart from the analysis, so re-analysis never overwrites them.
    cur.execute(
        """
        CREATE TABLE comment_label_corrections (
            comment_id INTEGER PRIMARY KEY REFERENCES comments (id),
            label VARCHAR NOT NULL CHECK (label IN ('positive', 'neutral', 'negative')),
            corrected_by VARCHAR NOT NULL DEFAULT '',
            corrected_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE comment_theme_corrections (
            comment_id INTEGER NOT NULL REFERENCES comments (id),
            theme_id VARCHAR NOT NULL,
            action VARCHAR NOT NULL CHECK (action IN ('add', 'remove')),
            corrected_by VARCHAR NOT NULL DEFAULT '',
            corrected_at TIMESTAMP NOT NULL,
            PRIMARY KEY (comment_id, theme_id)
        )
        """
    )
    # What every page reads: the analysis with the corrections applied.
    cur.execute(
        """
        CREATE VIEW comment_labels_effective AS
        SELECT c.id AS comment_id,
               COALESCE(lc.label, a.label) AS label,
               a.label AS machine_label,
               lc.label IS NOT NULL AS corrected
        FROM comments c
        LEFT JOIN comment_analysis a ON a.comment_id = c.id
        LEFT JOIN comment_label_corrections lc ON lc.comment_id = c.id
        """
    )
    cur.execute(
        """
        CREATE VIEW comment_themes_effective AS
        SELECT t.comment_id, t.theme_id, t.evidence, t.label, FALSE AS added_by_person
        FROM comment_themes t
        WHERE NOT EXISTS (
            SELECT 1 FROM comment_theme_corrections r
            WHERE r.comment_id = t.comment_id AND r.theme_id = t.theme_id AND r.action = 'remove'
        )
        UNION ALL
        SELECT a.comment_id, a.theme_id, '' AS evidence, NULL AS label, TRUE AS added_by_person
        FROM comment_theme_corrections a
        WHERE a.action = 'add' AND NOT EXISTS (
            SELECT 1 FROM comment_themes t
            WHERE t.comment_id = a.comment_id AND t.theme_id = a.theme_id
        )
        """
    )


MIGRATIONS: list[tuple[str, Callable[[Cursor], None]]] = [
    ("001_sessions_and_feedback", _m001_sessions_and_feedback),
    ("002_comment_analysis", _m002_comment_analysis),
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
    }:
        raise ValueError(f"unknown table {table!r}")
    return int(cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


# --- themes and comment analysis ------------------------------------------------------


@dataclass(frozen=True)
class ThemeRow:
    id: str
    name: str
    description: str
    include_terms: tuple[str, ...]
    phrases: tuple[str, ...]
    exclude_terms: tuple[str, ...]
    position: int
    retired: bool


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def all_themes(cur: Cursor, include_retired: bool = True) -> list[ThemeRow]:
    rows = cur.execute(
        "SELECT id, name, description, include_terms, phrases, exclude_terms, position, retired"
        " FROM themes WHERE ? OR NOT retired ORDER BY position, id",
        [include_retired],
    ).fetchall()
    return [
        ThemeRow(r[0], r[1], r[2], _lines(r[3]), _lines(r[4]), _lines(r[5]), r[6], r[7])
        for r in rows
    ]


def save_theme(cur: Cursor, theme: ThemeRow, now: datetime) -> None:
    """Insert or replace one theme's definition."""
    values = [
        theme.name,
        theme.description,
        "\n".join(theme.include_terms),
        "\n".join(theme.phrases),
        "\n".join(theme.exclude_terms),
        theme.position,
        theme.retired,
        now,
    ]
    exists = cur.execute("SELECT 1 FROM themes WHERE id = ?", [theme.id]).fetchall()
    if exists:
        cur.execute(
            "UPDATE themes SET name = ?, description = ?, include_terms = ?, phrases = ?,"
            " exclude_terms = ?, position = ?, retired = ?, updated_at = ? WHERE id = ?",
            [*values, theme.id],
        )
    else:
        cur.execute(
            "INSERT INTO themes (name, description, include_terms, phrases, exclude_terms,"
            " position, retired, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*values, theme.id],
        )


def seed_default_themes(database: Database) -> bool:
    """Seed the default taxonomy into an empty themes table; True when it seeded.

    Themes are retired, never deleted, so an empty table means a new database.
    """
    from lessons.tagging import definition_hash
    from lessons.themes import DEFAULT_THEMES

    with database.transaction() as cur:
        if count_rows(cur, "themes"):
            return False
        # Nothing has been analysed yet, so the analyses "reflect" the defaults.
        replace_analysed_theme_hashes(cur, {t.id: definition_hash(t) for t in DEFAULT_THEMES})
        now = datetime.now()
        for position, theme in enumerate(DEFAULT_THEMES, start=1):
            save_theme(
                cur,
                ThemeRow(
                    id=theme.id,
                    name=theme.name,
                    description=theme.description,
                    include_terms=theme.include_terms,
                    phrases=theme.phrases,
                    exclude_terms=theme.exclude_terms,
                    position=position,
                    retired=False,
                ),
                now,
            )
    return True


def next_theme_position(cur: Cursor) -> int:
    return int(cur.execute("SELECT COALESCE(max(position), 0) + 1 FROM themes").fetchall()[0][0])


def save_comment_analysis(
    cur: Cursor,
    comment_id: int,
    label: str,
    score: float,
    mixed: bool,
    drivers: Sequence[str],
    themes: Sequence[tuple[str, Sequence[str], str, float]],
    analyser_version: str,
    now: datetime,
) -> None:
    """Replace the machine analysis of one comment (its corrections are kept apart)."""
    cur.execute("DELETE FROM comment_themes WHERE comment_id = ?", [comment_id])
    cur.execute("DELETE FROM comment_analysis WHERE comment_id = ?", [comment_id])
    cur.execute(
        "INSERT INTO comment_analysis (comment_id, label, score, mixed, drivers,"
        " analyser_version, analysed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [comment_id, label, score, mixed, "\n".join(drivers), analyser_version, now],
    )
    if themes:
        cur.executemany(
            "INSERT INTO comment_themes (comment_id, theme_id, evidence, label, score)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                [comment_id, theme_id, "\n".join(evidence), theme_label, theme_score]
                for theme_id, evidence, theme_label, theme_score in themes
            ],
        )


def analysed_theme_hashes(cur: Cursor) -> dict[str, str]:
    rows = cur.execute(
        "SELECT theme_id, definition_hash FROM analysed_theme_definitions"
    ).fetchall()
    return {theme_id: definition_hash for theme_id, definition_hash in rows}


def replace_analysed_theme_hashes(cur: Cursor, hashes: dict[str, str]) -> None:
    cur.execute("DELETE FROM analysed_theme_definitions")
    if hashes:
        cur.executemany(
            "INSERT INTO analysed_theme_definitions (theme_id, definition_hash) VALUES (?, ?)",
            [[theme_id, h] for theme_id, h in sorted(hashes.items())],
        )


def comment_texts(cur: Cursor) -> list[tuple[int, str, str]]:
    """(id, question, text) of every comment, oldest first."""
    rows = cur.execute("SELECT id, question, text FROM comments ORDER BY id").fetchall()
    return [(int(r[0]), r[1], r[2]) for r in rows]


def comment_ids_needing_analysis(cur: Cursor, analyser_version: str) -> list[int]:
    """Comments never analysed, or analysed by an older version of the rules."""
    rows = cur.execute(
        "SELECT c.id FROM comments c LEFT JOIN comment_analysis a ON a.comment_id = c.id"
        " WHERE a.comment_id IS NULL OR a.analyser_version <> ? ORDER BY c.id",
        [analyser_version],
    ).fetchall()
    return [int(r[0]) for r in rows]


def comment_ids_tagged_with(cur: Cursor, theme_ids: Sequence[str]) -> list[int]:
    if not theme_ids:
        return []
    rows = cur.execute(
        "SELECT DISTINCT comment_id FROM comment_themes WHERE list_contains(?, theme_id)",
        [list(theme_ids)],
    ).fetchall()
    return [int(r[0]) for r in rows]


def set_label_correction(
    cur: Cursor, comment_id: int, label: str | None, corrected_by: str, now: datetime
) -> None:
    """Record a person's label for a comment (None removes the correction)."""
    cur.execute("DELETE FROM comment_label_corrections WHERE comment_id = ?", [comment_id])
    if label is not None:
        cur.execute(
            "INSERT INTO comment_label_corrections (comment_id, label, corrected_by, corrected_at)"
            " VALUES (?, ?, ?, ?)",
            [comment_id, label, corrected_by, now],
        )


def set_theme_correction(
    cur: Cursor,
    comment_id: int,
    theme_id: str,
    action: str | None,
    corrected_by: str,
    now: datetime,
) -> None:
    """Record that a person added or removed a theme (None removes the correction)."""
    cur.execute(
        "DELETE FROM comment_theme_corrections WHERE comment_id = ? AND theme_id = ?",
        [comment_id, theme_id],
    )
    if action is not None:
        cur.execute(
            "INSERT INTO comment_theme_corrections"
            " (comment_id, theme_id, action, corrected_by, corrected_at) VALUES (?, ?, ?, ?, ?)",
            [comment_id, theme_id, action, corrected_by, now],
        )


def comment_exists(cur: Cursor, comment_id: int) -> bool:
    return bool(cur.execute("SELECT 1 FROM comments WHERE id = ?", [comment_id]).fetchall())


@dataclass(frozen=True)
class AnalysedComment:
    """A comment as every page shows it: the analysis with the corrections applied."""

    id: int
    session_id: int
    session_title: str
    session_starts_at: datetime
    question: str
    text: str
    label: str | None
    machine_label: str | None
    label_corrected: bool
    score: float | None
    mixed: bool
    drivers: tuple[str, ...]
    themes: tuple[str, ...]
    machine_themes: tuple[str, ...]
    evidence: dict[str, tuple[str, ...]]
    theme_labels: dict[str, str]


@dataclass
class CommentFilter:
    session_id: int | None = None
    theme_id: str | None = None
    label: str | None = None
    question: str | None = None
    text: str = ""
    untagged_only: bool = False
    comment_id: int | None = None
    limit: int = 500


def analysed_comments(cur: Cursor, where: CommentFilter) -> list[AnalysedComment]:
    """Comments with their effective label and themes, newest first, filtered."""
    conditions = ["TRUE"]
    params: list[Any] = []
    if where.comment_id is not None:
        conditions.append("c.id = ?")
        params.append(where.comment_id)
    if where.session_id is not None:
        conditions.append("c.session_id = ?")
        params.append(where.session_id)
    if where.question:
        conditions.append("c.question = ?")
        params.append(where.question)
    if where.label:
        conditions.append("l.label = ?")
        params.append(where.label)
    if where.text.strip():
        conditions.append("lower(c.text) LIKE ? ESCAPE '\\'")
        escaped = where.text.strip().lower().replace("\\", "\\\\").replace("%", "\\%")
        params.append("%" + escaped.replace("_", "\\_") + "%")
    if where.theme_id:
        conditions.append(
            "EXISTS (SELECT 1 FROM comment_themes_effective e"
            " WHERE e.comment_id = c.id AND e.theme_id = ?)"
        )
        params.append(where.theme_id)
    if where.untagged_only:
        conditions.append(
            "NOT EXISTS (SELECT 1 FROM comment_themes_effective e WHERE e.comment_id = c.id)"
        )
    rows = cur.execute(
        f"""
        SELECT c.id, c.session_id, s.title, s.starts_at, c.question, c.text,
               l.label, l.machine_label, l.corrected, a.score, COALESCE(a.mixed, FALSE),
               COALESCE(a.drivers, '')
        FROM comments c
        JOIN sessions s ON s.id = c.session_id
        JOIN comment_labels_effective l ON l.comment_id = c.id
        LEFT JOIN comment_analysis a ON a.comment_id = c.id
        WHERE {" AND ".join(conditions)}
        ORDER BY s.starts_at DESC, c.id DESC
        LIMIT ?
        """,
        [*params, where.limit],
    ).fetchall()
    ids = [int(r[0]) for r in rows]
    effective: dict[int, list[str]] = {i: [] for i in ids}
    machine: dict[int, list[str]] = {i: [] for i in ids}
    evidence: dict[int, dict[str, tuple[str, ...]]] = {i: {} for i in ids}
    theme_labels: dict[int, dict[str, str]] = {i: {} for i in ids}
    if ids:
        for comment_id, theme_id in cur.execute(
            "SELECT comment_id, theme_id FROM comment_themes_effective"
            " WHERE list_contains(?, comment_id) ORDER BY theme_id",
            [ids],
        ).fetchall():
            effective[comment_id].append(theme_id)
        for comment_id, theme_id, words, theme_label in cur.execute(
            "SELECT comment_id, theme_id, evidence, label FROM comment_themes"
            " WHERE list_contains(?, comment_id) ORDER BY theme_id",
            [ids],
        ).fetchall():
            machine[comment_id].append(theme_id)
            evidence[comment_id][theme_id] = _lines(words)
            theme_labels[comment_id][theme_id] = theme_label
    return [
        AnalysedComment(
            id=int(r[0]),
            session_id=r[1],
            session_title=r[2],
            session_starts_at=r[3],
            question=r[4],
            text=r[5],
            label=r[6],
            machine_label=r[7],
            label_corrected=bool(r[8]),
            score=r[9],
            mixed=bool(r[10]),
            drivers=_lines(r[11]),
            themes=tuple(effective[int(r[0])]),
            machine_themes=tuple(machine[int(r[0])]),
            evidence=evidence[int(r[0])],
            theme_labels=theme_labels[int(r[0])],
        )
        for r in rows
    ]


def untagged_comment_texts(cur: Cursor, limit: int = 5000) -> list[str]:
    rows = cur.execute(
        "SELECT c.text FROM comments c WHERE NOT EXISTS"
        " (SELECT 1 FROM comment_themes_effective e WHERE e.comment_id = c.id)"
        " ORDER BY c.id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [r[0] for r in rows]


def sample_comment_texts(cur: Cursor, limit: int = 12) -> list[str]:
    """A spread of recent comments for previews (the longer ones say more)."""
    rows = cur.execute(
        "SELECT text FROM comments WHERE length(text) >= 20 ORDER BY id DESC LIMIT ?", [limit]
    ).fetchall()
    return [r[0] for r in rows]
