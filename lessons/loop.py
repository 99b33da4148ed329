"""Closing the loop: lessons applied in a session are embedded when it is delivered, and
its feedback is compared with the feedback that gave rise to the lesson.

"After" is the session the lesson was applied in. "Before" is the session the lesson came
from when the two are comparable (the same programme; for sessions outside any programme,
the same format), else the comparable sessions held before it: a lesson about risks is
not judged on a later session about something else. Each measure says which themes it is
tied to, and a lesson is judged only on the measures tied to its themes (`RULE`, applied by
`overall_verdict`, a pure function of the measures, so new kinds of measure can join). A
measure needs enough responses on each side to be judged at all (the anonymity rule,
MIN_GROUP_SIZE); a change counts when it is at least MIN_CHANGE (ten percentage points, or
0.3 on a 1-5 rating).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
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
    SESSION_FORMATS,
)
from lessons.clock import now_local
from lessons.register import EvidenceLink, move_lesson, move_lesson_in
from lessons.sessions import SessionDraft, update_session_in
from lessons.wording import plural

MIN_CHANGE = 0.10
MIN_RATING_CHANGE = 0.3

IMPROVED, NO_CHANGE, WORSE, TOO_FEW = "improved", "no change", "worse", "too few responses to tell"
NO_MEASURE = "nothing to measure: the lesson has no theme a measure is tied to"
NO_COMPARABLE = "no comparable earlier session to compare with"

RULE = (
    "Each measure tied to the lesson's themes is judged on its own: a change counts from"
    f" {MIN_CHANGE:.0%} points (or {MIN_RATING_CHANGE} on a 1-5 rating), and a side needs at"
    f" least {MIN_GROUP_SIZE} responses. The lesson **improved** when more of those measures"
    " improved than got worse, got **worse** when more got worse than improved, and otherwise"
    " shows **no change**. Measures with too few responses are left out of the count; with"
    " none left, there are too few responses to tell. Only comparable sessions are compared:"
    " the same programme (or, outside any programme, the same format)."
)


@dataclass(frozen=True)
class Measure:
    name: str
    before: tuple[float, int]  # (value, out of how many responses); value is a count or a mean
    after: tuple[float, int]
    is_mean: bool
    lower_is_better: bool
    verdict: str
    # The themes the measure is tied to; none: it measures the session as a whole, shown
    # for context and never counted in a lesson's verdict.
    themes: tuple[str, ...] = ()

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

    def counts_for(self, themes: Collection[str]) -> bool:
        """Whether this measure is tied to any of `themes` (a lesson's)."""
        return any(theme in themes for theme in self.themes)


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


@dataclass(frozen=True)
class Verdict:
    """The rule applied: the verdict, and the counts it came from."""

    verdict: str
    improved: int = 0
    unchanged: int = 0
    worse: int = 0
    left_out: int = 0  # measures with too few responses on a side

    @property
    def judged(self) -> int:
        return self.improved + self.unchanged + self.worse

    def explanation(self) -> str:
        """The rule applied, in one line: '2 of 3 measures improved, none worse → improved'."""
        if self.verdict == NO_MEASURE:
            return "No measure is tied to the lesson's themes → nothing to measure."
        left_out = f"; {self.left_out} left out (too few responses)" if self.left_out else ""
        if not self.judged:
            return f"No measure has enough responses on both sides{left_out} → {self.verdict}."
        noun = "measure" if self.judged == 1 else "measures"
        return (
            f"{self.improved} of {self.judged} {noun} improved, {self.worse or 'none'} worse"
            f"{left_out} → {self.verdict}."
        )


def overall_verdict(measures: Sequence[Measure], themes: Collection[str]) -> Verdict:
    """`RULE`: judge a lesson on the measures tied to its `themes`. Improved when more of
    them improved than got worse; worse the other way round; else no change. Measures with
    too few responses are left out; with none left, too few to tell."""
    counted = [m.verdict for m in measures if m.counts_for(themes)]
    if not counted:
        return Verdict(NO_MEASURE)
    improved, worse = counted.count(IMPROVED), counted.count(WORSE)
    unchanged, left_out = counted.count(NO_CHANGE), counted.count(TOO_FEW)
    if improved + worse + unchanged == 0:
        verdict = TOO_FEW
    elif improved > worse:
        verdict = IMPROVED
    elif worse > improved:
        verdict = WORSE
    else:
        verdict = NO_CHANGE
    return Verdict(verdict, improved, unchanged, worse, left_out)


def comparable_basis(after: store.SessionRow, other: store.SessionRow) -> str | None:
    """Why `other` can be compared with `after` ('the same programme, …'), or None: the
    same programme; for sessions outside any programme, the same format."""
    if after.programme.strip() or other.programme.strip():
        if after.programme.strip().casefold() == other.programme.strip().casefold():
            return f"the same programme, {after.programme.strip()}"
        return None
    if after.format == other.format:
        return f"the same format, {SESSION_FORMATS.get(after.format, after.format).lower()}"
    return None


@dataclass(frozen=True)
class BeforeSessions:
    """The sessions a lesson's "after" session is compared with, and why."""

    sessions: tuple[store.SessionRow, ...]
    basis: str  # why they are comparable, or why there are none
    note: str = ""  # e.g. why the lesson's own session was not used


def comparable_before(
    after: store.SessionRow,
    sessions: Sequence[store.SessionRow],
    source_session_id: int | None,
) -> BeforeSessions:
    """The "before" side: the lesson's own session when it is comparable with `after`;
    else every comparable session held before `after`."""
    by_id = {s.id: s for s in sessions}
    source = by_id.get(source_session_id) if source_session_id is not None else None
    if source is not None and source.id != after.id:
        basis = comparable_basis(after, source)
        if basis is not None:
            return BeforeSessions((source,), basis)
    held = [
        s
        for s in sessions
        if s.id != after.id
        and s.status != "planned"
        and s.starts_at < after.starts_at
        and comparable_basis(after, s) is not None
    ]
    note = (
        f"The lesson's own session, {source.title}, is not comparable with {after.title}"
        " (another programme or format), so comparable earlier sessions stand in for it."
        if source is not None and source.id != after.id
        else ""
    )
    if not held:
        return BeforeSessions((), NO_COMPARABLE, note)
    return BeforeSessions(tuple(held), comparable_basis(after, held[0]) or "", note)


@dataclass(frozen=True)
class Comparison:
    lesson_id: int
    before_label: str
    after_label: str
    measures: tuple[Measure, ...]
    judged: Verdict
    themes: tuple[str, ...] = ()  # the lesson's: the measures tied to them are counted
    before_sessions: tuple[str, ...] = ()  # the sessions compared, each named with its date
    basis: str = ""  # why they are comparable
    note: str = ""

    @property
    def verdict(self) -> str:
        return self.judged.verdict

    def counts(self, measure: Measure) -> bool:
        """Whether `measure` counts in the verdict (else it is shown for context)."""
        return measure.counts_for(self.themes)

    def summary(self) -> str:
        """The comparison as the text saved as a validated lesson's evidence."""
        lines = [
            f"Before ({self.before_label}) and after ({self.after_label}): {self.verdict}.",
            f"Rule applied: {self.judged.explanation()}",
        ]
        if self.before_sessions:
            lines.append(
                f"Compared ({self.basis}): {'; '.join(self.before_sessions)} → {self.after_label}."
            )
        lines += [m.describe() for m in self.measures]
        return "\n".join(lines)


# Themes a form answer measures directly: (measure, question, the answer that is a complaint).
ANSWER_MEASURES = {
    "pace": ("Said the session was too long", "length", "too_long"),
    "hands_on": ("Wanted more hands-on practice", "balance", "more_how"),
    "relevance": ("Wanted more of the why", "balance", "more_why"),
}


def _share_measure(
    name: str, before: tuple[int, int], after: tuple[int, int], theme_id: str
) -> Measure:
    return Measure(
        name, before, after, False, True, share_verdict(before, after, True), (theme_id,)
    )


def _answer_share(cur: store.Cursor, ids: list[int], field: str, value: str) -> tuple[int, int]:
    summary = store.feedback_summary(cur, ids)
    counts = summary.balance_counts if field == "balance" else summary.length_counts
    return counts.get(value, 0), summary.responses


def session_name(session: store.SessionRow) -> str:
    return f"{session.title} ({session.starts_at:%-d %b %Y})"


def theme_measures(
    cur: store.Cursor,
    before_ids: list[int],
    after_ids: list[int],
    themes: Sequence[str],
    theme_names: Mapping[str, str],
) -> list[Measure]:
    """The measures each theme brings (critical comments on it; the form's own answer for
    the themes it asks about), then the mean rating for context (tied to no theme)."""
    measures: list[Measure] = []
    for theme_id in themes:
        name = theme_names.get(theme_id, theme_id)
        measures.append(
            _share_measure(
                f"Responses with a critical '{name}' comment",
                store.responses_with_negative_theme(cur, before_ids, theme_id),
                store.responses_with_negative_theme(cur, after_ids, theme_id),
                theme_id,
            )
        )
        if theme_id in ANSWER_MEASURES:
            label, question, answer = ANSWER_MEASURES[theme_id]
            measures.append(
                _share_measure(
                    label,
                    _answer_share(cur, before_ids, question, answer),
                    _answer_share(cur, after_ids, question, answer),
                    theme_id,
                )
            )
    measures += followup_measures(cur, before_ids, after_ids, themes, theme_names)
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
    return measures


def compare_lesson(
    cur: store.Cursor, lesson: store.LessonRow, theme_names: Mapping[str, str]
) -> Comparison | None:
    """Before/after measures for a lesson applied in a session, between comparable sessions
    only, judged by `RULE`; None if not applied yet."""
    if lesson.applied_session_id is None:
        return None
    after_session = store.session_by_id(cur, lesson.applied_session_id)
    if after_session is None:
        return None
    before = comparable_before(after_session, store.all_sessions(cur), lesson.source_session_id)
    themes = tuple(lesson.themes)
    if not before.sessions:
        return Comparison(
            lesson.id, NO_COMPARABLE, session_name(after_session), (), Verdict(NO_COMPARABLE),
            themes, (), before.basis, before.note,
        )  # fmt: skip
    before_ids = [s.id for s in before.sessions]
    before_label = (
        session_name(before.sessions[0])
        if len(before.sessions) == 1
        else f"{len(before.sessions)} earlier comparable sessions"
    )
    measures = theme_measures(cur, before_ids, [after_session.id], themes, theme_names)
    return Comparison(
        lesson.id,
        before_label,
        session_name(after_session),
        tuple(measures),
        overall_verdict(measures, themes),
        themes,
        tuple(session_name(s) for s in before.sessions),
        before.basis,
        before.note,
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


def lesson_comparison(
    database: store.Database, lesson_id: int, theme_names: Mapping[str, str]
) -> Comparison | None:
    """The before/after comparison of one lesson (None until it is applied in a session)."""
    with database.reading() as cur:
        lesson = store.lesson_by_id(cur, lesson_id)
        return compare_lesson(cur, lesson, theme_names) if lesson is not None else None


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
    themes: Sequence[str],
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

    def higher_is_better(
        name: str, before: tuple[int, int], after: tuple[int, int], tied: tuple[str, ...]
    ) -> Measure:
        verdict = share_verdict(before, after, False)
        return Measure(name, before, after, False, False, verdict, tied)

    # Doing anything at all counts for the lesson's themes that a follow-up action is tied to.
    acted_on = tuple(
        t for t in themes if any(t in tied for tied in FOLLOWUP_ACTION_THEMES.values())
    )
    measures = [
        higher_is_better(
            f"{FOLLOWUP}: went on to do something (not 'nothing yet')",
            _did_something(cur, before_ids),
            _did_something(cur, after_ids),
            acted_on,
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
                    (theme_id,),
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
                    theme_id,
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
            f"Follow-up evidence, {plural(self.weeks, 'week')} after '{self.session_title}':"
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
