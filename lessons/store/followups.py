"""The follow-up weeks after a session: its link and code, its answers and what they add up
to (issue 16). Its free-text answers are rows of `comments` (see migration 012)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lessons.store.database import Cursor, insert_rows


@dataclass(frozen=True)
class FollowupLink:
    session_id: int
    token: str
    code: str


def insert_followup_link(cur: Cursor, session_id: int, token: str, code: str) -> None:
    cur.execute(
        "INSERT INTO followup_links (session_id, token, code) VALUES (?, ?, ?)",
        [session_id, token, code],
    )


def followup_link(cur: Cursor, session_id: int) -> FollowupLink | None:
    rows = cur.execute(
        "SELECT session_id, token, code FROM followup_links WHERE session_id = ?", [session_id]
    ).fetchall()
    return FollowupLink(*rows[0]) if rows else None


def followup_session_id(cur: Cursor, token: str = "", code: str = "") -> int | None:
    """The session whose follow-up has this token (or, without one, this code)."""
    column, value = ("token", token) if token else ("code", code)
    # `column` is ours: token or code, each unique (an index lookup).
    rows = cur.execute(
        f"SELECT session_id FROM followup_links WHERE {column} = ?", [value]
    ).fetchall()
    return int(rows[0][0]) if rows else None


def followup_ids_for_keys(cur: Cursor, keys: Sequence[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = cur.execute(
        "SELECT idempotency_key, id FROM followup_responses"
        " WHERE idempotency_key IN (SELECT unnest(?::VARCHAR[]))",
        [list(keys)],
    ).fetchall()
    return {key: int(i) for key, i in rows}


@dataclass(frozen=True)
class NewFollowup:
    session_id: int
    idempotency_key: str
    submitted_on: date  # the day only, as for the day's responses
    frequency: str | None
    confidence_now: int | None
    language: str
    actions: tuple[str, ...]
    barriers: tuple[str, ...]


def insert_followups(cur: Cursor, answers: Sequence[NewFollowup]) -> dict[str, int]:
    """Store follow-up answers and what each ticked: idempotency key → new id."""
    rows = insert_rows(
        cur,
        "followup_responses",
        {
            "session_id": ("INTEGER", [a.session_id for a in answers]),
            "idempotency_key": ("VARCHAR", [a.idempotency_key for a in answers]),
            "submitted_on": ("DATE", [a.submitted_on for a in answers]),
            "frequency": ("VARCHAR", [a.frequency for a in answers]),
            "confidence_now": ("INTEGER", [a.confidence_now for a in answers]),
            "language": ("VARCHAR", [a.language for a in answers]),
        },
        returning="idempotency_key, id",
    )
    ids = {key: int(i) for key, i in rows}
    ticked = [
        (ids[a.idempotency_key], kind, choice)
        for a in answers
        for kind, choices in (("action", a.actions), ("barrier", a.barriers))
        for choice in choices
    ]
    insert_rows(
        cur,
        "followup_choices",
        {
            "followup_id": ("INTEGER", [t[0] for t in ticked]),
            "kind": ("VARCHAR", [t[1] for t in ticked]),
            "choice": ("VARCHAR", [t[2] for t in ticked]),
        },
    )
    return ids


@dataclass(frozen=True)
class FollowupSummary:
    """What a set of sessions' follow-ups add up to: answers, how many ticked each action
    and barrier, how many did something (any action but "nothing yet"), how often, and
    confidence now beside the day's confidence after."""

    responses: int
    did_something: int
    action_counts: dict[str, int]
    barrier_counts: dict[str, int]
    frequency_counts: dict[str, int]
    mean_confidence_now: float | None
    confidence_now_answers: int
    day_mean_confidence_after: float | None
    day_confidence_answers: int


def followup_summary(cur: Cursor, session_ids: Sequence[int]) -> FollowupSummary:
    ids = list(session_ids)
    head = cur.execute(
        """
        SELECT count(*),
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM followup_choices c WHERE c.followup_id = f.id
                   AND c.kind = 'action' AND c.choice <> 'nothing_yet')),
               avg(confidence_now), count(confidence_now)
        FROM followup_responses f WHERE list_contains(?, session_id)
        """,
        [ids],
    ).fetchall()[0]
    day = cur.execute(
        "SELECT avg(confidence_after), count(confidence_after) FROM responses"
        " WHERE list_contains(?, session_id)",
        [ids],
    ).fetchall()[0]
    ticked = cur.execute(
        "SELECT c.kind, c.choice, count(*) FROM followup_choices c"
        " JOIN followup_responses f ON f.id = c.followup_id"
        " WHERE list_contains(?, f.session_id) GROUP BY 1, 2",
        [ids],
    ).fetchall()
    often = cur.execute(
        "SELECT frequency, count(*) FROM followup_responses"
        " WHERE list_contains(?, session_id) AND frequency IS NOT NULL GROUP BY 1",
        [ids],
    ).fetchall()
    return FollowupSummary(
        responses=int(head[0]),
        did_something=int(head[1]),
        action_counts={r[1]: int(r[2]) for r in ticked if r[0] == "action"},
        barrier_counts={r[1]: int(r[2]) for r in ticked if r[0] == "barrier"},
        frequency_counts={r[0]: int(r[1]) for r in often},
        mean_confidence_now=head[2],
        confidence_now_answers=int(head[3]),
        day_mean_confidence_after=day[0],
        day_confidence_answers=int(day[1]),
    )


