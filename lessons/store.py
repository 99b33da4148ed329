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
from datetime import date, datetime, timedelta
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


def _m003_reflections_lessons_audit(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE reflections_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE reflections (
            id INTEGER PRIMARY KEY DEFAULT nextval('reflections_id_seq'),
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            author VARCHAR NOT NULL,
            template VARCHAR NOT NULL CHECK (template IN ('aar', 'gibbs', 'rolfe')),
            status VARCHAR NOT NULL CHECK (status IN ('draft', 'final')),
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            UNIQUE (session_id, author)
        )
        """
    )
    cur.execute("CREATE SEQUENCE reflection_answers_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE reflection_answers (
            id INTEGER PRIMARY KEY DEFAULT nextval('reflection_answers_id_seq'),
            reflection_id INTEGER NOT NULL REFERENCES reflections (id),
            prompt VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            label VARCHAR,
            score DOUBLE,
            mixed BOOLEAN,
            drivers VARCHAR NOT NULL DEFAULT '',
            themes VARCHAR NOT NULL DEFAULT '',
            UNIQUE (reflection_id, prompt)
        )
        """
    )
    # The two session columns carry no REFERENCES: DuckDB rewrites an UPDATE of a
    # foreign-key column as delete-and-insert, which the lesson's own children
    # (themes, evidence) would then block. lessons.register checks them instead.
    cur.execute("CREATE SEQUENCE lessons_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE lessons (
            id INTEGER PRIMARY KEY DEFAULT nextval('lessons_id_seq'),
            title VARCHAR NOT NULL,
            what_happened VARCHAR NOT NULL DEFAULT '',
            effect VARCHAR NOT NULL DEFAULT '',
            cause VARCHAR NOT NULL DEFAULT '',
            lesson VARCHAR NOT NULL DEFAULT '',
            recommendation VARCHAR NOT NULL DEFAULT '',
            polarity VARCHAR NOT NULL CHECK (polarity IN ('sustain', 'improve')),
            scope VARCHAR NOT NULL CHECK (scope IN ('session', 'programme', 'organisation')),
            priority VARCHAR NOT NULL CHECK (priority IN ('low', 'medium', 'high')),
            action VARCHAR NOT NULL DEFAULT '',
            owner VARCHAR NOT NULL DEFAULT '',
            due_date DATE,
            status VARCHAR NOT NULL CHECK (status IN ('observed', 'identified', 'actioned',
                'embedded', 'validated', 'archived', 'rejected')),
            applied_session_id INTEGER,
            effectiveness_evidence VARCHAR NOT NULL DEFAULT '',
            rejection_reason VARCHAR NOT NULL DEFAULT '',
            source_session_id INTEGER,
            logged_at TIMESTAMP NOT NULL,
            logged_by VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE lesson_themes (
            lesson_id INTEGER NOT NULL REFERENCES lessons (id),
            theme_id VARCHAR NOT NULL,
            PRIMARY KEY (lesson_id, theme_id)
        )
        """
    )
    cur.execute("CREATE SEQUENCE lesson_evidence_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE lesson_evidence (
            id INTEGER PRIMARY KEY DEFAULT nextval('lesson_evidence_id_seq'),
            lesson_id INTEGER NOT NULL REFERENCES lessons (id),
            comment_id INTEGER REFERENCES comments (id),
            reflection_answer_id INTEGER REFERENCES reflection_answers (id),
            note VARCHAR NOT NULL DEFAULT '',
            added_at TIMESTAMP NOT NULL,
            added_by VARCHAR NOT NULL,
            CHECK (comment_id IS NOT NULL OR reflection_answer_id IS NOT NULL OR note <> '')
        )
        """
    )
    # Append-only: who changed what and when, with why. Nothing updates or deletes here.
    cur.execute("CREATE SEQUENCE audit_log_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
            changed_at TIMESTAMP NOT NULL,
            actor VARCHAR NOT NULL,
            entity VARCHAR NOT NULL,
            entity_id VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            detail VARCHAR NOT NULL DEFAULT ''
        )
        """
    )
    cur.execute("CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id)")


def _m004_plans(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE plans_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE plans (
            id INTEGER PRIMARY KEY DEFAULT nextval('plans_id_seq'),
            session_id INTEGER NOT NULL UNIQUE,
            notes VARCHAR NOT NULL DEFAULT '',
            created_by VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    cur.execute(
        """
        CREATE TABLE plan_lessons (
            plan_id INTEGER NOT NULL REFERENCES plans (id),
            lesson_id INTEGER NOT NULL REFERENCES lessons (id),
            PRIMARY KEY (plan_id, lesson_id)
        )
        """
    )
    cur.execute("CREATE SEQUENCE plan_checklist_id_seq START 1")
    cur.execute(
        """
        CREATE TABLE plan_checklist (
            id INTEGER PRIMARY KEY DEFAULT nextval('plan_checklist_id_seq'),
            plan_id INTEGER NOT NULL REFERENCES plans (id),
            lesson_id INTEGER,
            position INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            done BOOLEAN NOT NULL DEFAULT FALSE,
            done_at TIMESTAMP,
            done_by VARCHAR NOT NULL DEFAULT ''
        )
        """
    )
    # When each person last looked at the home page, for "new feedback since your last visit".
    cur.execute(
        """
        CREATE TABLE user_visits (
            user_name VARCHAR PRIMARY KEY,
            last_seen_at TIMESTAMP NOT NULL
        )
        """
    )


def _m005_comment_themes_session(cur: Cursor) -> None:
    # The session of each analysed and tagged comment, beside its analysis: the trends then
    # group millions of rows by session without joining every comment to its analysis
    # (30-50% faster at a million responses).
    for table in ("comment_analysis", "comment_themes"):
        cur.execute(f"ALTER TABLE {table} ADD COLUMN session_id INTEGER")
        cur.execute(
            f"UPDATE {table} SET session_id = m.session_id FROM comments m"
            f" WHERE m.id = {table}.comment_id"
        )


MIGRATIONS: list[tuple[str, Callable[[Cursor], None]]] = [
    ("001_sessions_and_feedback", _m001_sessions_and_feedback),
    ("002_comment_analysis", _m002_comment_analysis),
    ("003_reflections_lessons_audit", _m003_reflections_lessons_audit),
    ("004_plans", _m004_plans),
    ("005_comment_themes_session", _m005_comment_themes_session),
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
        "reflections",
        "reflection_answers",
        "lessons",
        "lesson_themes",
        "lesson_evidence",
        "audit_log",
        "plans",
        "plan_lessons",
        "plan_checklist",
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
        " analyser_version, analysed_at, session_id)"
        " SELECT ?, ?, ?, ?, ?, ?, ?, session_id FROM comments WHERE id = ?",
        [comment_id, label, score, mixed, "\n".join(drivers), analyser_version, now, comment_id],
    )
    if themes:
        cur.executemany(
            "INSERT INTO comment_themes (comment_id, theme_id, evidence, label, score, session_id)"
            " SELECT ?, ?, ?, ?, ?, session_id FROM comments WHERE id = ?",
            [
                [comment_id, theme_id, "\n".join(evidence), theme_label, theme_score, comment_id]
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


# --- audit trail ---------------------------------------------------------------------------


def append_audit(
    cur: Cursor, actor: str, entity: str, entity_id: object, action: str, detail: str, now: datetime
) -> None:
    cur.execute(
        "INSERT INTO audit_log (changed_at, actor, entity, entity_id, action, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [now, actor, entity, str(entity_id), action, detail],
    )


@dataclass(frozen=True)
class AuditEntry:
    changed_at: datetime
    actor: str
    action: str
    detail: str


def audit_for(cur: Cursor, entity: str, entity_id: object) -> list[AuditEntry]:
    rows = cur.execute(
        "SELECT changed_at, actor, action, detail FROM audit_log"
        " WHERE entity = ? AND entity_id = ? ORDER BY changed_at, id",
        [entity, str(entity_id)],
    ).fetchall()
    return [AuditEntry(*row) for row in rows]


# --- reflections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReflectionAnswerRow:
    id: int
    prompt: str
    text: str
    label: str | None
    score: float | None
    mixed: bool
    drivers: tuple[str, ...]
    themes: tuple[str, ...]


@dataclass(frozen=True)
class ReflectionRow:
    id: int
    session_id: int
    author: str
    template: str
    status: str
    created_at: datetime
    updated_at: datetime
    answers: tuple[ReflectionAnswerRow, ...]


def reflection_id_for(cur: Cursor, session_id: int, author: str) -> int | None:
    rows = cur.execute(
        "SELECT id FROM reflections WHERE session_id = ? AND lower(author) = lower(?)",
        [session_id, author],
    ).fetchall()
    return int(rows[0][0]) if rows else None


def insert_reflection(
    cur: Cursor, session_id: int, author: str, template: str, status: str, now: datetime
) -> int:
    rows = cur.execute(
        "INSERT INTO reflections (session_id, author, template, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [session_id, author, template, status, now, now],
    ).fetchall()
    return int(rows[0][0])


def update_reflection(
    cur: Cursor, reflection_id: int, template: str, status: str, now: datetime
) -> None:
    cur.execute(
        "UPDATE reflections SET template = ?, status = ?, updated_at = ? WHERE id = ?",
        [template, status, now, reflection_id],
    )


def save_reflection_answer(
    cur: Cursor,
    reflection_id: int,
    prompt: str,
    text: str,
    label: str | None,
    score: float | None,
    mixed: bool,
    drivers: Sequence[str],
    themes: Sequence[str],
) -> None:
    """Insert or update one answer in place, keeping its id (evidence links point at it)."""
    existing = cur.execute(
        "SELECT id FROM reflection_answers WHERE reflection_id = ? AND prompt = ?",
        [reflection_id, prompt],
    ).fetchall()
    values = [text, label, score, mixed, "\n".join(drivers), "\n".join(themes)]
    if existing:
        cur.execute(
            "UPDATE reflection_answers SET text = ?, label = ?, score = ?, mixed = ?,"
            " drivers = ?, themes = ? WHERE id = ?",
            [*values, existing[0][0]],
        )
    else:
        cur.execute(
            "INSERT INTO reflection_answers (text, label, score, mixed, drivers, themes,"
            " reflection_id, prompt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [*values, reflection_id, prompt],
        )


def reflections_for_session(cur: Cursor, session_id: int) -> list[ReflectionRow]:
    reflections = cur.execute(
        "SELECT id, session_id, author, template, status, created_at, updated_at"
        " FROM reflections WHERE session_id = ? ORDER BY created_at, id",
        [session_id],
    ).fetchall()
    if not reflections:
        return []
    answers: dict[int, list[ReflectionAnswerRow]] = {int(r[0]): [] for r in reflections}
    for row in cur.execute(
        "SELECT reflection_id, id, prompt, text, label, score, COALESCE(mixed, FALSE), drivers,"
        " themes FROM reflection_answers WHERE list_contains(?, reflection_id) ORDER BY id",
        [list(answers)],
    ).fetchall():
        answers[int(row[0])].append(
            ReflectionAnswerRow(
                row[1], row[2], row[3], row[4], row[5], bool(row[6]), _lines(row[7]), _lines(row[8])
            )
        )
    return [
        ReflectionRow(
            id=int(r[0]),
            session_id=r[1],
            author=r[2],
            template=r[3],
            status=r[4],
            created_at=r[5],
            updated_at=r[6],
            answers=tuple(answers[int(r[0])]),
        )
        for r in reflections
    ]


def reflection_answer_by_id(
    cur: Cursor, answer_id: int
) -> tuple[ReflectionAnswerRow, int, str] | None:
    """An answer with its session id and author."""
    rows = cur.execute(
        "SELECT a.id, a.prompt, a.text, a.label, a.score, COALESCE(a.mixed, FALSE), a.drivers,"
        " a.themes, r.session_id, r.author FROM reflection_answers a"
        " JOIN reflections r ON r.id = a.reflection_id WHERE a.id = ?",
        [answer_id],
    ).fetchall()
    if not rows:
        return None
    r = rows[0]
    answer = ReflectionAnswerRow(
        r[0], r[1], r[2], r[3], r[4], bool(r[5]), _lines(r[6]), _lines(r[7])
    )
    return answer, int(r[8]), r[9]


# --- lessons register ----------------------------------------------------------------------

LESSON_FIELDS = (
    "title",
    "what_happened",
    "effect",
    "cause",
    "lesson",
    "recommendation",
    "polarity",
    "scope",
    "priority",
    "action",
    "owner",
    "due_date",
    "source_session_id",
)


@dataclass(frozen=True)
class LessonRow:
    id: int
    title: str
    what_happened: str
    effect: str
    cause: str
    lesson: str
    recommendation: str
    polarity: str
    scope: str
    priority: str
    action: str
    owner: str
    due_date: date | None
    status: str
    applied_session_id: int | None
    effectiveness_evidence: str
    rejection_reason: str
    source_session_id: int | None
    logged_at: datetime
    logged_by: str
    updated_at: datetime
    themes: tuple[str, ...]
    evidence_count: int
    applied_session_title: str | None
    source_session_title: str | None


_LESSON_COLUMNS = """
    l.id, l.title, l.what_happened, l.effect, l.cause, l.lesson, l.recommendation, l.polarity,
    l.scope, l.priority, l.action, l.owner, l.due_date, l.status, l.applied_session_id,
    l.effectiveness_evidence, l.rejection_reason, l.source_session_id, l.logged_at, l.logged_by,
    l.updated_at,
    (SELECT string_agg(t.theme_id, '\n' ORDER BY t.theme_id) FROM lesson_themes t
        WHERE t.lesson_id = l.id) AS themes,
    (SELECT count(*) FROM lesson_evidence e WHERE e.lesson_id = l.id) AS evidence_count,
    applied.title, source.title
