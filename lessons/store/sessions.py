"""Sessions, their facilitators, responses and comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from lessons.store.database import Cursor

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
