"""The follow-up weeks after a session: did it stick? (issue 16, Kirkpatrick level 3).

Each session has a follow-up that opens a set number of weeks after it (FOLLOWUP_WEEKS_DEFAULT
unless the session says otherwise) with its own link, code and QR code. Attendees say what
they have done since (choices fitted to the session's themes), how often, what got in the
way, how confident they feel now and what help they want next. Anonymous, like the day's
form: nothing about the browser is stored, and no name is asked for.

The two free-text answers are stored as comments of the session (questions `fu_barriers`,
`fu_help_next`) and analysed like every other comment, so they reach the Comments page,
corrections, "what people asked for" and can be promoted to a lesson. No email is sent:
the link reaches people on the next session's poster, a printable slip and a mail-merge
CSV of the attendees who opted in to be contacted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import pandas as pd

from lessons import export, share, store, tagging
from lessons.anonymity import enough, hidden_groups_note
from lessons.auth import UNATTRIBUTED, Actor
from lessons.choices import (
    FOLLOWUP_ACTION_THEMES,
    FOLLOWUP_ACTIONS,
    FOLLOWUP_BARRIER_THEMES,
    FOLLOWUP_BARRIERS,
    FOLLOWUP_FREQUENCY,
    FOLLOWUP_GENERAL_ACTIONS,
    FOLLOWUP_OPEN_WEEKS,
    FOLLOWUP_QUESTIONS,
    LANGUAGES,
    MAX_FEEDBACK_ANSWER_CHARS,
    MIN_GROUP_SIZE,
    NOTHING_IN_THE_WAY,
    NOTHING_YET,
)
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.feedback import (
    MAX_IDEMPOTENCY_KEY_CHARS,
    FeedbackWindow,
    SessionUnavailable,
    analyse_texts,
    check_taking_feedback,
    validate_scale,
)
from lessons.sessions import CODE_LENGTH, normalise_code
from lessons.typed_text import clean_dataclass
from lessons.wording import plural


@dataclass
class FollowupAnswer:
    """One attendee's follow-up, as the form collected it."""

    actions: tuple[str, ...] = ()
    frequency: str | None = None
    barriers: tuple[str, ...] = ()
    fu_barriers: str = ""  # what else got in the way, in their words
    confidence_now: int | None = None
    fu_help_next: str = ""
    language: str = "en"


# --- when it is open ---------------------------------------------------------------------


def followup_window(session: store.SessionRow) -> FeedbackWindow:
    """From the start of the day `followup_weeks` after the session, for FOLLOWUP_OPEN_WEEKS."""
    opens_at = datetime.combine(
        session.starts_at.date() + timedelta(weeks=session.followup_weeks), time()
    )
    return FeedbackWindow(opens_at, opens_at + timedelta(weeks=FOLLOWUP_OPEN_WEEKS))


def check_followup_open(session: store.SessionRow, now: datetime) -> None:
    """SessionUnavailable ('not_yet' or 'closed') unless the follow-up takes answers now."""
    state = followup_window(session).state(now)
    if state == "not_yet":
        raise SessionUnavailable(
            f"The follow-up to '{session.title}' has not opened yet.", "not_yet", session
        )
    if state == "closed":
        raise SessionUnavailable(
            f"The follow-up to '{session.title}' has closed.", "closed", session
        )


def session_for_followup(
    database: store.Database, token: str = "", code: str = "", now: datetime | None = None
) -> store.SessionRow:
    """The session a follow-up link (`?s=token`) or typed code leads to, if its follow-up
    is open now; otherwise SessionUnavailable ('unknown', 'not_yet' or 'closed')."""
    typed = normalise_code(code)
    with database.reading() as cur:
        if token:
            session_id = store.followup_session_id(cur, token=token.strip()[:100])
        elif len(typed) == CODE_LENGTH:
            session_id = store.followup_session_id(cur, code=typed)
        else:
            session_id = None
        session = store.session_by_id(cur, session_id) if session_id is not None else None
    if session is None:
        raise SessionUnavailable("This follow-up link or code is not recognised.")
    check_followup_open(session, now or now_local())
    return session