"""


def _lesson_rows(cur: Cursor, where: str, params: list[Any]) -> list[LessonRow]:
    rows = cur.execute(
        f"SELECT {_LESSON_COLUMNS} FROM lessons l"
        " LEFT JOIN sessions applied ON applied.id = l.applied_session_id"
        " LEFT JOIN sessions source ON source.id = l.source_session_id"
        f" {where} ORDER BY l.id",
        params,
    ).fetchall()
    names = [f.name for f in fields(LessonRow)][:21]
    return [
        LessonRow(
            **dict(zip(names, r[:21], strict=True)),
            themes=_lines(r[21] or ""),
            evidence_count=int(r[22]),
            applied_session_title=r[23],
            source_session_title=r[24],
        )
        for r in rows
    ]


def all_lessons(cur: Cursor) -> list[LessonRow]:
    return _lesson_rows(cur, "", [])


def lesson_by_id(cur: Cursor, lesson_id: int) -> LessonRow | None:
    rows = _lesson_rows(cur, "WHERE l.id = ?", [lesson_id])
    return rows[0] if rows else None


def insert_lesson(
    cur: Cursor, values: dict[str, Any], status: str, logged_by: str, now: datetime
) -> int:
    columns = [*LESSON_FIELDS, "status", "logged_at", "logged_by", "updated_at"]
    params = [values[f] for f in LESSON_FIELDS] + [status, now, logged_by, now]
    rows = cur.execute(
        f"INSERT INTO lessons ({', '.join(columns)})"
        f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
        params,
    ).fetchall()
    return int(rows[0][0])


def update_lesson(cur: Cursor, lesson_id: int, values: dict[str, Any], now: datetime) -> None:
    """Update any of the lesson's columns named in `values` (names checked, never user input)."""
    allowed = set(LESSON_FIELDS) | {
        "status",
        "applied_session_id",
        "effectiveness_evidence",
        "rejection_reason",
    }
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown lesson fields: {sorted(unknown)}")
    names = sorted(values)
    assignments = ", ".join(f"{name} = ?" for name in names)
    cur.execute(
        f"UPDATE lessons SET {assignments}, updated_at = ? WHERE id = ?",
        [*[values[n] for n in names], now, lesson_id],
    )


