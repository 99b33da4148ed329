"""Sessions, their facilitators, responses and comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from lessons.store.database import Cursor, insert_rows

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
    language: str
    feedback_closes_at: datetime | None
    followup_weeks: int
    facilitators: tuple[str, ...]
    councillor_facilitators: tuple[str, ...]
    response_count: int


_SESSION_COLUMNS = """
    s.id, s.title, s.starts_at, s.ends_at, s.venue, s.online, s.council, s.programme,
    s.format, s.context_minutes, s.hands_on_minutes, s.expected_attendees, s.status,
    s.feedback_open, s.feedback_token, s.short_code, s.language, s.feedback_closes_at,
    s.followup_weeks
"""

# Each session with its people (officers and councillors, each in order) and its responses
# counted, in one query: aggregates joined on, which DuckDB runs faster than subqueries.
_SESSION_ROWS = f"""
    SELECT {_SESSION_COLUMNS},
           COALESCE(p.officers, []), COALESCE(p.councillors, []), COALESCE(n.responses, 0)
    FROM sessions s
    LEFT JOIN (
        SELECT session_id,
               list(name ORDER BY position) FILTER (WHERE NOT is_councillor) AS officers,
               list(name ORDER BY position) FILTER (WHERE is_councillor) AS councillors
        FROM session_facilitators GROUP BY 1
    ) p ON p.session_id = s.id
    LEFT JOIN (SELECT session_id, count(*) AS responses FROM responses GROUP BY 1) n
        ON n.session_id = s.id
"""

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
    "language",
    "feedback_closes_at",
    "followup_weeks",
)


_SESSION_ROW_NAMES = [f.name for f in fields(SessionRow)][:19]


def _session_rows(cur: Cursor, where: str, params: list[Any], order: str = "") -> list[SessionRow]:
    return _rows(cur.execute(f"{_SESSION_ROWS} {where} {order}", params).fetchall())


def _rows(rows: list[tuple[Any, ...]]) -> list[SessionRow]:
    return [
        SessionRow(
            **dict(zip(_SESSION_ROW_NAMES, row[:19], strict=True)),
            facilitators=tuple(row[19]),
            councillor_facilitators=tuple(row[20]),
            response_count=int(row[21]),
        )
        for row in rows
    ]


def all_sessions(cur: Cursor) -> list[SessionRow]:
    """Every session, newest first."""
    return _session_rows(cur, "", [], "ORDER BY s.starts_at DESC, s.id DESC")


def session_by_id(cur: Cursor, session_id: int) -> SessionRow | None:
    # With the id known, its people and responses are read by it directly: quicker than the
    # aggregates over every session that _session_rows joins on.
    rows = _rows(
        cur.execute(
            f"""
            SELECT {_SESSION_COLUMNS},
                   COALESCE((SELECT list(name ORDER BY position) FROM session_facilitators
                             WHERE session_id = $id AND NOT is_councillor), []),
                   COALESCE((SELECT list(name ORDER BY position) FROM session_facilitators
                             WHERE session_id = $id AND is_councillor), []),
                   (SELECT count(*) FROM responses WHERE session_id = $id)
            FROM sessions s WHERE s.id = $id
            """,
            {"id": session_id},
        ).fetchall()
    )
    return rows[0] if rows else None


def _session_id_where(cur: Cursor, column: str, value: str) -> int | None:
    # `column` is ours: feedback_token or short_code, each unique (an index lookup).
    rows = cur.execute(f"SELECT id FROM sessions WHERE {column} = ?", [value]).fetchall()
    return int(rows[0][0]) if rows else None


def session_by_token(cur: Cursor, token: str) -> SessionRow | None:
    session_id = _session_id_where(cur, "feedback_token", token)
    return None if session_id is None else session_by_id(cur, session_id)


def session_by_code(cur: Cursor, code: str) -> SessionRow | None:
    session_id = _session_id_where(cur, "short_code", code)
    return None if session_id is None else session_by_id(cur, session_id)


def existing_session_ids(cur: Cursor, session_ids: Sequence[int]) -> set[int]:
    """Which of these sessions exist."""
    rows = cur.execute(
        "SELECT id FROM sessions WHERE id IN (SELECT unnest(?::INTEGER[]))", [list(session_ids)]
    ).fetchall()
    return {int(r[0]) for r in rows}


def session_title_and_status(cur: Cursor, session_id: int) -> tuple[str, str] | None:
    """A session's title and status: a quick check that it exists, and where it stands."""
    rows = cur.execute("SELECT title, status FROM sessions WHERE id = ?", [session_id]).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def short_code_taken(cur: Cursor, code: str) -> bool:
    """Whether a session or a follow-up has this code already."""
    rows = cur.execute(
        "SELECT 1 FROM sessions WHERE short_code = $code"
        " UNION ALL SELECT 1 FROM followup_links WHERE code = $code",
        {"code": code},
    ).fetchall()
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
    _insert_facilitators(cur, session_id, facilitators, councillor_facilitators)
    return session_id


