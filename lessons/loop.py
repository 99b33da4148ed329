"""Closing the loop: lessons applied in a session are embedded when it is delivered, and
its feedback is compared with the feedback that gave rise to the lesson.

"Before" is the session the lesson came from (or, for a lesson not traced to a
session, comparable earlier sessions); "after" is the session it was applied in.
Each of the lesson's themes brings its own measures. A verdict needs enough
responses on each side to be shown at all (the anonymity rule, MIN_GROUP_SIZE);
a change counts when it is at least MIN_CHANGE (ten percentage points, or 0.3
on a 1-5 rating).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lessons import store
from lessons.anonymity import enough
from lessons.auth import UNATTRIBUTED, Actor
from lessons.choices import (
    FOLLOWUP_ACTION_THEMES,
    FOLLOWUP_ACTIONS,
    FOLLOWUP_BARRIER_THEMES,
    FOLLOWUP_BARRIERS,
    MIN_GROUP_SIZE,
    NOTHING_YET,
)
from lessons.clock import now_local
from lessons.register import EvidenceLink, move_lesson, move_lesson_in
from lessons.sessions import SessionDraft, update_session_in

MIN_CHANGE = 0.10
MIN_RATING_CHANGE = 0.3

IMPROVED, NO_CHANGE, WORSE, TOO_FEW = "improved", "no change", "worse", "too few responses to tell"


@dataclass(frozen=True)
class Measure:
    name: str
    before: tuple[float, int]  # (value, out of how many responses); value is a count or a mean
    after: tuple[float, int]
    is_mean: bool
    lower_is_better: bool
    verdict: str

    def side(self, which: str) -> str:
        """One side in words: '3 of 15 (20%)', or '4.1 (from 15)' for a mean; a side with
        too few responses to show says so instead."""
        value, n = self.before if which == "before" else self.after
        if not n:
            return "no responses"
        if not enough(n):
            return f"fewer than {MIN_GROUP_SIZE} responses"
        if self.is_mean:
            return f"{value:.1f} (from {n})"
        return f"{int(value)} of {n} ({value / n:.0%})"

    def describe(self) -> str:
        return (
            f"{self.name}: {self.side('before')} before → {self.side('after')} after:"
            f" {self.verdict}."
        )


def share_verdict(before: tuple[int, int], after: tuple[int, int], lower_is_better: bool) -> str:
    """Compare two shares (count, total); changes under MIN_CHANGE are no change."""
    (b_count, b_total), (a_count, a_total) = before, after
    if not (enough(b_total) and enough(a_total)):
        return TOO_FEW
    change = a_count / a_total - b_count / b_total
    if abs(change) < MIN_CHANGE:
        return NO_CHANGE
    better = change < 0 if lower_is_better else change > 0
    return IMPROVED if better else WORSE


def mean_verdict(before: tuple[float, int], after: tuple[float, int]) -> str:
    """Compare two means (higher is better) of n responses each."""
    (b_mean, b_n), (a_mean, a_n) = before, after
    if not (enough(b_n) and enough(a_n)):
        return TOO_FEW
    change = a_mean - b_mean
    if abs(change) < MIN_RATING_CHANGE:
        return NO_CHANGE
    return IMPROVED if change > 0 else WORSE


def overall_verdict(verdicts: list[str]) -> str:
    """One verdict from the measures: too few if any side is too small; improved when
    something improved and nothing got worse; worse the other way round; else no change."""
    if not verdicts or TOO_FEW in verdicts:
        return TOO_FEW
    if IMPROVED in verdicts and WORSE not in verdicts:
        return IMPROVED
    if WORSE in verdicts and IMPROVED not in verdicts:
        return WORSE
    return NO_CHANGE


@dataclass(frozen=True)
class Comparison:
    lesson_id: int
    before_label: str
    after_label: str
    measures: tuple[Measure, ...]
    verdict: str

    def summary(self) -> str:
        """The comparison as the text saved as a validated lesson's evidence."""
        lines = [f"Before ({self.before_label}) and after ({self.after_label}): {self.verdict}."]
        lines += [m.describe() for m in self.measures]
        return "\n".join(lines)


# Themes a form answer measures directly: (measure, question, the answer that is a complaint).
ANSWER_MEASURES = {
    "pace": ("Said the session was too long", "length", "too_long"),
    "hands_on": ("Wanted more hands-on practice", "balance", "more_how"),
    "relevance": ("Wanted more of the why", "balance", "more_why"),
}


def _share_measure(name: str, before: tuple[int, int], after: tuple[int, int]) -> Measure:
    return Measure(name, before, after, False, True, share_verdict(before, after, True))


def _answer_share(cur: store.Cursor, ids: list[int], field: str, value: str) -> tuple[int, int]:
    summary = store.feedback_summary(cur, ids)
    counts = summary.balance_counts if field == "balance" else summary.length_counts
    return counts.get(value, 0), summary.responses