def set_lesson_themes(cur: Cursor, lesson_id: int, theme_ids: Sequence[str]) -> None:
    cur.execute("DELETE FROM lesson_themes WHERE lesson_id = ?", [lesson_id])
    if theme_ids:
        cur.executemany(
            "INSERT INTO lesson_themes (lesson_id, theme_id) VALUES (?, ?)",
            [[lesson_id, t] for t in sorted(set(theme_ids))],
        )


def insert_lesson_evidence(
    cur: Cursor,
    lesson_id: int,
    comment_id: int | None,
    reflection_answer_id: int | None,
    note: str,
    added_by: str,
    now: datetime,
) -> int:
    rows = cur.execute(
        "INSERT INTO lesson_evidence (lesson_id, comment_id, reflection_answer_id, note,"
        " added_at, added_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [lesson_id, comment_id, reflection_answer_id, note, now, added_by],
    ).fetchall()
    return int(rows[0][0])


def evidence_already_linked(
    cur: Cursor, lesson_id: int, comment_id: int | None, reflection_answer_id: int | None
) -> bool:
    rows = cur.execute(
        "SELECT 1 FROM lesson_evidence WHERE lesson_id = ?"
        " AND comment_id IS NOT DISTINCT FROM ? AND reflection_answer_id IS NOT DISTINCT FROM ?",
        [lesson_id, comment_id, reflection_answer_id],
    ).fetchall()
    return bool(rows)


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    kind: str  # comment, reflection or note
    text: str
    source: str
    note: str
    added_at: datetime
    added_by: str
    comment_id: int | None
    reflection_answer_id: int | None


def evidence_for_lesson(cur: Cursor, lesson_id: int) -> list[EvidenceRow]:
    rows = cur.execute(
        """
        SELECT e.id,
               CASE WHEN e.comment_id IS NOT NULL THEN 'comment'
                    WHEN e.reflection_answer_id IS NOT NULL THEN 'reflection' ELSE 'note' END,
               COALESCE(c.text, a.text, ''),
               COALESCE(cs.title, rs.title, ''),
               e.note, e.added_at, e.added_by, e.comment_id, e.reflection_answer_id,
               r.author, a.prompt, c.question
        FROM lesson_evidence e
        LEFT JOIN comments c ON c.id = e.comment_id
        LEFT JOIN sessions cs ON cs.id = c.session_id
        LEFT JOIN reflection_answers a ON a.id = e.reflection_answer_id
        LEFT JOIN reflections r ON r.id = a.reflection_id
        LEFT JOIN sessions rs ON rs.id = r.session_id
        WHERE e.lesson_id = ? ORDER BY e.added_at, e.id
        """,
        [lesson_id],
    ).fetchall()
    result = []
    for r in rows:
        source = r[3]
        if r[1] == "reflection":
            source = f"{source} — reflection by {r[9]} ({r[10]})"
        elif r[1] == "comment":
            source = f"{source} — attendee comment ({r[11]})"
        result.append(EvidenceRow(r[0], r[1], r[2], source, r[4], r[5], r[6], r[7], r[8]))
    return result


