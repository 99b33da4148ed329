"""The post-mortem of one session: which sessions wait for one, what the feedback shows
(as the anonymity rule allows), the lessons applied in it with their verdicts, and
turning a comment or a reflection answer into a lesson."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go

from lessons import charts, followup, loop, store
from lessons.anonymity import SummaryShown, summary_shown
from lessons.choices import (
    BALANCE_CHOICES,
    COUNCILLOR_TYPE_SHORT,
    FOLLOWUP_BARRIER_THEMES,
    LENGTH_CHOICES,
    MIN_GROUP_SIZE,
    POLARITIES,
)
from lessons.register import EvidenceLink, LessonDraft

TOP_THEMES = 5


def sessions_for_post_mortem(sessions: Sequence[store.SessionRow]) -> list[store.SessionRow]:
    """Sessions that took place: those awaiting their post-mortem (delivered, not yet
    reviewed) first, then the rest; the newest first within each."""
    held = [s for s in sessions if s.status != "planned"]
    return sorted(held, key=lambda s: (s.status != "delivered", -s.starts_at.timestamp()))


def awaiting_post_mortem(session: store.SessionRow) -> bool:
    return session.status == "delivered"


@dataclass(frozen=True)
class Panel:
    """One chart with its numbers, or, when the rule hides it, only a note saying why."""

    key: str
    figure: go.Figure | None
    frame: pd.DataFrame | None
    note: str = ""


@dataclass(frozen=True)
class FeedbackFigures:
    """What the post-mortem shows of a session's feedback. With too few responses
    (`hidden`), only the count: no figure, chart or quote."""

    shown: SummaryShown
    responses: int
    expected: int | None
    response_rate: float | None
    hidden: bool
    hidden_message: str
    mean_rating: float | None
    uplift: float | None
    uplift_help: str
    panels: list[Panel]  # shown two to a row, in this order
    themes: Panel | None  # the themes chart, full width
    top_themes: list[store.ThemeSummary]  # the most talked-about, with a quote each way


def feedback_figures(
    summary: store.FeedbackSummary, theme_names: Mapping[str, str]
) -> FeedbackFigures:
    shown = summary_shown(summary)
    responses = summary.responses
    rate = responses / summary.expected if summary.expected else None
    hidden_message = (
        f"Only {responses} response{'s' if responses != 1 else ''}: figures and breakdowns"
        f" appear from {MIN_GROUP_SIZE} responses, so that no one's answers can be picked out."
        " The comments are still listed under 'Comments'."
    )
    if not shown.figures:
        return FeedbackFigures(
            shown, responses, summary.expected, rate, True, hidden_message, None, None, "", [],
            None, [],
        )  # fmt: skip
    uplift = uplift_help = None
    panels = [
        _bar("postmortem_rating", charts.rating_frame(summary.rating_counts), "Overall rating")
    ]
    if shown.confidence:
        uplift = (summary.mean_confidence_after or 0) - (summary.mean_confidence_before or 0)
        gained = f"{summary.share_gained_confidence or 0:.0%}"
        uplift_help = f"{gained} of {summary.confidence_pairs} felt more confident"
        frame = charts.confidence_frame(
            summary.mean_confidence_before, summary.mean_confidence_after, summary.confidence_pairs
        )
        panels.append(
            Panel(
                "postmortem_confidence",
                charts.confidence_chart(frame),
                frame,
                f"{gained} of the {summary.confidence_pairs} who answered both felt more"
                " confident afterwards.",
            )
        )
    else:
        panels.append(
            Panel(
                "postmortem_confidence",
                None,
                None,
                "Too few answered both confidence questions to compare.",
            )
        )
    balance = charts.counts_frame(summary.balance_counts, BALANCE_CHOICES)
    panels.append(_bar("postmortem_balance", balance, "Balance of why and how", horizontal=True))
    length = charts.counts_frame(summary.length_counts, LENGTH_CHOICES)
    panels.append(_bar("postmortem_length", length, "Length", horizontal=True))
    if shown.types:
        types = charts.counts_frame(summary.type_counts, COUNCILLOR_TYPE_SHORT, "Councillor type")
        panels.append(_bar("postmortem_types", types, "Who came (self-described)", True))
    else:
        panels.append(
            Panel(
                "postmortem_types",
                None,
                None,
                "Too few described themselves to show the mix of councillor types.",
            )
        )
    sentiment = charts.sentiment_frame(summary.sentiment_counts)
    panels.append(Panel("postmortem_sentiment", charts.sentiment_chart(sentiment), sentiment))
    themes = None
    if summary.themes:
        frame = charts.themes_frame(
            (theme_names.get(t.theme_id, t.theme_id), t.comments, t.positive, t.negative)
            for t in summary.themes
        )
        themes = Panel("postmortem_themes", charts.themes_chart(frame), frame)
    top = list(summary.themes[:TOP_THEMES])
    return FeedbackFigures(
        shown, responses, summary.expected, rate, False, hidden_message, summary.mean_rating,
        uplift, uplift_help or "", panels, themes, top,
    )  # fmt: skip


def _bar(key: str, frame: pd.DataFrame, title: str, horizontal: bool = False) -> Panel:
    return Panel(key, charts.bar_chart(frame, title, horizontal=horizontal), frame)


@dataclass(frozen=True)
class PostMortem:
    """Everything the post-mortem page shows of one session."""

    figures: FeedbackFigures
    reflections: list[store.ReflectionRow]
    comments: list[store.AnalysedComment]
    lessons_per_comment: dict[int, int]  # how many lessons each comment is evidence for
    applied: list[tuple[store.LessonRow, loop.Comparison | None]]
    # What people asked for, as its own list: only where the figures are shown (from
    # MIN_GROUP_SIZE responses), like every other breakdown.
    asks: list[store.AskRow]
    # The follow-up weeks later, beside the day's feedback (issue 16), and the lessons
    # applied here that its answers can validate.
    followup: followup.FollowupFigures | None = None
    followup_panels: tuple[Panel, ...] = ()
    followup_evidence: tuple[loop.FollowupEvidence, ...] = ()


def tally_frame(tallies: Sequence[followup.Tally], column: str) -> pd.DataFrame:
    """Ticked answers with their count and share of the follow-up's answers (several may be
    ticked, so the shares add up to more than 100%)."""
    return pd.DataFrame(
        [(t.label, t.count, round(t.share, 3)) for t in tallies],
        columns=[column, "Responses", "Share"],
    )


def followup_panels(figures: followup.FollowupFigures) -> tuple[Panel, ...]:
    """The follow-up's charts, each with its numbers; none under the anonymity rule."""
    if figures.hidden:
        return ()
    panels = [
        ("postmortem_followup_actions", figures.actions, "What they did", "Done since"),
        ("postmortem_followup_barriers", figures.barriers, "What got in the way", "Barrier"),
        ("postmortem_followup_frequency", figures.frequency, "How often, now", "How often"),
    ]
    return tuple(
        _bar(key, tally_frame(tallies, column), title, horizontal=True)
        for key, tallies, title, column in panels
        if tallies
    )


