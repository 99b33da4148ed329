"""What people asked for, the comments people reviewed (what the learned layer learns
from), and the learned layer's stored versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lessons.store.database import Cursor, split_lines

# --- what people asked for ---------------------------------------------------------------


@dataclass(frozen=True)
class AskRow:
    """A comment that asks for a change or an addition (after corrections)."""

    comment_id: int
    session_id: int
    question: str
    text: str
    asks: tuple[str, ...]  # the clauses that ask, as the analysis found them
    themes: tuple[str, ...]


def asks_in_sessions(cur: Cursor, session_ids: Sequence[int], limit: int = 200) -> list[AskRow]:
    """The comments of these sessions that ask for something, newest session first."""
    if not session_ids:
        return []
    rows = cur.execute(
        """
        SELECT c.id, c.session_id, c.question, c.text, q.asks,
               COALESCE((SELECT string_agg(e.theme_id, chr(10) ORDER BY e.theme_id)
                         FROM comment_themes_effective e WHERE e.comment_id = c.id), '')
        FROM comments c
        JOIN comment_requests_effective q ON q.comment_id = c.id
        JOIN sessions s ON s.id = c.session_id
        WHERE list_contains(?, c.session_id) AND q.request
        ORDER BY s.starts_at DESC, c.id DESC
        LIMIT ?
        """,
        [list(session_ids), limit],
    ).fetchall()
    return [
        AskRow(int(r[0]), int(r[1]), r[2], r[3], split_lines(r[4]), split_lines(r[5])) for r in rows
    ]


def ask_count(cur: Cursor, session_ids: Sequence[int]) -> int:
    rows = cur.execute(
        "SELECT count(*) FROM comments c JOIN comment_requests_effective q"
        " ON q.comment_id = c.id WHERE list_contains(?, c.session_id) AND q.request",
        [list(session_ids)],
    ).fetchall()
    return int(rows[0][0])


# --- what people reviewed ----------------------------------------------------------------


@dataclass(frozen=True)
class ReviewedComment:
    """A comment a person corrected or confirmed, with the readings they stand behind:
    None for a reading they neither corrected nor confirmed."""

    comment_id: int
    question: str
    text: str
    label: str | None
    request: bool | None
    themes: tuple[str, ...] | None


def reviewed_comments(cur: Cursor) -> list[ReviewedComment]:
    """Every comment people reviewed (saved its readings) or corrected, oldest first. A
    review stands behind all three readings; a correction only behind what it corrected."""
    rows = cur.execute(
        """
        WITH touched AS (
            SELECT comment_id FROM comment_reviews
            UNION SELECT comment_id FROM comment_label_corrections
            UNION SELECT comment_id FROM comment_request_corrections
            UNION SELECT comment_id FROM comment_theme_corrections
        )
        SELECT c.id, c.question, c.text,
               CASE WHEN rv.comment_id IS NOT NULL OR lc.comment_id IS NOT NULL
                    THEN l.label END,
               CASE WHEN rv.comment_id IS NOT NULL OR rc.comment_id IS NOT NULL
                    THEN q.request END,
               rv.comment_id IS NOT NULL
                   OR EXISTS (SELECT 1 FROM comment_theme_corrections r
                              WHERE r.comment_id = c.id),
               COALESCE((SELECT string_agg(e.theme_id, chr(10) ORDER BY e.theme_id)
                         FROM comment_themes_effective e WHERE e.comment_id = c.id), '')
        FROM touched t
        JOIN comments c ON c.id = t.comment_id
        JOIN comment_labels_effective l ON l.comment_id = c.id
        JOIN comment_requests_effective q ON q.comment_id = c.id
        LEFT JOIN comment_reviews rv ON rv.comment_id = c.id
        LEFT JOIN comment_label_corrections lc ON lc.comment_id = c.id
        LEFT JOIN comment_request_corrections rc ON rc.comment_id = c.id
        ORDER BY c.id
        """
    ).fetchall()
    return [
        ReviewedComment(
            int(r[0]),
            r[1],
            r[2],
            r[3],
            None if r[4] is None else bool(r[4]),
            split_lines(r[6]) if r[5] else None,
        )
        for r in rows
    ]


def unreviewed_comments(cur: Cursor, limit: int) -> list[ReviewedComment]:
    """The newest English comments no one reviewed, with their themes as they stand (no
    label or request: no one stood behind them; Welsh ones are not read by the analysis)."""
    rows = cur.execute(
        """
        SELECT c.id, c.question, c.text,
               COALESCE((SELECT string_agg(e.theme_id, chr(10) ORDER BY e.theme_id)
                         FROM comment_themes_effective e WHERE e.comment_id = c.id), '')
        FROM comments c
        WHERE c.language = 'en'
          AND NOT EXISTS (SELECT 1 FROM comment_reviews rv WHERE rv.comment_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM comment_theme_corrections r WHERE r.comment_id = c.id)
        ORDER BY c.id DESC
        LIMIT ?
        """,
        [limit],
    ).fetchall()
    return [ReviewedComment(int(r[0]), r[1], r[2], None, None, split_lines(r[3])) for r in rows]


def comment_texts_by_ids(cur: Cursor, comment_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(id, question, text) of these comments, in id order."""
    rows = cur.execute(
        "SELECT id, question, text FROM comments WHERE list_contains(?, id) ORDER BY id",
        [list(comment_ids)],
    ).fetchall()
    return [(int(r[0]), r[1], r[2]) for r in rows]


# --- the learned layer's versions --------------------------------------------------------

# Older versions kept, for a look back; the newest is the one in use.
_KEEP_MODELS = 3


@dataclass(frozen=True)
class StoredModel:
    version: int
    trained_at: datetime
    fingerprint: str
    examples: int
    model: bytes


def latest_learned_model(cur: Cursor) -> StoredModel | None:
    rows = cur.execute(
        "SELECT version, trained_at, fingerprint, examples, model FROM learned_models"
        " ORDER BY version DESC LIMIT 1"
    ).fetchall()
    if not rows:
        return None
    r = rows[0]
    return StoredModel(int(r[0]), r[1], r[2], int(r[3]), bytes(r[4]))


def save_learned_model(
    cur: Cursor, model: bytes, fingerprint: str, examples: int, now: datetime
) -> int:
    """Store a new version of the learned layer; return its version number."""
    version = int(
        cur.execute("SELECT COALESCE(max(version), 0) + 1 FROM learned_models").fetchall()[0][0]
    )
    cur.execute(
        "INSERT INTO learned_models (version, trained_at, fingerprint, examples, model)"
        " VALUES (?, ?, ?, ?, ?)",
        [version, now, fingerprint, examples, model],
    )
    cur.execute("DELETE FROM learned_models WHERE version <= ?", [version - _KEEP_MODELS])
    return version