def compare_lesson(
    cur: store.Cursor, lesson: store.LessonRow, theme_names: Mapping[str, str]
) -> Comparison | None:
    """Before/after measures for a lesson applied in a session; None if not applied yet."""
    if lesson.applied_session_id is None:
        return None
    after_session = store.session_by_id(cur, lesson.applied_session_id)
    if after_session is None:
        return None
    before_ids: list[int]
    if lesson.source_session_id is not None:
        before_ids = [lesson.source_session_id]
        source = store.session_by_id(cur, lesson.source_session_id)
        before_label = source.title if source else "the original session"
    else:
        before_ids = [
            s.id
            for s in store.all_sessions(cur)
            if s.status != "planned"
            and s.starts_at < after_session.starts_at
            and s.programme == after_session.programme
        ]
        before_label = f"{len(before_ids)} earlier sessions of the programme"
    after_ids = [after_session.id]
    measures: list[Measure] = []
    for theme_id in lesson.themes:
        name = theme_names.get(theme_id, theme_id)
        measures.append(
            _share_measure(
                f"Responses with a critical '{name}' comment",
                store.responses_with_negative_theme(cur, before_ids, theme_id),
                store.responses_with_negative_theme(cur, after_ids, theme_id),
            )
        )
        if theme_id in ANSWER_MEASURES:
            label, question, answer = ANSWER_MEASURES[theme_id]
            measures.append(
                _share_measure(
                    label,
                    _answer_share(cur, before_ids, question, answer),
                    _answer_share(cur, after_ids, question, answer),
                )
            )
    measures += followup_measures(cur, before_ids, after_ids, lesson.themes, theme_names)
    before = store.feedback_summary(cur, before_ids)
    after = store.feedback_summary(cur, after_ids)
    rating_before = (before.mean_rating or 0.0, before.responses)
    rating_after = (after.mean_rating or 0.0, after.responses)
    measures.append(
        Measure(
            "Mean overall rating (1-5)",
            rating_before,
            rating_after,
            True,
            False,
            mean_verdict(rating_before, rating_after),
        )
    )
    return Comparison(
        lesson.id,
        before_label,
        after_session.title,
        tuple(measures),
        overall_verdict([m.verdict for m in measures]),
    )


def applied_lessons(
    cur: store.Cursor, session_id: int, theme_names: Mapping[str, str]
) -> list[tuple[store.LessonRow, Comparison | None]]:
    """Each lesson applied in the session, with its before/after comparison."""
    return [
        (lesson, compare_lesson(cur, lesson, theme_names))
        for lesson in store.lessons_applied_in(cur, session_id)
    ]


def embed_applied_lessons(
    cur: store.Cursor, session_id: int, actor: Actor, now: datetime
) -> list[int]:
    """When a session is delivered, the actioned lessons its plan applied become embedded,
    each through the register's one lifecycle door."""
    moved = []
    for lesson_id, status in store.lessons_planned_for(cur, session_id):
        if status != "actioned":
            continue
        move_lesson_in(
            cur,
            lesson_id,
            "embedded",
            actor,
            now,
            applied_session_id=session_id,
            occasion="marked delivered",
        )
        moved.append(lesson_id)
    return moved


def update_session_and_embed_in(
    cur: store.Cursor,
    session_id: int,
    draft: SessionDraft,
    actor: Actor,
    now: datetime,
    confirmed_early: bool = False,
) -> list[int]:
    """Save edits to a session inside the caller's transaction. Marking a planned session
    delivered embeds the lessons its plan applied; returns the ids of the lessons so moved.
    Marking it delivered before its date needs `confirmed_early`."""
    before = update_session_in(cur, session_id, draft, actor, now, confirmed_early)
    if before.status == "planned" and draft.status == "delivered":
        return embed_applied_lessons(cur, session_id, actor, now)
    return []


def update_session_and_embed(
    database: store.Database,
    session_id: int,
    draft: SessionDraft,
    actor: Actor = UNATTRIBUTED,
    now: datetime | None = None,
    confirmed_early: bool = False,
) -> list[int]:
    """Save edits to a session (the Sessions page's door); see update_session_and_embed_in."""
    with database.transaction() as cur:
        return update_session_and_embed_in(
            cur, session_id, draft, actor, now or now_local(), confirmed_early
        )


def validate_with_comparison(
    database: store.Database,
    lesson_id: int,
    comparison: Comparison,
    actor: Actor,
    now: datetime | None = None,
) -> None:
    """Mark a lesson validated, with its before/after comparison as the evidence."""
    _validate_with(database, lesson_id, comparison.summary(), actor, now)


def _validate_with(
    database: store.Database, lesson_id: int, text: str, actor: Actor, now: datetime | None
) -> None:
    move_lesson(
        database,
        lesson_id,
        "validated",
        actor,
        effectiveness_evidence=text,
        also_link=EvidenceLink(note=text),
        now=now,
    )