def lessons_for_comment(cur: Cursor, comment_id: int) -> list[tuple[int, str, str]]:
    """(id, title, status) of the lessons a comment supports."""
    rows = cur.execute(
        "SELECT l.id, l.title, l.status FROM lesson_evidence e JOIN lessons l ON l.id = e.lesson_id"
        " WHERE e.comment_id = ? ORDER BY l.id",
        [comment_id],
    ).fetchall()
    return [(int(r[0]), r[1], r[2]) for r in rows]


def lesson_counts_by_comment(cur: Cursor, comment_ids: Sequence[int]) -> dict[int, int]:
    if not comment_ids:
        return {}
    rows = cur.execute(
        "SELECT comment_id, count(*) FROM lesson_evidence WHERE list_contains(?, comment_id)"
        " GROUP BY comment_id",
        [list(comment_ids)],
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}


# --- feedback summaries (post-mortem, plan comparisons) -------------------------------------


@dataclass(frozen=True)
class ThemeSummary:
    theme_id: str
    comments: int
    positive: int
    negative: int
    positive_quote: str | None
    negative_quote: str | None


@dataclass(frozen=True)
class FeedbackSummary:
    responses: int
    expected: int | None
    rating_counts: dict[int, int]
    mean_rating: float | None
    mean_usefulness: float | None
    confidence_pairs: int
    mean_confidence_before: float | None
    mean_confidence_after: float | None
    share_gained_confidence: float | None
    balance_counts: dict[str, int]
    length_counts: dict[str, int]
    type_counts: dict[str, int]
    sentiment_counts: dict[str, int]
    comments: int
    themes: tuple[ThemeSummary, ...]


def _counts(cur: Cursor, column: str, session_ids: list[int]) -> dict[Any, int]:
    # `column` is one of our own column names, chosen in code below.
    rows = cur.execute(
        f"SELECT {column}, count(*) FROM responses WHERE list_contains(?, session_id)"
        f" AND {column} IS NOT NULL GROUP BY {column}",
        [session_ids],
    ).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def feedback_summary(
    cur: Cursor, session_ids: Sequence[int], quote_chars: int = 220
) -> FeedbackSummary:
    """Everything the post-mortem shows about the feedback for these sessions."""
    ids = list(session_ids)
    head = cur.execute(
        """
        SELECT count(*), avg(overall_rating), avg(usefulness),
               count(confidence_before + confidence_after),
               avg(confidence_before) FILTER (WHERE confidence_after IS NOT NULL),
               avg(confidence_after) FILTER (WHERE confidence_before IS NOT NULL),
               avg(CASE WHEN confidence_after > confidence_before THEN 1.0 ELSE 0.0 END)
                   FILTER (WHERE confidence_before IS NOT NULL AND confidence_after IS NOT NULL)
        FROM responses WHERE list_contains(?, session_id)
        """,
        [ids],
    ).fetchall()[0]
    expected = cur.execute(
        "SELECT sum(expected_attendees) FROM sessions WHERE list_contains(?, id)", [ids]
    ).fetchall()[0][0]
    sentiment = cur.execute(
        "SELECT l.label, count(*) FROM comments c JOIN comment_labels_effective l"
        " ON l.comment_id = c.id WHERE list_contains(?, c.session_id) AND l.label IS NOT NULL"
        " GROUP BY l.label",
        [ids],
    ).fetchall()
    comment_total = cur.execute(
        "SELECT count(*) FROM comments WHERE list_contains(?, session_id)", [ids]
    ).fetchall()[0][0]
    theme_rows = cur.execute(
        """
        WITH tagged AS (
            SELECT e.theme_id, c.id, c.text, COALESCE(e.label, l.label) AS label,
                   COALESCE(a.score, 0) AS score
            FROM comment_themes_effective e
            JOIN comments c ON c.id = e.comment_id
            JOIN comment_labels_effective l ON l.comment_id = c.id
            LEFT JOIN comment_analysis a ON a.comment_id = c.id
            WHERE list_contains(?, c.session_id)
        ),
        ranked AS (
            SELECT *, row_number() OVER (
                PARTITION BY theme_id, label
                ORDER BY CASE WHEN length(text) <= ? THEN 0 ELSE 1 END,
                         CASE WHEN label = 'negative' THEN score ELSE -score END, id
            ) AS place
            FROM tagged
        )
        SELECT theme_id, count(*),
               count(*) FILTER (WHERE label = 'positive'),
               count(*) FILTER (WHERE label = 'negative'),
               max(text) FILTER (WHERE label = 'positive' AND place = 1),
               max(text) FILTER (WHERE label = 'negative' AND place = 1)
        FROM ranked GROUP BY theme_id ORDER BY count(*) DESC, theme_id
        """,
        [ids, quote_chars],
    ).fetchall()
    return FeedbackSummary(
        responses=int(head[0]),
        expected=int(expected) if expected is not None else None,
        rating_counts=_counts(cur, "overall_rating", ids),
        mean_rating=head[1],
        mean_usefulness=head[2],
        confidence_pairs=int(head[3]),
        mean_confidence_before=head[4],
        mean_confidence_after=head[5],
        share_gained_confidence=head[6],
        balance_counts=_counts(cur, "balance", ids),
        length_counts=_counts(cur, "length", ids),
        type_counts=_counts(cur, "councillor_type", ids),
        sentiment_counts={r[0]: int(r[1]) for r in sentiment},
        comments=int(comment_total),
        themes=tuple(
            ThemeSummary(r[0], int(r[1]), int(r[2]), int(r[3]), r[4], r[5]) for r in theme_rows
        ),
    )


def comments_for_session(cur: Cursor, session_id: int) -> list[AnalysedComment]:
    return analysed_comments(cur, CommentFilter(session_id=session_id, limit=100_000))


# --- plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    id: int
    lesson_id: int | None
    position: int
    text: str
    done: bool
    done_at: datetime | None
    done_by: str