# --- a code typed on the other form's page ---------------------------------------------------
# The day's code and the follow-up's are both six characters, and never the same: a person
# who types one where the other goes is taken to the form it belongs to.


def is_followup_code(database: store.Database, code: str) -> bool:
    """Whether this code, as typed (say, on the day's form), is a follow-up's."""
    typed = normalise_code(code)
    if len(typed) != CODE_LENGTH:
        return False
    with database.reading() as cur:
        return store.followup_session_id(cur, code=typed) is not None


def day_code_session(database: store.Database, code: str) -> store.SessionRow | None:
    """The session whose day's code this is, as typed (say, on the follow-up's form)."""
    typed = normalise_code(code)
    if len(typed) != CODE_LENGTH:
        return None
    with database.reading() as cur:
        return store.session_by_code(cur, typed)


def day_form_closed(session: store.SessionRow, now: datetime) -> bool:
    """Whether the session's day form has stopped taking feedback (rather than taking it, or
    opening soon)."""
    try:
        check_taking_feedback(session, now)
    except SessionUnavailable as refused:
        return refused.reason == "closed"
    return False


# --- what is offered, checked and stored ---------------------------------------------------


def actions_offered(theme_ids: Iterable[str]) -> list[str]:
    """The "what have you done since" choices for a session about these themes: the general
    ones, those tied to any of its themes, and "nothing yet" last. A session with no
    themes known yet offers them all."""
    themes = set(theme_ids)
    if not themes:
        return list(FOLLOWUP_ACTIONS)
    return [
        code
        for code in FOLLOWUP_ACTIONS
        if code == NOTHING_YET
        or code in FOLLOWUP_GENERAL_ACTIONS
        or themes & set(FOLLOWUP_ACTION_THEMES.get(code, ()))
    ]


def offered_for(database: store.Database, session_id: int) -> list[str]:
    with database.reading() as cur:
        return actions_offered(store.session_theme_ids(cur, session_id))


def validate_followup(answer: FollowupAnswer) -> dict[str, str]:
    """Every problem with the answers, by field, in words that say what to fix."""
    errors: dict[str, str] = {}
    if not answer.actions:
        errors["actions"] = "Tick what you have done since the session, or 'Nothing yet'."
    elif any(a not in FOLLOWUP_ACTIONS for a in answer.actions):
        errors["actions"] = "Choose from the listed things you may have done."
    elif NOTHING_YET in answer.actions and len(answer.actions) > 1:
        errors["actions"] = "You ticked 'Nothing yet' and something done: untick one."
    if answer.frequency is not None and answer.frequency not in FOLLOWUP_FREQUENCY:
        errors["frequency"] = "Choose one of the listed answers about how often."
    if any(b not in FOLLOWUP_BARRIERS for b in answer.barriers):
        errors["barriers"] = "Choose from the listed things that got in the way."
    elif NOTHING_IN_THE_WAY in answer.barriers and len(answer.barriers) > 1:
        errors["barriers"] = "You ticked 'Nothing got in the way' and a problem: untick one."
    validate_scale(errors, "confidence_now", answer.confidence_now, "your confidence now")
    for question in FOLLOWUP_QUESTIONS:
        text = getattr(answer, question)
        if len(text) > MAX_FEEDBACK_ANSWER_CHARS:
            errors[question] = (
                f"This answer is {len(text):,} characters; please shorten it to"
                f" {MAX_FEEDBACK_ANSWER_CHARS:,} or fewer."
            )
    if answer.language not in LANGUAGES:
        errors["language"] = "Choose English or Welsh."
    return errors