def made_by_submission(cur: Cursor, kind: str, token: str) -> int | None:
    """The id of what the form submission `token` already made (a `kind`), if it did."""
    rows = cur.execute(
        "SELECT made_id FROM form_submissions WHERE token = ? AND kind = ?", [token, kind]
    ).fetchall()
    return int(rows[0][0]) if rows else None


def record_submission(cur: Cursor, token: str, kind: str, made_id: int, now: datetime) -> None:
    cur.execute(
        "INSERT INTO form_submissions (token, kind, made_id, submitted_at) VALUES (?, ?, ?, ?)",
        [token, kind, made_id, now],
    )


def update_session(
    cur: Cursor,
    session_id: int,
    values: dict[str, Any],
    now: datetime,
    people: tuple[Sequence[str], Sequence[str]] | None = None,
) -> None:
    """Save a session's fields; with `people` (officers, councillors), replace them too."""
    assignments = ", ".join(f"{name} = ?" for name in SESSION_FIELDS)
    params = [values[name] for name in SESSION_FIELDS] + [now, session_id]
    cur.execute(f"UPDATE sessions SET {assignments}, updated_at = ? WHERE id = ?", params)
    if people is not None:
        _replace_facilitators(cur, session_id, *people)


def _replace_facilitators(
    cur: Cursor,
    session_id: int,
    facilitators: Sequence[str],
    councillor_facilitators: Sequence[str],
) -> None:
    cur.execute("DELETE FROM session_facilitators WHERE session_id = ?", [session_id])
    _insert_facilitators(cur, session_id, facilitators, councillor_facilitators)