@dataclass(frozen=True)
class PlanRow:
    id: int
    session_id: int
    notes: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    lesson_ids: tuple[int, ...]
    checklist: tuple[ChecklistItem, ...]


def plan_for_session(cur: Cursor, session_id: int) -> PlanRow | None:
    rows = cur.execute(
        "SELECT id, session_id, notes, created_by, created_at, updated_at FROM plans"
        " WHERE session_id = ?",
        [session_id],
    ).fetchall()
    if not rows:
        return None
    plan_id = int(rows[0][0])
    lesson_ids = tuple(
        int(r[0])
        for r in cur.execute(
            "SELECT lesson_id FROM plan_lessons WHERE plan_id = ? ORDER BY lesson_id", [plan_id]
        ).fetchall()
    )
    items = tuple(
        ChecklistItem(int(r[0]), r[1], r[2], r[3], bool(r[4]), r[5], r[6])
        for r in cur.execute(
            "SELECT id, lesson_id, position, text, done, done_at, done_by FROM plan_checklist"
            " WHERE plan_id = ? ORDER BY position, id",
            [plan_id],
        ).fetchall()
    )
    r = rows[0]
    return PlanRow(plan_id, r[1], r[2], r[3], r[4], r[5], lesson_ids, items)


def insert_plan(cur: Cursor, session_id: int, notes: str, created_by: str, now: datetime) -> int:
    rows = cur.execute(
        "INSERT INTO plans (session_id, notes, created_by, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        [session_id, notes, created_by, now, now],
    ).fetchall()
    return int(rows[0][0])


def update_plan_notes(cur: Cursor, plan_id: int, notes: str, now: datetime) -> None:
    cur.execute("UPDATE plans SET notes = ?, updated_at = ? WHERE id = ?", [notes, now, plan_id])


def set_plan_lessons(cur: Cursor, plan_id: int, lesson_ids: Sequence[int]) -> None:
    cur.execute("DELETE FROM plan_lessons WHERE plan_id = ?", [plan_id])
    if lesson_ids:
        cur.executemany(
            "INSERT INTO plan_lessons (plan_id, lesson_id) VALUES (?, ?)",
            [[plan_id, i] for i in sorted(set(lesson_ids))],
        )


def delete_checklist_items(cur: Cursor, item_ids: Sequence[int]) -> None:
    if item_ids:
        cur.execute("DELETE FROM plan_checklist WHERE list_contains(?, id)", [list(item_ids)])


def insert_checklist_item(
    cur: Cursor, plan_id: int, lesson_id: int | None, position: int, text: str
) -> int:
    rows = cur.execute(
        "INSERT INTO plan_checklist (plan_id, lesson_id, position, text) VALUES (?, ?, ?, ?)"
        " RETURNING id",
        [plan_id, lesson_id, position, text],
    ).fetchall()
    return int(rows[0][0])


def set_checklist_done(cur: Cursor, item_id: int, done: bool, done_by: str, now: datetime) -> None:
    cur.execute(
        "UPDATE plan_checklist SET done = ?, done_at = ?, done_by = ? WHERE id = ?",
        [done, now if done else None, done_by if done else "", item_id],
    )


def checklist_item(cur: Cursor, item_id: int) -> tuple[int, int] | None:
    """(plan id, session id) of a checklist item."""
    rows = cur.execute(
        "SELECT c.plan_id, p.session_id FROM plan_checklist c JOIN plans p ON p.id = c.plan_id"
        " WHERE c.id = ?",
        [item_id],
    ).fetchall()
    return (int(rows[0][0]), int(rows[0][1])) if rows else None


def planned_session_ids(cur: Cursor) -> set[int]:
    return {int(r[0]) for r in cur.execute("SELECT session_id FROM plans").fetchall()}


def lesson_ids_planned_for(cur: Cursor, session_id: int) -> list[int]:
    rows = cur.execute(
        "SELECT pl.lesson_id FROM plan_lessons pl JOIN plans p ON p.id = pl.plan_id"
        " WHERE p.session_id = ? ORDER BY pl.lesson_id",
        [session_id],
    ).fetchall()
    return [int(r[0]) for r in rows]


def planned_hands_on_share(cur: Cursor, session_ids: Sequence[int]) -> tuple[float | None, int]:
    """Mean planned share of hands-on minutes, over sessions that planned any minutes."""
    rows = cur.execute(
        "SELECT avg(hands_on_minutes * 1.0 / (context_minutes + hands_on_minutes)), count(*)"
        " FROM sessions WHERE list_contains(?, id) AND context_minutes + hands_on_minutes > 0",
        [list(session_ids)],
    ).fetchall()
    return rows[0][0], int(rows[0][1])


def responses_with_negative_theme(
    cur: Cursor, session_ids: Sequence[int], theme_id: str
) -> tuple[int, int]:
    """(responses with at least one negative comment on the theme, all responses)."""
    rows = cur.execute(
        """
        SELECT count(DISTINCT c.response_id) FILTER (
                   WHERE e.theme_id IS NOT NULL AND COALESCE(e.label, l.label) = 'negative'),
               (SELECT count(*) FROM responses r WHERE list_contains(?, r.session_id))
        FROM comments c
        JOIN comment_labels_effective l ON l.comment_id = c.id
        LEFT JOIN comment_themes_effective e ON e.comment_id = c.id AND e.theme_id = ?
        WHERE list_contains(?, c.session_id)
        """,
        [list(session_ids), theme_id, list(session_ids)],
    ).fetchall()
    total = rows[0][1]
    if total is None:
        total = cur.execute(
            "SELECT count(*) FROM responses WHERE list_contains(?, session_id)", [list(session_ids)]
        ).fetchall()[0][0]
    return int(rows[0][0] or 0), int(total)


def last_visit(cur: Cursor, user_name: str) -> datetime | None:
    rows = cur.execute(
        "SELECT last_seen_at FROM user_visits WHERE user_name = ?", [user_name]
    ).fetchall()
    return rows[0][0] if rows else None


def record_visit(cur: Cursor, user_name: str, now: datetime) -> None:
    cur.execute("DELETE FROM user_visits WHERE user_name = ?", [user_name])
    cur.execute("INSERT INTO user_visits (user_name, last_seen_at) VALUES (?, ?)", [user_name, now])


