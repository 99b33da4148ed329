"""What needs attention now (the Home page): sessions awaiting a post-mortem, overdue
lesson actions, and upcoming sessions with or without a plan."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from lessons import store
from lessons.register import is_overdue


@dataclass(frozen=True)
class Attention:
    awaiting_post_mortem: list[store.SessionRow]
    overdue_actions: list[store.LessonRow]
    upcoming: list[store.SessionRow]
    planned_ids: Collection[int]

    @property
    def upcoming_without_plan(self) -> int:
        return sum(1 for s in self.upcoming if s.id not in self.planned_ids)


def needs_attention(
    sessions: Sequence[store.SessionRow],
    lessons: Sequence[store.LessonRow],
    planned_ids: Collection[int],
    now: datetime,
) -> Attention:
    """Each list oldest or soonest first: the order to work through it."""
    return Attention(
        awaiting_post_mortem=sorted(
            (s for s in sessions if s.status == "delivered"), key=lambda s: s.starts_at
        ),
        overdue_actions=sorted(
            (x for x in lessons if is_overdue(x, now.date())), key=lambda x: x.due_date or now
        ),
        upcoming=sorted(
            (s for s in sessions if s.status == "planned" and s.starts_at >= now),
            key=lambda s: s.starts_at,
        ),
        planned_ids=planned_ids,
    )


def what_needs_attention(database: store.Database, now: datetime) -> Attention:
    """The Home page's lists, read from the database."""
    with database.reading() as cur:
        return needs_attention(
            store.all_sessions(cur), store.all_lessons(cur), store.planned_session_ids(cur), now
        )


def record_visit(database: store.Database, account_id: int, now: datetime) -> store.Visit | None:
    """Record that the account's person is looking now; return their last visit (None the
    first time): what "new since your last visit" is counted from."""
    # Bookkeeping: opening Home must not make every cached read of the pages stale.
    with database.transaction(bookkeeping=True) as cur:
        previous = store.last_visit(cur, account_id)
        store.record_visit(cur, account_id, now)
    return previous


def new_feedback_since(database: store.Database, visit: store.Visit) -> list[tuple[int, str, int]]:
    """(session id, title, new responses) for sessions with feedback since `visit` (the
    responses sent after it, by id: they keep no time), the most recently answered first."""
    with database.reading() as cur:
        return store.responses_since(cur, visit.last_response_id)
