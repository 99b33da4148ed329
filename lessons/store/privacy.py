"""The council's settings, and what privacy needs of the attendees' answers: finding what
is held (by date, by a contact's name or email), reading it all for a subject-access
export, and deleting it with everything that hangs off it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lessons.auth import Actor
from lessons.store.database import Cursor, shown_name, split_lines
from lessons.store.sessions import RESPONSE_FIELDS, ResponseRow

# --- app settings ---------------------------------------------------------------------------


def setting(cur: Cursor, key: str) -> str | None:
    rows = cur.execute("SELECT value FROM app_settings WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def all_settings(cur: Cursor) -> dict[str, str]:
    rows = cur.execute("SELECT key, value FROM app_settings ORDER BY key").fetchall()
    return {key: value for key, value in rows}


def save_setting(cur: Cursor, key: str, value: str, actor: Actor, now: datetime) -> None:
    """Set one council setting, recording the account that set it (and its name then)."""
    cur.execute("DELETE FROM app_settings WHERE key = ?", [key])
    cur.execute(
        "INSERT INTO app_settings (key, value, updated_at, updated_by, updated_by_account_id)"
        " VALUES (?, ?, ?, ?, ?)",
        [key, value, now, actor.name, actor.account_id],
    )


# --- what is held ----------------------------------------------------------------------------


def response_ids_before(cur: Cursor, cutoff: date) -> list[int]:
    """Responses sent before `cutoff` (a day)."""
    rows = cur.execute(
        "SELECT id FROM responses WHERE submitted_on < ? ORDER BY id", [cutoff]
    ).fetchall()
    return [int(r[0]) for r in rows]


def comment_ids_of_responses(cur: Cursor, response_ids: Sequence[int]) -> list[int]:
    rows = cur.execute(
        "SELECT id FROM comments WHERE list_contains(?, response_id) ORDER BY id",
        [list(response_ids)],
    ).fetchall()
    return [int(r[0]) for r in rows]


def contact_count(cur: Cursor, response_ids: Sequence[int]) -> int:
    """How many of these responses hold a name or contact detail."""
    rows = cur.execute(
        "SELECT count(*) FROM responses WHERE list_contains(?, id)"
        " AND (contact_name IS NOT NULL OR contact_detail IS NOT NULL)",
        [list(response_ids)],
    ).fetchall()
    return int(rows[0][0])


@dataclass(frozen=True)
class EvidenceLinkRow:
    """A lesson's link to an attendee comment."""

    evidence_id: int
    lesson_id: int
    comment_id: int


def evidence_links_to_comments(cur: Cursor, comment_ids: Sequence[int]) -> list[EvidenceLinkRow]:
    rows = cur.execute(
        "SELECT id, lesson_id, comment_id FROM lesson_evidence"
        " WHERE list_contains(?, comment_id) ORDER BY lesson_id, id",
        [list(comment_ids)],
    ).fetchall()
    return [EvidenceLinkRow(int(r[0]), int(r[1]), int(r[2])) for r in rows]


@dataclass(frozen=True)
class CommentPlace:
    """Where a comment sits: its response, session and question."""

    comment_id: int
    response_id: int
    session_id: int
    question: str


def comment_place(cur: Cursor, comment_id: int) -> CommentPlace | None:
    rows = cur.execute(
        "SELECT id, response_id, session_id, question FROM comments WHERE id = ?", [comment_id]
    ).fetchall()
    return (
        CommentPlace(int(rows[0][0]), int(rows[0][1]), int(rows[0][2]), rows[0][3])
        if rows
        else None
    )


# --- deleting --------------------------------------------------------------------------------

# What hangs off a comment, children first: the lessons' links to it, people's corrections,
# the machine's themes and analysis. Table names are ours.
_COMMENT_CHILDREN = (
    "lesson_evidence",
    "comment_theme_corrections",
    "comment_label_corrections",
    "comment_request_corrections",
    "comment_reviews",
    "comment_themes",
    "comment_analysis",
)


def delete_comments(cur: Cursor, comment_ids: Sequence[int]) -> None:
    """Delete comments and everything that hangs off them (the caller audits the lessons
    that lose a link)."""
    if not comment_ids:
        return
    ids = list(comment_ids)
    for table in _COMMENT_CHILDREN:
        cur.execute(f"DELETE FROM {table} WHERE list_contains(?, comment_id)", [ids])
    cur.execute("DELETE FROM comments WHERE list_contains(?, id)", [ids])


def delete_responses(cur: Cursor, response_ids: Sequence[int]) -> None:
    """Delete responses, their comments and everything that hangs off those."""
    if not response_ids:
        return
    delete_comments(cur, comment_ids_of_responses(cur, response_ids))
    # Where they came from goes with them; an import's record of their rows stays, so the
    # same file imported again does not bring an erased response back.
    cur.execute(
        "DELETE FROM response_sources WHERE list_contains(?, response_id)", [list(response_ids)]
    )
    cur.execute("DELETE FROM responses WHERE list_contains(?, id)", [list(response_ids)])