def responses_since(cur: Cursor, since: datetime) -> list[tuple[int, str, int]]:
    """(session id, title, new responses) for sessions with responses after `since`."""
    rows = cur.execute(
        "SELECT s.id, s.title, count(*) FROM responses r JOIN sessions s ON s.id = r.session_id"
        " WHERE r.submitted_at > ? GROUP BY s.id, s.title ORDER BY max(r.submitted_at) DESC",
        [since],
    ).fetchall()
    return [(int(r[0]), r[1], int(r[2])) for r in rows]


# --- trends across sessions (programme leads) -----------------------------------------------
# Every aggregate is computed here in SQL, filtered by the same session conditions, so the
# Trends page never loads rows into Python. Groups smaller than MIN_GROUP are flagged for
# suppression by the caller (the numbers stay available to the code, never to the page).


@dataclass
class TrendFilter:
    start: date | None = None
    end: date | None = None
    programme: str | None = None
    council: str | None = None
    facilitator: str | None = None
    format: str | None = None
    co_delivered: bool | None = None

    def sql(self) -> tuple[str, list[Any]]:
        """Conditions on sessions `s` (delivered or reviewed), with their parameters."""
        conditions = ["s.status <> 'planned'"]
        params: list[Any] = []
        if self.start is not None:
            conditions.append("s.starts_at >= ?")
            params.append(datetime.combine(self.start, datetime.min.time()))
        if self.end is not None:
            conditions.append("s.starts_at < ?")
            params.append(datetime.combine(self.end, datetime.min.time()) + timedelta(days=1))
        for column in ("programme", "council", "format"):
            value = getattr(self, column)
            if value:
                conditions.append(f"s.{column} = ?")
                params.append(value)
        if self.facilitator:
            conditions.append(
                "EXISTS (SELECT 1 FROM session_facilitators f WHERE f.session_id = s.id"
                " AND f.name = ?)"
            )
            params.append(self.facilitator)
        if self.co_delivered is not None:
            conditions.append(
                ("" if self.co_delivered else "NOT ")
                + "EXISTS (SELECT 1 FROM session_facilitators f WHERE f.session_id = s.id"
                " AND f.is_councillor)"
            )
        return " AND ".join(conditions), params


def _chosen(where: TrendFilter) -> tuple[str, list[Any]]:
    """The `chosen` CTE: the filter's sessions with what the aggregates group them by, so
    that every query narrows the sessions first and joins everything else on their ids."""
    condition, params = where.sql()
    return (
        f"""chosen AS (
            SELECT s.id, date_trunc('month', s.starts_at) AS month,
                   date_trunc('quarter', s.starts_at) AS quarter, s.expected_attendees,
                   s.context_minutes, s.hands_on_minutes
            FROM sessions s WHERE {condition}
        )""",
        params,
    )


# The month and machine label of every analysed comment of the chosen sessions ({only}
# narrows the labels). An inner join: an outer one, or leaving out the corrected comments
# here, costs DuckDB two to three times as much as counting them all and then moving the
# few that people corrected (_LABEL_MOVES).
_MACHINE_LABELS = """
    SELECT c.month, a.label
    FROM comment_analysis a JOIN chosen c ON c.id = a.session_id {only}
"""

# Each person's correction moves its comment out of the machine's label (when there is one)
# and into theirs: (month, label, change in comments).
_LABEL_MOVES = """
    label_corrections AS (
        SELECT c.month, a.label AS machine_label, lc.label
        FROM comment_label_corrections lc
        JOIN comments m ON m.id = lc.comment_id
        JOIN chosen c ON c.id = m.session_id
        LEFT JOIN comment_analysis a ON a.comment_id = lc.comment_id
    ),
    label_moves AS (
        SELECT month, label, count(*) AS comments FROM label_corrections GROUP BY 1, 2
        UNION ALL
        SELECT month, machine_label, -count(*) FROM label_corrections
        WHERE machine_label IS NOT NULL GROUP BY 1, 2
    )
"""


@dataclass(frozen=True)
class Headline:
    sessions: int
    responses: int
    expected: int | None
    response_rate: float | None
    mean_rating: float | None
    mean_uplift: float | None
    negative_share: float | None
    comments: int


def trend_headline(cur: Cursor, where: TrendFilter) -> Headline:
    chosen, params = _chosen(where)
    negatives = _MACHINE_LABELS.format(only="WHERE a.label = 'negative'")
    row = cur.execute(
        f"""
        WITH {chosen},
        answered AS (
            SELECT r.session_id, count(*) AS responses
            FROM responses r JOIN chosen c ON c.id = r.session_id GROUP BY 1
        ),
        answers AS (
            SELECT count(*) AS responses, avg(r.overall_rating) AS rating,
                   avg(r.confidence_after - r.confidence_before) AS uplift
            FROM responses r JOIN chosen c ON c.id = r.session_id
        ),
        rates AS (
            SELECT sum(c.expected_attendees) AS expected, sum(n.responses) AS answered
            FROM chosen c JOIN answered n ON n.session_id = c.id
            WHERE c.expected_attendees IS NOT NULL
        ),
        {_LABEL_MOVES},
        tone AS (
            SELECT (SELECT count(*) FROM comments m JOIN chosen c ON c.id = m.session_id)
                       AS comments,
                   (SELECT count(*) FROM ({negatives}))
                   + (SELECT COALESCE(sum(comments), 0) FROM label_moves
                      WHERE label = 'negative') AS negatives
        )
        SELECT (SELECT count(*) FROM chosen), a.responses, r.expected, r.answered, a.rating,
               a.uplift, CASE WHEN t.comments > 0 THEN t.negatives / t.comments END,
               t.comments
        FROM answers a, rates r, tone t
        """,
        params,
    ).fetchall()[0]
    expected = int(row[2]) if row[2] is not None else None
    rate = (row[3] / expected) if expected else None
    return Headline(int(row[0]), int(row[1]), expected, rate, row[4], row[5], row[6], int(row[7]))


def _frame(cur: Cursor, sql: str, params: list[Any]):
    """A query's result as a pandas DataFrame (DuckDB builds it without Python rows)."""
    return cur.execute(sql, params).df()