def _insert_facilitators(
    cur: Cursor,
    session_id: int,
    facilitators: Sequence[str],
    councillor_facilitators: Sequence[str],
) -> None:
    people = [(i, name, False) for i, name in enumerate(facilitators)]
    people += [(i, name, True) for i, name in enumerate(councillor_facilitators)]
    insert_rows(
        cur,
        "session_facilitators",
        {
            "session_id": ("INTEGER", [session_id] * len(people)),
            "position": ("INTEGER", [p[0] for p in people]),
            "name": ("VARCHAR", [p[1] for p in people]),
            "is_councillor": ("BOOLEAN", [p[2] for p in people]),
        },
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

# The answers a response holds, with their SQL types.
RESPONSE_FIELD_TYPES = {
    "overall_rating": "INTEGER",
    "usefulness": "INTEGER",
    "confidence_before": "INTEGER",
    "confidence_after": "INTEGER",
    "balance": "VARCHAR",
    "length": "VARCHAR",
    "councillor_type": "VARCHAR",
    "contact_opt_in": "BOOLEAN",
    "contact_name": "VARCHAR",
    "contact_detail": "VARCHAR",
    "language": "VARCHAR",  # the form's language: 'en' or 'cy'
}
RESPONSE_FIELDS = tuple(RESPONSE_FIELD_TYPES)


def response_ids_for_keys(cur: Cursor, idempotency_keys: Sequence[str]) -> dict[str, int]:
    """The responses already stored under any of these keys: key → response id."""
    if not idempotency_keys:
        return {}
    rows = cur.execute(
        "SELECT idempotency_key, id FROM responses"
        " WHERE idempotency_key IN (SELECT unnest(?::VARCHAR[]))",
        [list(idempotency_keys)],
    ).fetchall()
    return {key: int(response_id) for key, response_id in rows}


@dataclass(frozen=True)
class NewResponse:
    session_id: int
    idempotency_key: str
    submitted_on: date  # the day it was sent: responses keep no time of day
    values: dict[str, Any]  # RESPONSE_FIELDS


def insert_responses(cur: Cursor, responses: Sequence[NewResponse]) -> dict[str, int]:
    """Store many responses in one statement: idempotency key → new id."""
    columns: dict[str, tuple[str, Sequence[Any]]] = {
        "session_id": ("INTEGER", [r.session_id for r in responses]),
        "idempotency_key": ("VARCHAR", [r.idempotency_key for r in responses]),
        "submitted_on": ("DATE", [r.submitted_on for r in responses]),
    }
    for name in RESPONSE_FIELDS:
        columns[name] = (RESPONSE_FIELD_TYPES[name], [r.values[name] for r in responses])
    rows = insert_rows(cur, "responses", columns, returning="idempotency_key, id")
    return {key: int(response_id) for key, response_id in rows}


def insert_response(
    cur: Cursor,
    session_id: int,
    idempotency_key: str,
    submitted_on: date,
    values: dict[str, Any],
) -> int:
    ids = insert_responses(cur, [NewResponse(session_id, idempotency_key, submitted_on, values)])
    return ids[idempotency_key]


@dataclass(frozen=True)
class NewComment:
    response_id: int
    session_id: int
    question: str
    text: str
    created_on: date
    language: str = "en"


def insert_comments(cur: Cursor, comments: Sequence[NewComment]) -> dict[tuple[int, str], int]:
    """Store many comments in one statement: (response id, question) → new comment id (a
    response answers each question at most once)."""
    rows = insert_rows(
        cur,
        "comments",
        {
            "response_id": ("INTEGER", [c.response_id for c in comments]),
            "session_id": ("INTEGER", [c.session_id for c in comments]),
            "question": ("VARCHAR", [c.question for c in comments]),
            "text": ("VARCHAR", [c.text for c in comments]),
            "created_on": ("DATE", [c.created_on for c in comments]),
            "language": ("VARCHAR", [c.language for c in comments]),
        },
        returning="response_id, question, id",
    )
    return {(int(response_id), question): int(i) for response_id, question, i in rows}


def insert_comment(
    cur: Cursor,
    response_id: int,
    session_id: int,
    question: str,
    text: str,
    created_on: date,
) -> int:
    comment = NewComment(response_id, session_id, question, text, created_on)
    return insert_comments(cur, [comment])[(response_id, question)]


@dataclass(frozen=True)
class ResponseRow:
    id: int
    session_id: int
    submitted_on: date
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
    language: str


def responses_for_session(cur: Cursor, session_id: int) -> list[ResponseRow]:
    rows = cur.execute(
        "SELECT id, session_id, submitted_on, "
        + ", ".join(RESPONSE_FIELDS)
        + " FROM responses WHERE session_id = ? ORDER BY submitted_on, id",
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
    created_on: date


def comments_for_response(cur: Cursor, response_id: int) -> list[CommentRow]:
    rows = cur.execute(
        "SELECT id, response_id, session_id, question, text, created_on FROM comments"
        " WHERE response_id = ? ORDER BY id",
        [response_id],
    ).fetchall()
    return [CommentRow(*row) for row in rows]