def checked_followup(answer: FollowupAnswer, key: str) -> FollowupAnswer:
    """The answers as they are kept, once they pass every check; else ValidationError."""
    kept = clean_dataclass(answer, tuple(FOLLOWUP_QUESTIONS))
    kept = replace(
        kept,
        actions=tuple(dict.fromkeys(kept.actions)),
        barriers=tuple(dict.fromkeys(kept.barriers)),
    )
    errors = validate_followup(kept)
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_CHARS:
        errors["form"] = "This form has expired: reload the page and submit again."
    if errors:
        raise ValidationError(errors)
    return kept


@dataclass(frozen=True)
class FollowupSubmission:
    """One follow-up answer as it arrives (checked), with its comments' analyses."""

    session_id: int
    answer: FollowupAnswer
    idempotency_key: str
    day: date  # only the day is kept
    analyses: Mapping[str, tagging.Analysis]


def record_followups_in(
    cur: store.Cursor, submissions: Sequence[FollowupSubmission], analysed_at: datetime
) -> dict[str, int]:
    """Store checked follow-up answers, their ticks and their analysed comments inside the
    caller's transaction, in a few statements: idempotency key → follow-up id. A key already
    stored finds its answer and stores nothing more."""
    keys = [s.idempotency_key for s in submissions]
    existing = store.followup_ids_for_keys(cur, keys)
    fresh = list(
        {s.idempotency_key: s for s in submissions if s.idempotency_key not in existing}.values()
    )
    ids = (
        store.insert_followups(
            cur,
            [
                store.NewFollowup(
                    s.session_id,
                    s.idempotency_key,
                    s.day,
                    s.answer.frequency,
                    s.answer.confidence_now,
                    s.answer.language,
                    s.answer.actions,
                    s.answer.barriers,
                )
                for s in fresh
            ],
        )
        if fresh
        else {}
    )
    comments = [
        store.NewComment(ids[s.idempotency_key], s.session_id, q, text, s.day, s.answer.language)
        for s in fresh
        for q in FOLLOWUP_QUESTIONS
        if (text := getattr(s.answer, q).strip())
    ]
    comment_ids = store.insert_comments(cur, comments) if comments else {}
    tagging.store_analyses(
        cur,
        [
            (comment_ids[(ids[s.idempotency_key], q)], analysis)
            for s in fresh
            for q, analysis in s.analyses.items()
        ],
        analysed_at,
    )
    return {**existing, **ids}


def submit_followup(
    database: store.Database,
    session_id: int,
    answer: FollowupAnswer,
    idempotency_key: str,
    now: datetime | None = None,
    within_window: bool = True,
) -> int:
    """Store one follow-up and its analysed comments in one transaction; return its id. The
    one-time key makes a double tap or a resubmitted form store one answer. With
    `within_window` (the attendees' form), the follow-up must be open at `now`."""
    moment = now or now_local()
    kept = checked_followup(answer, idempotency_key)
    texts = {question: getattr(kept, question) for question in FOLLOWUP_QUESTIONS}
    analyses = analyse_texts(database, kept.language, texts)
    with database.transaction() as cur:
        existing = store.followup_ids_for_keys(cur, [idempotency_key])
        if idempotency_key in existing:
            return existing[idempotency_key]
        session = store.session_by_id(cur, session_id)
        if session is None:
            raise SessionUnavailable("That session no longer exists.")
        if within_window:
            check_followup_open(session, moment)
        day = moment.date()
        submission = FollowupSubmission(session_id, kept, idempotency_key, day, analyses)
        # Analysed as it arrived: the moment would say when it was sent, so only the day.
        ids = record_followups_in(cur, [submission], datetime.combine(day, time()))
    return ids[idempotency_key]


# --- what the follow-up shows, as the anonymity rule allows ----------------------------------