def trend_by_month(cur: Cursor, where: TrendFilter):
    """Per month: responses, mean rating, mean confidence before and after."""
    chosen, params = _chosen(where)
    return _frame(
        cur,
        f"""
        WITH {chosen}
        SELECT c.month, count(*) AS responses,
               avg(r.overall_rating) AS mean_rating,
               avg(r.confidence_before) AS confidence_before,
               avg(r.confidence_after) AS confidence_after
        FROM responses r JOIN chosen c ON c.id = r.session_id
        GROUP BY 1 ORDER BY 1
        """,
        params,
    )


def trend_sentiment_by_month(cur: Cursor, where: TrendFilter):
    """Per month and label: comments (after corrections)."""
    chosen, params = _chosen(where)
    labelled = _MACHINE_LABELS.format(only="")
    return _frame(
        cur,
        f"""
        WITH {chosen},
        {_LABEL_MOVES},
        machine AS (SELECT month, label, count(*) AS comments FROM ({labelled}) GROUP BY 1, 2)
        SELECT month, label, CAST(sum(comments) AS BIGINT) AS comments
        FROM (SELECT * FROM machine UNION ALL SELECT * FROM label_moves)
        GROUP BY 1, 2 HAVING sum(comments) > 0
        ORDER BY 1, 2
        """,
        params,
    )


def trend_theme_by_month(cur: Cursor, where: TrendFilter):
    """Per month and theme: comments tagged, of all comments that month, and how many
    of them were critical."""
    chosen, params = _chosen(where)
    # A theme's own label (never NULL where the analysis found it) says whether the comment
    # was critical about it; only the themes people added take the comment's label.
    found = (
        "SELECT c.month, t.theme_id, t.label"
        " FROM comment_themes t JOIN chosen c ON c.id = t.session_id"
    )
    return _frame(
        cur,
        f"""
        WITH {chosen},
        month_comments AS (
            SELECT c.month, count(*) AS comments
            FROM comments m JOIN chosen c ON c.id = m.session_id GROUP BY 1
        ),
        machine AS (
            SELECT month, theme_id, count(*) AS tagged,
                   count(*) FILTER (WHERE label = 'negative') AS negative
            FROM ({found}) GROUP BY 1, 2
        ),
        theme_fixes AS (
            -- What each person's correction changes: a removal takes away a theme the
            -- analysis found; an addition adds one it did not, critical if the comment is.
            SELECT c.month, r.theme_id,
                   CASE WHEN r.action = 'add' THEN 1 ELSE -1 END AS tagged,
                   CASE WHEN r.action = 'add'
                        THEN CASE WHEN COALESCE(lc.label, a.label) = 'negative' THEN 1 ELSE 0 END
                        ELSE CASE WHEN t.label = 'negative' THEN -1 ELSE 0 END
                   END AS negative
            FROM comment_theme_corrections r
            JOIN comments m ON m.id = r.comment_id
            JOIN chosen c ON c.id = m.session_id
            LEFT JOIN comment_themes t ON t.comment_id = r.comment_id AND t.theme_id = r.theme_id
            LEFT JOIN comment_analysis a ON a.comment_id = r.comment_id
            LEFT JOIN comment_label_corrections lc ON lc.comment_id = r.comment_id
            WHERE (r.action = 'add' AND t.comment_id IS NULL)
               OR (r.action = 'remove' AND t.comment_id IS NOT NULL)
        ),
        tagged AS (
            SELECT month, theme_id, sum(tagged) AS tagged, sum(negative) AS negative
            FROM (SELECT * FROM machine UNION ALL SELECT * FROM theme_fixes)
            GROUP BY 1, 2 HAVING sum(tagged) > 0
        )
        SELECT t.month, t.theme_id, CAST(t.tagged AS BIGINT) AS tagged,
               CAST(t.negative AS BIGINT) AS negative, c.comments
        FROM tagged t JOIN month_comments c ON c.month = t.month
        ORDER BY 1, 2
        """,
        params,
    )


def trend_confidence(cur: Cursor, where: TrendFilter):
    """How many answered each confidence level, before and after."""
    chosen, params = _chosen(where)
    return _frame(
        cur,
        f"""
        WITH {chosen}
        SELECT 'before' AS moment, r.confidence_before AS level, count(*) AS responses
        FROM responses r JOIN chosen c ON c.id = r.session_id
        WHERE r.confidence_before IS NOT NULL GROUP BY 2
        UNION ALL
        SELECT 'after', r.confidence_after, count(*)
        FROM responses r JOIN chosen c ON c.id = r.session_id
        WHERE r.confidence_after IS NOT NULL GROUP BY 2
        ORDER BY 1 DESC, 2
        """,
        params,
    )