def post_mortem(
    database: store.Database, session_id: int, theme_names: Mapping[str, str]
) -> PostMortem:
    with database.reading() as cur:
        summary = store.feedback_summary(cur, [session_id])
        comments = store.comments_for_session(cur, session_id)
        figures = feedback_figures(summary, theme_names)
        weeks_on = followup.followup_figures(cur, [session_id])
        applied = loop.applied_lessons(cur, session_id, theme_names)
        evidence = [loop.followup_evidence(cur, lesson, theme_names) for lesson, _ in applied]
        return PostMortem(
            figures=figures,
            reflections=store.reflections_for_session(cur, session_id),
            comments=comments,
            lessons_per_comment=store.lesson_counts_by_comment(cur, [c.id for c in comments]),
            applied=applied,
            asks=[] if figures.hidden else store.asks_in_sessions(cur, [session_id]),
            followup=weeks_on,
            followup_panels=followup_panels(weeks_on),
            followup_evidence=tuple(e for e in evidence if e is not None),
        )


def polarity_for(label: str | None, prompt: str = "") -> str:
    """The polarity a promoted item suggests: a reflection's "what to sustain" or a positive
    comment is something to keep doing; anything else is something to do differently."""
    if prompt in POLARITIES:
        return prompt
    return "sustain" if label == "positive" else "improve"


@dataclass(frozen=True)
class Promotion:
    """A comment or a reflection answer on its way to becoming a lesson."""

    kind: str  # "comment", "reflection" or "barrier" (from the follow-up's figures)
    item_id: int
    text: str
    label: str | None = None  # its sentiment, which suggests the polarity
    themes: tuple[str, ...] = ()  # its themes, which the lesson carries
    prompt: str = ""  # a reflection answer's prompt ("sustain", "improve", …)

    @property
    def polarity(self) -> str:
        return polarity_for(self.label, self.prompt)

    def draft(self, session_id: int) -> LessonDraft:
        """The lesson, filled in from what is promoted: a comment says what happened; a
        reflection answer is the facilitator's lesson; both bring their themes."""
        return LessonDraft(
            title="",
            what_happened=self.text if self.kind in ("comment", "barrier") else "",
            lesson=self.text if self.kind == "reflection" else "",
            polarity=self.polarity,
            themes=list(self.themes),
            source_session_id=session_id,
        )

    def quick_draft(
        self, session_id: int, title: str, sentence: str, polarity: str, themes: Sequence[str]
    ) -> LessonDraft:
        """Quick capture: a title and one sentence (the lesson), the polarity and themes as
        confirmed; the rest of the register's fields are filled in later."""
        return replace(
            self.draft(session_id),
            title=title,
            lesson=sentence,
            polarity=polarity,
            themes=list(themes),
        )

    def evidence(self) -> EvidenceLink:
        if self.kind == "comment":
            return EvidenceLink(comment_id=self.item_id)
        if self.kind == "barrier":
            return EvidenceLink(note=self.text)
        return EvidenceLink(reflection_answer_id=self.item_id)


def barrier_promotion(
    session: store.SessionRow, figures: followup.FollowupFigures, code: str
) -> Promotion:
    """A barrier from the follow-up on its way to a lesson, its figures as the evidence."""
    theme = FOLLOWUP_BARRIER_THEMES.get(code)
    text = followup.barrier_evidence(session, figures, code)
    return Promotion("barrier", 0, text, themes=(theme,) if theme else ())