# --- follow-up evidence: what people went on to do (issue 16) ------------------------------

FOLLOWUP = "Follow-up"  # how a measure from the follow-ups names itself: stated as such


def _did_something(
    cur: store.Cursor, ids: list[int], themes: tuple[str, ...] = ()
) -> tuple[int, int]:
    actions = [
        code
        for code in FOLLOWUP_ACTIONS
        if code != NOTHING_YET
        and (not themes or set(themes) & set(FOLLOWUP_ACTION_THEMES.get(code, ())))
    ]
    return store.followup_answers_with(cur, ids, "action", actions)


def followup_measures(
    cur: store.Cursor,
    before_ids: list[int],
    after_ids: list[int],
    themes: tuple[str, ...] | list[str],
    theme_names: Mapping[str, str],
) -> list[Measure]:
    """Measures of behaviour from the follow-ups weeks after the sessions before and after,
    each named as follow-up evidence: who did something since (vs "nothing yet"), who did
    something tied to each of the lesson's themes, and who said a barrier tied to it got in
    the way. Only when both sides have enough follow-up answers to show: otherwise none,
    and the verdict rests on the day's feedback alone."""
    before_n = store.followup_answers_with(cur, before_ids, "action", [])[1]
    after_n = store.followup_answers_with(cur, after_ids, "action", [])[1]
    if not (enough(before_n) and enough(after_n)):
        return []

    def higher_is_better(name: str, before: tuple[int, int], after: tuple[int, int]) -> Measure:
        return Measure(name, before, after, False, False, share_verdict(before, after, False))

    measures = [
        higher_is_better(
            f"{FOLLOWUP}: went on to do something (not 'nothing yet')",
            _did_something(cur, before_ids),
            _did_something(cur, after_ids),
        )
    ]
    for theme_id in themes:
        name = theme_names.get(theme_id, theme_id)
        if any(theme_id in tied for tied in FOLLOWUP_ACTION_THEMES.values()):
            measures.append(
                higher_is_better(
                    f"{FOLLOWUP}: did something on '{name}'",
                    _did_something(cur, before_ids, (theme_id,)),
                    _did_something(cur, after_ids, (theme_id,)),
                )
            )
        barriers = [code for code, tied in FOLLOWUP_BARRIER_THEMES.items() if tied == theme_id]
        if barriers:
            label = " / ".join(FOLLOWUP_BARRIERS[code] for code in barriers)
            measures.append(
                _share_measure(
                    f"{FOLLOWUP}: said '{label}' got in the way",
                    store.followup_answers_with(cur, before_ids, "barrier", barriers),
                    store.followup_answers_with(cur, after_ids, "barrier", barriers),
                )
            )
    return measures


@dataclass(frozen=True)
class FollowupEvidence:
    """What the follow-up to the session a lesson was applied in shows, for that lesson's
    themes: enough to validate it on behaviour, stated as follow-up evidence."""

    lesson_id: int
    session_title: str
    weeks: int
    responses: int
    did_something: int
    on_themes: tuple[tuple[str, int], ...]  # (theme name, answers that did something on it)

    def summary(self) -> str:
        """The text saved as a validated lesson's evidence."""
        n = self.responses
        lines = [
            f"Follow-up evidence, {self.weeks} weeks after '{self.session_title}':"
            f" {self.did_something} of {n} ({self.did_something / n:.0%}) went on to do"
            " something (rather than 'nothing yet')."
        ]
        lines += [
            f"{count} of {n} ({count / n:.0%}) did something on '{name}'."
            for name, count in self.on_themes
        ]
        return "\n".join(lines)


def followup_evidence(
    cur: store.Cursor, lesson: store.LessonRow, theme_names: Mapping[str, str]
) -> FollowupEvidence | None:
    """The follow-up evidence for a lesson applied in a session, when that session's
    follow-up has enough answers to show (None otherwise)."""
    if lesson.applied_session_id is None:
        return None
    session = store.session_by_id(cur, lesson.applied_session_id)
    ids = [lesson.applied_session_id]
    did, n = _did_something(cur, ids)
    if session is None or not enough(n):
        return None
    on_themes = tuple(
        (theme_names.get(t, t), _did_something(cur, ids, (t,))[0])
        for t in lesson.themes
        if any(t in tied for tied in FOLLOWUP_ACTION_THEMES.values())
    )
    return FollowupEvidence(lesson.id, session.title, session.followup_weeks, n, did, on_themes)


def validate_with_followup(
    database: store.Database,
    lesson_id: int,
    evidence: FollowupEvidence,
    actor: Actor,
    now: datetime | None = None,
) -> None:
    """Mark a lesson validated by what people went on to do, with the follow-up's figures
    as the evidence."""
    _validate_with(database, lesson_id, evidence.summary(), actor, now)