def trend_types_by_quarter(cur: Cursor, where: TrendFilter):
    chosen, params = _chosen(where)
    return _frame(
        cur,
        f"""
        WITH {chosen}
        SELECT c.quarter, r.councillor_type, count(*) AS responses
        FROM responses r JOIN chosen c ON c.id = r.session_id
        WHERE r.councillor_type IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        params,
    )


# Planned share of hands-on minutes, in bands a person can read.
HANDS_ON_BANDS = (
    (0.0, 0.3, "under 30%"),
    (0.3, 0.5, "30-49%"),
    (0.5, 0.7, "50-69%"),
    (0.7, 1.01, "70% or more"),
)


def trend_answers_by_hands_on(cur: Cursor, where: TrendFilter):
    """Balance and length answers, by the planned share of hands-on minutes."""
    chosen, params = _chosen(where)
    band = " ".join(
        f"WHEN share >= {low} AND share < {high} THEN '{label}'"
        for low, high, label in HANDS_ON_BANDS
    )
    # One pass over the responses counts both answers together; the two questions are then
    # read off the few dozen combinations.
    return _frame(
        cur,
        f"""
        WITH {chosen},
        planned AS (
            SELECT id, CASE {band} END AS band
            FROM (SELECT id, hands_on_minutes * 1.0 / (context_minutes + hands_on_minutes)
                         AS share
                  FROM chosen WHERE context_minutes + hands_on_minutes > 0)
        ),
        answers AS (
            SELECT p.band, r.balance, r.length, count(*) AS responses
            FROM responses r JOIN planned p ON p.id = r.session_id
            WHERE r.balance IS NOT NULL OR r.length IS NOT NULL
            GROUP BY 1, 2, 3
        )
        SELECT band, 'balance' AS question, balance AS answer,
               CAST(sum(responses) AS BIGINT) AS responses
        FROM answers WHERE balance IS NOT NULL GROUP BY 1, 3
        UNION ALL
        SELECT band, 'length', length, CAST(sum(responses) AS BIGINT)
        FROM answers WHERE length IS NOT NULL GROUP BY 1, 3
        ORDER BY 1, 2, 3
        """,
        params,
    )


def trend_co_delivery(cur: Cursor, where: TrendFilter):
    """Co-delivered with councillors or not: sessions, responses, rating, uplift, wanting
    more of the why."""
    chosen, params = _chosen(where)
    return _frame(
        cur,
        f"""
        WITH {chosen},
        kinds AS (
            SELECT c.id, EXISTS (SELECT 1 FROM session_facilitators f
                                 WHERE f.session_id = c.id AND f.is_councillor) AS co_delivered
            FROM chosen c
        ),
        sessions_by_kind AS (SELECT co_delivered, count(*) AS sessions FROM kinds GROUP BY 1),
        answers AS (
            SELECT k.co_delivered, count(*) AS responses,
                   avg(r.overall_rating) AS mean_rating,
                   avg(r.confidence_after - r.confidence_before) AS mean_uplift,
                   avg(CASE WHEN r.balance = 'more_why' THEN 1.0 ELSE 0.0 END)
                       FILTER (WHERE r.balance IS NOT NULL) AS wanted_more_why
            FROM responses r JOIN kinds k ON k.id = r.session_id
            GROUP BY 1
        )
        SELECT k.co_delivered, k.sessions, COALESCE(a.responses, 0) AS responses,
               a.mean_rating, a.mean_uplift, a.wanted_more_why
        FROM sessions_by_kind k LEFT JOIN answers a ON a.co_delivered = k.co_delivered
        ORDER BY 1 DESC
        """,
        params,
    )


def trend_lessons_by_status(cur: Cursor):
    """For each month since the first lesson, how many lessons were in each status at its end
    (from the audit trail: 'created' is observed, each 'status' entry names the new stage)."""
    return _frame(
        cur,
        """
        WITH changes AS (
            SELECT CAST(entity_id AS INTEGER) AS lesson_id, changed_at, id,
                   CASE WHEN action = 'created' THEN 'observed'
                        ELSE lower(regexp_extract(detail, '→ ([A-Za-z]+)', 1)) END AS status
            FROM audit_log WHERE entity = 'lesson' AND action IN ('created', 'status')
        ),
        months AS (
            SELECT unnest(generate_series(date_trunc('month', min(changed_at)),
                                          date_trunc('month', max(changed_at)),
                                          INTERVAL 1 MONTH)) AS month
            FROM changes
        ),
        latest AS (
            SELECT m.month, c.lesson_id,
                   arg_max(c.status, c.changed_at) AS status
            FROM months m JOIN changes c ON c.changed_at < m.month + INTERVAL 1 MONTH
            GROUP BY 1, 2
        )
        SELECT month, status, count(*) AS lessons FROM latest GROUP BY 1, 2 ORDER BY 1, 2
        """,
        [],
    )


def trend_choices(cur: Cursor) -> dict[str, list[str]]:
    """The values each trend filter can take."""
    return {
        "programme": known_programmes(cur),
        "council": known_councils(cur),
        "format": [
            r[0] for r in cur.execute("SELECT DISTINCT format FROM sessions ORDER BY 1").fetchall()
        ],
        "facilitator": [
            r[0]
            for r in cur.execute(
                "SELECT DISTINCT name FROM session_facilitators ORDER BY 1"
            ).fetchall()
        ],
    }


def trend_date_range(cur: Cursor) -> tuple[date | None, date | None]:
    row = cur.execute(
        "SELECT min(starts_at), max(starts_at) FROM sessions WHERE status <> 'planned'"
    ).fetchall()[0]
    return (row[0].date() if row[0] else None, row[1].date() if row[1] else None)


def data_version(cur: Cursor) -> tuple:
    """Changes whenever feedback, analysis, corrections, sessions, themes or lessons change:
    part of every cached trend's key, so a change made by any process shows at once."""
    # Side by side in one FROM list: as scalar subqueries DuckDB takes several times longer.
    return tuple(
        cur.execute(
            """
            SELECT *
            FROM (SELECT count(*), max(id) FROM responses),
                 (SELECT max(analysed_at) FROM comment_analysis),
                 (SELECT count(*), max(corrected_at) FROM comment_label_corrections),
                 (SELECT count(*), max(corrected_at) FROM comment_theme_corrections),
                 (SELECT max(updated_at) FROM sessions),
                 (SELECT max(updated_at) FROM themes),
                 (SELECT max(id) FROM audit_log)
            """
        ).fetchall()[0]
    )


def export_responses(cur: Cursor, where: TrendFilter, include_contact: bool = False):
    """Responses with their session, for CSV and Excel exports (contact details only where
    the attendee opted in, and only when asked for)."""
    condition, params = where.sql()
    contact = ", r.contact_name, r.contact_detail" if include_contact else ""
    return _frame(
        cur,
        f"""
        SELECT r.id AS response_id, s.title AS session, s.starts_at AS session_date, s.council,
               s.programme, s.format, r.submitted_at, r.overall_rating, r.usefulness,
               r.confidence_before, r.confidence_after, r.balance, r.length,
               r.councillor_type {contact}
        FROM responses r JOIN sessions s ON s.id = r.session_id
        WHERE {condition}
        ORDER BY s.starts_at, r.id
        """,
        params,
    )


def export_comments(cur: Cursor, where: TrendFilter):
    """Comments with their effective sentiment and themes, for CSV and Excel exports."""
    condition, params = where.sql()
    return _frame(
        cur,
        f"""
        SELECT m.id AS comment_id, m.response_id, s.title AS session, s.starts_at AS session_date,
               s.council, m.question, m.text, l.label AS sentiment, l.corrected,
               (SELECT string_agg(e.theme_id, '; ' ORDER BY e.theme_id)
                  FROM comment_themes_effective e WHERE e.comment_id = m.id) AS themes
        FROM comments m JOIN sessions s ON s.id = m.session_id
        JOIN comment_labels_effective l ON l.comment_id = m.id
        WHERE {condition}
        ORDER BY s.starts_at, m.id
        """,
        params,
    )