@dataclass(frozen=True)
class Tally:
    code: str
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class FollowupFigures:
    """The follow-up beside the day's feedback. With fewer than MIN_GROUP_SIZE answers
    (`hidden`), only the count: nothing is broken down."""

    responses: int
    hidden: bool
    did_something: int
    actions: list[Tally]
    barriers: list[Tally]
    frequency: list[Tally]
    confidence_then: float | None  # the day's "confidence now", from its answers
    confidence_now: float | None
    themes: tuple[store.ThemeSummary, ...] = field(default=())  # of the follow-up's comments

    @property
    def did_share(self) -> float:
        return self.did_something / self.responses if self.responses else 0.0

    @property
    def confidence_change(self) -> float | None:
        """Confidence now less confidence at the end of the day (None without both)."""
        if self.confidence_now is None or self.confidence_then is None:
            return None
        return self.confidence_now - self.confidence_then

    def headline(self) -> str:
        if not self.responses:
            return "No follow-up answers yet."
        if self.hidden:
            return (
                f"{self.responses} follow-up answer{'s' if self.responses != 1 else ''}: figures"
                f" appear from {MIN_GROUP_SIZE}, so that no one's answers can be picked out."
            )
        return (
            f"{self.did_something} of {self.responses} ({self.did_share:.0%}) went on to use it:"
            " they did at least one of the things listed since the session."
        )


def _tallies(counts: Mapping[str, int], labels: Mapping[str, str], total: int) -> list[Tally]:
    return [
        Tally(code, label, counts.get(code, 0), counts.get(code, 0) / total if total else 0.0)
        for code, label in labels.items()
        if counts.get(code, 0)
    ]


def followup_figures(cur: store.Cursor, session_ids: Sequence[int]) -> FollowupFigures:
    summary = store.followup_summary(cur, session_ids)
    n = summary.responses
    if not enough(n):
        return FollowupFigures(n, True, 0, [], [], [], None, None)
    then = summary.day_mean_confidence_after if enough(summary.day_confidence_answers) else None
    now = summary.mean_confidence_now if enough(summary.confidence_now_answers) else None
    return FollowupFigures(
        n,
        False,
        summary.did_something,
        _tallies(summary.action_counts, FOLLOWUP_ACTIONS, n),
        _tallies(summary.barrier_counts, FOLLOWUP_BARRIERS, n),
        _tallies(summary.frequency_counts, FOLLOWUP_FREQUENCY, n),
        then,
        now,
        store.theme_summaries(cur, session_ids, tuple(FOLLOWUP_QUESTIONS)),
    )


def followup_for_session(database: store.Database, session_id: int) -> FollowupFigures:
    with database.reading() as cur:
        return followup_figures(cur, [session_id])


def barrier_evidence(session: store.SessionRow, figures: FollowupFigures, code: str) -> str:
    """The note a lesson keeps when a barrier from the follow-up is promoted to it."""
    tally = next((t for t in figures.barriers if t.code == code), None)
    if tally is None or figures.hidden:
        raise ValidationError({"barrier": "That barrier has no figures to promote."})
    theme = FOLLOWUP_BARRIER_THEMES.get(code)
    return (
        f"Follow-up to '{session.title}' ({plural(session.followup_weeks, 'week')} on):"
        f" {tally.count} of"
        f" {figures.responses} ({tally.share:.0%}) said '{tally.label}' got in the way"
        + (f" (theme: {theme})." if theme else ".")
    )


# --- trends: "went on to use it" -----------------------------------------------------------


@dataclass(frozen=True)
class WentOn:
    """ "Went on to use it" by programme and by month of the session, each group shown only
    from MIN_GROUP_SIZE follow-up answers; `hidden` counts the groups left out."""

    by_programme: pd.DataFrame  # programme, responses, did_something, share
    by_month: pd.DataFrame  # month, responses, did_something, share
    hidden_programmes: int
    hidden_months: int

    @property
    def hidden(self) -> int:
        return self.hidden_programmes + self.hidden_months

    def note(self) -> str:
        return hidden_groups_note(self.hidden) if self.hidden else ""


