"""Feedback summaries for one or more sessions, and plans for the next one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lessons.auth import Actor
from lessons.choices import DAY_QUESTIONS
from lessons.store.analysis import AnalysedComment, CommentFilter, analysed_comments
from lessons.store.database import Cursor, insert_rows, shown_name

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
    # The spread of each person's change in confidence (after - before), for the readings.
    sd_confidence_change: float | None = None


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
                   FILTER (WHERE confidence_before IS NOT NULL AND confidence_after IS NOT NULL),
               stddev_samp(confidence_after - confidence_before)
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
        " AND list_contains(?, c.question) GROUP BY l.label",
        [ids, list(DAY_QUESTIONS)],
    ).fetchall()
    comment_total = cur.execute(
        "SELECT count(*) FROM comments WHERE list_contains(?, session_id)"
        " AND list_contains(?, question)",
        [ids, list(DAY_QUESTIONS)],
    ).fetchall()[0][0]
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
        themes=theme_summaries(cur, ids, DAY_QUESTIONS, quote_chars),
        sd_confidence_change=head[7],
    )


def theme_summaries(
    cur: Cursor, session_ids: Sequence[int], questions: Sequence[str], quote_chars: int = 220
) -> tuple[ThemeSummary, ...]:
    """The themes of the sessions' comments answering `questions` (the day's, or the
    follow-up's), the most talked-about first, each with a quote each way."""
    rows = cur.execute(
        """
        WITH tagged AS (
            SELECT e.theme_id, c.id, c.text, COALESCE(e.label, l.label) AS label,
                   COALESCE(a.score, 0) AS score
            FROM comment_themes_effective e
            JOIN comments c ON c.id = e.comment_id
            JOIN comment_labels_effective l ON l.comment_id = c.id
            LEFT JOIN comment_analysis a ON a.comment_id = c.id
            WHERE list_contains(?, c.session_id) AND list_contains(?, c.question)
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
        [list(session_ids), list(questions), quote_chars],
    ).fetchall()
    return tuple(ThemeSummary(r[0], int(r[1]), int(r[2]), int(r[3]), r[4], r[5]) for r in rows)


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
        f"SELECT id, session_id, notes, {shown_name('created_by')}, created_at, updated_at"
        " FROM plans WHERE session_id = ?",
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
            f"SELECT id, lesson_id, position, text, done, done_at, {shown_name('done_by')}"
            " FROM plan_checklist WHERE plan_id = ? ORDER BY position, id",
            [plan_id],
        ).fetchall()
    )
    r = rows[0]
    return PlanRow(plan_id, r[1], r[2], r[3], r[4], r[5], lesson_ids, items)


def insert_plan(cur: Cursor, session_id: int, notes: str, created_by: Actor, now: datetime) -> int:
    rows = cur.execute(
        "INSERT INTO plans (session_id, notes, created_by, created_by_account_id, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [session_id, notes, created_by.name, created_by.account_id, now, now],
    ).fetchall()
    return int(rows[0][0])


def update_plan_notes(cur: Cursor, plan_id: int, notes: str, now: datetime) -> None:
    cur.execute("UPDATE plans SET notes = ?, updated_at = ? WHERE id = ?", [notes, now, plan_id])


def set_plan_lessons(
    cur: Cursor, plan_id: int, lesson_ids: Sequence[int], new: bool = False
) -> None:
    """The lessons a plan chose (`new`: a plan just inserted, with none to replace)."""
    if not new:
        cur.execute("DELETE FROM plan_lessons WHERE plan_id = ?", [plan_id])
    if lesson_ids:
        chosen = sorted(set(lesson_ids))
        insert_rows(
            cur,
            "plan_lessons",
            {"plan_id": ("INTEGER", [plan_id] * len(chosen)), "lesson_id": ("INTEGER", chosen)},
        )


def delete_checklist_items(cur: Cursor, item_ids: Sequence[int]) -> None:
    if item_ids:
        cur.execute("DELETE FROM plan_checklist WHERE list_contains(?, id)", [list(item_ids)])


def insert_checklist_items(
    cur: Cursor, plan_id: int, items: Sequence[tuple[int | None, int, str]]
) -> list[int]:
    """Add (lesson id or None, position, text) items to a plan's checklist; their ids."""
    rows = insert_rows(
        cur,
        "plan_checklist",
        {
            "plan_id": ("INTEGER", [plan_id] * len(items)),
            "lesson_id": ("INTEGER", [lesson_id for lesson_id, _, _ in items]),
            "position": ("INTEGER", [position for _, position, _ in items]),
            "text": ("VARCHAR", [text for _, _, text in items]),
        },
        returning="position, id",
    )
    ids = dict(rows)
    return [int(ids[position]) for _, position, _ in items]


def insert_checklist_item(
    cur: Cursor, plan_id: int, lesson_id: int | None, position: int, text: str
) -> int:
    [item_id] = insert_checklist_items(cur, plan_id, [(lesson_id, position, text)])
    return item_id


def set_checklist_done(
    cur: Cursor, item_id: int, done: bool, done_by: Actor, now: datetime
) -> None:
    cur.execute(
        "UPDATE plan_checklist SET done = ?, done_at = ?, done_by = ?, done_by_account_id = ?,"
        " done_by_typed = FALSE WHERE id = ?",
        [
            done,
            now if done else None,
            done_by.name if done else "",
            done_by.account_id if done else None,
            item_id,
        ],
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


def lessons_planned_for(cur: Cursor, session_id: int) -> list[tuple[int, str]]:
    """(id, status) of each lesson the session's plan chose."""
    rows = cur.execute(
        "SELECT l.id, l.status FROM plan_lessons pl JOIN plans p ON p.id = pl.plan_id"
        " JOIN lessons l ON l.id = pl.lesson_id WHERE p.session_id = ? ORDER BY l.id",
        [session_id],
    ).fetchall()
    return [(int(r[0]), r[1]) for r in rows]


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
        WHERE list_contains(?, c.session_id) AND list_contains(?, c.question)
        """,
        [list(session_ids), theme_id, list(session_ids), list(DAY_QUESTIONS)],
    ).fetchall()
    return int(rows[0][0] or 0), int(rows[0][1])


def responses_since(cur: Cursor, last_response_id: int) -> list[tuple[int, str, int]]:
    """(session id, title, new responses) for sessions with responses newer than
    `last_response_id`, the most recently answered first."""
    rows = cur.execute(
        "SELECT s.id, s.title, count(*) FROM responses r JOIN sessions s ON s.id = r.session_id"
        " WHERE r.id > ? GROUP BY s.id, s.title ORDER BY max(r.id) DESC",
        [last_response_id],
    ).fetchall()
    return [(int(r[0]), r[1], int(r[2])) for r in rows]