def followup_answers_with(
    cur: Cursor, session_ids: Sequence[int], kind: str, choices: Sequence[str]
) -> tuple[int, int]:
    """(follow-up answers that ticked any of `choices` of `kind`, all follow-up answers)."""
    row = cur.execute(
        """
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM followup_choices c WHERE c.followup_id = f.id
                   AND c.kind = ? AND list_contains(?, c.choice))),
               count(*)
        FROM followup_responses f WHERE list_contains(?, f.session_id)
        """,
        [kind, list(choices), list(session_ids)],
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def followup_count(cur: Cursor, session_id: int) -> int:
    rows = cur.execute(
        "SELECT count(*) FROM followup_responses WHERE session_id = ?", [session_id]
    ).fetchall()
    return int(rows[0][0])


def session_theme_ids(cur: Cursor, session_id: int) -> set[str]:
    """The themes a session was about: those of its day's comments and of the lessons
    applied in it."""
    rows = cur.execute(
        """
        SELECT e.theme_id FROM comment_themes_effective e
        JOIN comments c ON c.id = e.comment_id
        WHERE c.session_id = $id AND c.question IN ('went_well', 'to_change', 'help_next')
        UNION
        SELECT t.theme_id FROM lesson_themes t JOIN lessons l ON l.id = t.lesson_id
        WHERE l.applied_session_id = $id
        """,
        {"id": session_id},
    ).fetchall()
    return {r[0] for r in rows}


@dataclass(frozen=True)
class OptedInContact:
    session_id: int
    name: str
    detail: str


def opted_in_contacts(cur: Cursor, session_id: int) -> list[OptedInContact]:
    """The people who left a name or contact detail with the day's feedback and ticked to
    let the council keep it: nobody else."""
    rows = cur.execute(
        "SELECT session_id, COALESCE(contact_name, ''), COALESCE(contact_detail, '')"
        " FROM responses WHERE session_id = ? AND contact_opt_in"
        " AND (contact_name IS NOT NULL OR contact_detail IS NOT NULL) ORDER BY id",
        [session_id],
    ).fetchall()
    return [OptedInContact(int(r[0]), r[1], r[2]) for r in rows]


def next_session_in_programme(cur: Cursor, session_id: int) -> int | None:
    """The session after this one in the same programme (by start), if any."""
    rows = cur.execute(
        """
        SELECT n.id FROM sessions s JOIN sessions n
          ON n.programme = s.programme AND n.programme <> '' AND n.id <> s.id
         AND (n.starts_at, n.id) > (s.starts_at, s.id)
        WHERE s.id = ? ORDER BY n.starts_at, n.id LIMIT 1
        """,
        [session_id],
    ).fetchall()
    return int(rows[0][0]) if rows else None


def previous_session_in_programme(cur: Cursor, session_id: int) -> int | None:
    """The session before this one in the same programme (by start), if any."""
    rows = cur.execute(
        """
        SELECT p.id FROM sessions s JOIN sessions p
          ON p.programme = s.programme AND p.programme <> '' AND p.id <> s.id
         AND (p.starts_at, p.id) < (s.starts_at, s.id)
        WHERE s.id = ? ORDER BY p.starts_at DESC, p.id DESC LIMIT 1
        """,
        [session_id],
    ).fetchall()
    return int(rows[0][0]) if rows else None


def followups_before(cur: Cursor, day: date) -> list[int]:
    """The follow-up answers sent before `day` (for the retention purge)."""
    rows = cur.execute(
        "SELECT id FROM followup_responses WHERE submitted_on < ? ORDER BY id", [day]
    ).fetchall()
    return [int(r[0]) for r in rows]


def delete_followups(cur: Cursor, followup_ids: Sequence[int]) -> None:
    """Delete follow-up answers and what they ticked (their comments go with the
    comments' own deletion)."""
    ids = list(followup_ids)
    cur.execute("DELETE FROM followup_choices WHERE list_contains(?, followup_id)", [ids])
    cur.execute("DELETE FROM followup_responses WHERE list_contains(?, id)", [ids])
