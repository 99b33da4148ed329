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