def clear_contact_details(cur: Cursor, response_ids: Sequence[int]) -> None:
    """Erase the name and contact detail kept with these responses (the answers stay)."""
    cur.execute(
        "UPDATE responses SET contact_opt_in = FALSE, contact_name = NULL, contact_detail = NULL"
        " WHERE list_contains(?, id)",
        [list(response_ids)],
    )


# --- opted-in contacts -----------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    """One response that kept a name or contact detail, with where it was given."""

    response_id: int
    session_id: int
    session_title: str
    session_starts_at: datetime
    submitted_on: date
    contact_name: str | None
    contact_detail: str | None
    comments: int


def contacts_matching(cur: Cursor, query: str) -> list[ContactRow]:
    """Responses whose kept name or contact detail contains `query`, whatever the case."""
    pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern += "%"
    rows = cur.execute(
        """
        SELECT r.id, r.session_id, s.title, s.starts_at, r.submitted_on, r.contact_name,
               r.contact_detail,
               (SELECT count(*) FROM comments c WHERE c.response_id = r.id)
        FROM responses r JOIN sessions s ON s.id = r.session_id
        WHERE lower(r.contact_name) LIKE $p ESCAPE '\\'
           OR lower(r.contact_detail) LIKE $p ESCAPE '\\'
        ORDER BY r.submitted_on, r.id
        """,
        {"p": pattern},
    ).fetchall()
    return [ContactRow(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], int(r[7])) for r in rows]


def responses_by_ids(cur: Cursor, response_ids: Sequence[int]) -> list[ResponseRow]:
    rows = cur.execute(
        "SELECT id, session_id, submitted_on, "
        + ", ".join(RESPONSE_FIELDS)
        + " FROM responses WHERE list_contains(?, id) ORDER BY id",
        [list(response_ids)],
    ).fetchall()
    return [ResponseRow(*row) for row in rows]


@dataclass(frozen=True)
class HeldComment:
    """A comment as a subject-access export shows it: the text, what the analysis and any
    person made of it, and the lessons that quote it."""

    id: int
    response_id: int
    question: str
    text: str
    created_on: date
    sentiment: str | None
    themes: tuple[str, ...]
    lessons: tuple[tuple[int, str], ...]  # (id, title) of each lesson it is evidence for


def held_comments(cur: Cursor, response_ids: Sequence[int]) -> list[HeldComment]:
    rows = cur.execute(
        """
        SELECT c.id, c.response_id, c.question, c.text, c.created_on, l.label,
               COALESCE((SELECT string_agg(e.theme_id, chr(10) ORDER BY e.theme_id)
                         FROM comment_themes_effective e WHERE e.comment_id = c.id), ''),
               COALESCE((SELECT list([x.id::VARCHAR, x.title] ORDER BY x.id)
                         FROM lesson_evidence v JOIN lessons x ON x.id = v.lesson_id
                         WHERE v.comment_id = c.id), [])
        FROM comments c JOIN comment_labels_effective l ON l.comment_id = c.id
        WHERE list_contains(?, c.response_id)
        ORDER BY c.id
        """,
        [list(response_ids)],
    ).fetchall()
    return [
        HeldComment(
            int(r[0]),
            int(r[1]),
            r[2],
            r[3],
            r[4],
            r[5],
            split_lines(r[6]),
            tuple((int(lesson[0]), lesson[1]) for lesson in r[7]),
        )
        for r in rows
    ]


def session_titles(cur: Cursor, session_ids: Sequence[int]) -> dict[int, tuple[str, datetime]]:
    """Id → (title, start) of these sessions."""
    rows = cur.execute(
        "SELECT id, title, starts_at FROM sessions WHERE list_contains(?, id)",
        [list(session_ids)],
    ).fetchall()
    return {int(r[0]): (r[1], r[2]) for r in rows}


@dataclass(frozen=True)
class PrivacyRecord:
    """One row of the privacy record: a settings change, a purge, an erasure or an export."""

    changed_at: datetime
    actor: str  # as shown: a name typed before accounts existed says so
    subject: str  # settings, retention, contact or response
    action: str
    detail: str


def privacy_record(cur: Cursor, limit: int = 500) -> list[PrivacyRecord]:
    """The audit trail's privacy rows, newest first."""
    rows = cur.execute(
        f"SELECT changed_at, {shown_name('actor')}, entity_id, action, detail FROM audit_log"
        " WHERE entity = 'privacy' ORDER BY changed_at DESC, id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [PrivacyRecord(*row) for row in rows]