def _grouped(frame: pd.DataFrame, by: str) -> tuple[pd.DataFrame, int]:
    columns = [by, "responses", "did_something", "share"]
    if frame.empty:
        return pd.DataFrame(columns=columns), 0
    grouped = frame.groupby(by, as_index=False)[["responses", "did_something"]].sum()
    shown = grouped[grouped["responses"] >= MIN_GROUP_SIZE].copy()
    shown["share"] = shown["did_something"] / shown["responses"]
    return shown[columns].reset_index(drop=True), len(grouped) - len(shown)


def went_on(cur: store.Cursor, where: store.TrendFilter) -> WentOn:
    frame = store.trend_followups(cur, where)
    if not frame.empty:
        frame["programme"] = frame["programme"].replace("", "(no programme)")
    by_programme, hidden_p = _grouped(frame, "programme")
    by_month, hidden_m = _grouped(frame, "month")
    return WentOn(by_programme, by_month, hidden_p, hidden_m)


# --- reaching people without email -------------------------------------------------------


@dataclass(frozen=True)
class FollowupShare:
    """A session's follow-up as it is handed out: link, code, QR target, when it opens."""

    session: store.SessionRow
    link: str
    code: str
    opens_at: datetime
    closes_at: datetime

    def on_paper(self, language: str | None = None) -> share.FollowupOnPaper:
        """As a poster's foot or a slip carries it, in `language` (the session's own)."""
        return share.FollowupOnPaper(
            self.session.title,
            self.session.starts_at,
            self.link,
            self.code,
            self.opens_at,
            language or self.session.language,
        )


def followup_share(
    database: store.Database, session_id: int, base_url: str | None = None
) -> FollowupShare | None:
    with database.reading() as cur:
        session = store.session_by_id(cur, session_id)
        found = store.followup_link(cur, session_id)
    if session is None or found is None:
        return None
    window = followup_window(session)
    assert window.opens_at is not None
    return FollowupShare(
        session,
        share.followup_link(found.token, base_url),
        found.code,
        window.opens_at,
        window.closes_at,
    )


def previous_followup(
    database: store.Database, session_id: int, base_url: str | None = None
) -> FollowupShare | None:
    """The follow-up to the session before this one in its programme, for this session's
    poster ("before we start: how did last time go?")."""
    with database.reading() as cur:
        previous = store.previous_session_in_programme(cur, session_id)
    return None if previous is None else followup_share(database, previous, base_url)


def last_time_on_poster(
    database: store.Database, session: store.SessionRow, base_url: str | None = None
) -> share.FollowupOnPaper | None:
    """What the foot of this session's poster carries: the previous session's follow-up in
    the programme, in this session's language (None when there is none)."""
    previous = previous_followup(database, session.id, base_url)
    return None if previous is None else previous.on_paper(session.language)


MAIL_MERGE_COLUMNS = ["name", "email", "link"]


def mail_merge_csv(
    database: store.Database,
    session_id: int,
    base_url: str | None = None,
    actor: Actor = UNATTRIBUTED,
    now: datetime | None = None,
) -> bytes:
    """The attendees who ticked to let the council keep their contact details with the
    day's feedback, with the follow-up link, for the council's own mail merge (name,
    email, link): formula-safe, nobody else, and no email sent by the app. Recorded in the
    audit trail against `actor` (how many, never who), as every export of contacts is."""
    shared = followup_share(database, session_id, base_url)
    if shared is None:
        raise ValidationError({"session": "That session no longer exists."})
    with database.transaction() as cur:
        contacts = store.opted_in_contacts(cur, session_id)
        store.append_audit(
            cur,
            actor,
            "session",
            session_id,
            "exported",
            f"Follow-up mail-merge file: {len(contacts)} opted-in contact(s)",
            now or now_local(),
        )
    rows = [{"name": c.name, "email": c.detail, "link": shared.link} for c in contacts]
    return export.rows_to_csv(rows, MAIL_MERGE_COLUMNS)
