"""The one anonymity rule, applied: which figures may be shown.

A figure built on fewer than MIN_GROUP_SIZE responses (or comments) is not
shown or exported, and no smaller group is broken down, so that no one's
answers can be picked out. The domain decides here, once; pages, reports and
exports show what it decided (`hidden` flags and counts of hidden groups).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lessons import store
from lessons.choices import MIN_GROUP_SIZE
from lessons.wording import plural

if TYPE_CHECKING:
    import pandas as pd


def enough(count: int | None) -> bool:
    """May a figure built on `count` responses (or comments) be shown?"""
    return count is not None and count >= MIN_GROUP_SIZE


def hidden_groups_note(hidden: int) -> str:
    """What a reader is told about the groups left out."""
    groups = "group" if hidden == 1 else "groups"
    return (
        f"{hidden} {groups} with fewer than {MIN_GROUP_SIZE} responses not shown,"
        " so that no one's answers can be picked out."
    )


@dataclass(frozen=True)
class SummaryShown:
    """A feedback summary with what the rule allows of it: `figures` (any figure or
    breakdown at all), the confidence comparison and the mix of councillor types."""

    summary: store.FeedbackSummary
    figures: bool
    confidence: bool
    types: bool

    @property
    def hidden_groups(self) -> int:
        """Breakdowns left out although the responses as a whole could be shown."""
        return (not self.confidence) + (not self.types) if self.figures else 0


def summary_shown(summary: store.FeedbackSummary) -> SummaryShown:
    figures = enough(summary.responses)
    return SummaryShown(
        summary,
        figures=figures,
        confidence=figures and enough(summary.confidence_pairs),
        types=figures and enough(sum(summary.type_counts.values())),
    )


@dataclass(frozen=True)
class LeftOut:
    """The sessions (and their responses) an export leaves out for being too small."""

    sessions: int
    responses: int

    def note(self) -> str:
        if not self.sessions:
            return ""
        return (
            f"{plural(self.responses, 'response')} from {plural(self.sessions, 'session')}"
            f" with fewer than {MIN_GROUP_SIZE} responses"
            f" {'is' if self.responses == 1 else 'are'} left out, so that no one's answers can"
            " be picked out."
        )


def responses_export(
    cur: store.Cursor, where: store.TrendFilter, include_contact: bool = False
) -> tuple[pd.DataFrame, LeftOut]:
    """The responses export as the rule allows it: one row per response, only from
    sessions with at least MIN_GROUP_SIZE responses; and what was left out."""
    frame = store.export_responses(cur, where, MIN_GROUP_SIZE, include_contact)
    return frame, LeftOut(*store.export_small_groups(cur, where, MIN_GROUP_SIZE))
