"""Planning the next session from the register and the data behind it.

A plan chooses lessons that apply to the session; each chosen lesson's
recommendation becomes a checklist item ticked off on the day. The data
behind the plan comes from comparable past sessions, with its numbers and
sources, and says so when there is too little to go on rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from lessons import store
from lessons.anonymity import enough
from lessons.auth import Actor
from lessons.choices import (
    BALANCE_CHOICES,
    COUNCILLOR_TYPE_SHORT,
    MIN_GROUP_SIZE,
    POLARITIES,
    SESSION_FORMATS,
    STATUSES,
)
from lessons.clock import now_local
from lessons.document import (
    Block,
    Bullets,
    Heading,
    Paragraph,
    Span,
    html_page,
    inline,
    ours,
    to_html,
    to_markdown,
    typed,
)
from lessons.errors import ValidationError
from lessons.typed_text import clean
from lessons.wording import HIGHER, SAME, compare_shares, plural

APPLICABLE_STATUSES = ("actioned", "embedded", "validated")
MIN_BALANCE_ANSWERS = 10
MIN_SESSIONS = 2
MAX_CHECKLIST_ITEMS = 60
MAX_ITEM_CHARS = 300
MAX_NOTES_CHARS = 4000


# --- which lessons apply ----------------------------------------------------------------------


def lesson_applies(
    lesson: store.LessonRow, session: store.SessionRow, sessions: Mapping[int, store.SessionRow]
) -> bool:
    """Does a lesson in the register apply to this session?

    Organisation-wide lessons apply everywhere; programme lessons to sessions of
    the same programme; session lessons to sessions of the same council and
    format. A lesson not traced to a session applies everywhere its scope allows.
    """
    if lesson.status not in APPLICABLE_STATUSES or lesson.source_session_id == session.id:
        return False
    source = sessions.get(lesson.source_session_id) if lesson.source_session_id else None
    if lesson.scope == "organisation" or source is None:
        return True
    if lesson.scope == "programme":
        return source.programme == session.programme
    return source.council == session.council and source.format == session.format


def applicable_lessons(
    session: store.SessionRow,
    lessons: Sequence[store.LessonRow],
    sessions: Mapping[int, store.SessionRow],
) -> list[store.LessonRow]:
    """Lessons that apply, improve before sustain, then by priority."""
    order = {"high": 0, "medium": 1, "low": 2}
    chosen = [x for x in lessons if lesson_applies(x, session, sessions)]
    return sorted(chosen, key=lambda x: (x.polarity != "improve", order[x.priority], x.id))


def checklist_text(lesson: store.LessonRow) -> str:
    """What to do on the day: the recommendation, else the action, else the title."""
    return " ".join((lesson.recommendation or lesson.action or lesson.title).split())[
        :MAX_ITEM_CHARS
    ]


def upcoming_sessions(sessions: Sequence[store.SessionRow]) -> list[store.SessionRow]:
    """The sessions still to be delivered, soonest first: the ones a plan is for."""
    return sorted((s for s in sessions if s.status == "planned"), key=lambda s: s.starts_at)


@dataclass(frozen=True)
class PlanView:
    """Everything the Plan page shows for one planned session."""

    plan: store.PlanRow | None
    evidence: PlanEvidence
    applicable: list[store.LessonRow]
    lessons: dict[int, store.LessonRow]  # the whole register, by id


def plan_view(
    database: store.Database, session: store.SessionRow, sessions: Sequence[store.SessionRow]
) -> PlanView:
    by_id = {s.id: s for s in sessions}
    with database.reading() as cur:
        register = store.all_lessons(cur)
        plan = store.plan_for_session(cur, session.id)
        evidence = plan_evidence(cur, session, sessions)
    return PlanView(
        plan, evidence, applicable_lessons(session, register, by_id), {x.id: x for x in register}
    )


# --- saving the plan and ticking the checklist --------------------------------------------------


def save_plan_in(
    cur: store.Cursor,
    session_id: int,
    lesson_ids: Sequence[int],
    notes: str,
    actor: Actor,
    now: datetime,
) -> int:
    """Create or update the plan for a planned session inside the caller's transaction;
    return its id.

    The checklist follows the chosen lessons: items of lessons no longer chosen
    go, new lessons add items, and items already ticked or typed by hand stay.
    """
    notes = clean(notes, "notes")
    errors: dict[str, str] = {}
    if not actor.name.strip():
        errors["actor"] = "Say who you are: your name is recorded against the plan."
    if len(notes) > MAX_NOTES_CHARS:
        errors["notes"] = f"Shorten the notes to {MAX_NOTES_CHARS:,} characters or fewer."
    session = store.session_title_and_status(cur, session_id)
    if session is None:
        errors["session"] = "That session no longer exists."
    elif session[1] != "planned":
        errors["session"] = "Only a planned session can be planned: this one has been delivered."
    lessons = {x.id: x for x in store.lessons_by_ids(cur, lesson_ids)}
    unknown = [i for i in lesson_ids if i not in lessons]
    if unknown:
        errors["lessons"] = f"Lesson #{unknown[0]} no longer exists."
    if errors:
        raise ValidationError(errors)
    plan = store.plan_for_session(cur, session_id)
    if plan is None:
        plan_id = store.insert_plan(cur, session_id, notes.strip(), actor, now)
        items: tuple[store.ChecklistItem, ...] = ()
        store.append_audit(cur, actor, "session", session_id, "planned", "Plan created", now)
    else:
        plan_id = plan.id
        items = plan.checklist
        store.update_plan_notes(cur, plan_id, notes.strip(), now)
    store.set_plan_lessons(cur, plan_id, lesson_ids, new=plan is None)
    wanted = set(lesson_ids)
    stale = [i.id for i in items if i.lesson_id is not None and i.lesson_id not in wanted]
    store.delete_checklist_items(cur, stale)
    have = {i.lesson_id for i in items if i.lesson_id is not None}
    last = max((i.position for i in items), default=0)
    added = [lesson_id for lesson_id in lesson_ids if lesson_id not in have]
    store.insert_checklist_items(
        cur,
        plan_id,
        [
            (lesson_id, last + n, checklist_text(lessons[lesson_id]))
            for n, lesson_id in enumerate(added, start=1)
        ],
    )
    chosen = ", ".join(f"#{i}" for i in sorted(wanted)) or "none"
    store.append_audit(cur, actor, "session", session_id, "plan", f"Lessons chosen: {chosen}", now)
    return plan_id


def save_plan(
    database: store.Database,
    session_id: int,
    lesson_ids: Sequence[int],
    notes: str,
    actor: Actor,
    now: datetime | None = None,
) -> int:
    """Create or update the plan for a planned session; return its id."""
    with database.transaction() as cur:
        return save_plan_in(cur, session_id, lesson_ids, notes, actor, now or now_local())


def add_checklist_item(database: store.Database, session_id: int, text: str, actor: Actor) -> None:
    """A checklist item typed by hand (not from a lesson)."""
    cleaned = " ".join(clean(text, "item").split())
    if not cleaned:
        raise ValidationError({"item": "Type what needs doing."})
    if len(cleaned) > MAX_ITEM_CHARS:
        raise ValidationError({"item": f"Keep an item under {MAX_ITEM_CHARS} characters."})
    with database.transaction() as cur:
        plan = store.plan_for_session(cur, session_id)
        if plan is None:
            raise ValidationError({"item": "Save the plan first."})
        if len(plan.checklist) >= MAX_CHECKLIST_ITEMS:
            raise ValidationError(
                {"item": f"A checklist holds at most {MAX_CHECKLIST_ITEMS} items."}
            )
        position = max((i.position for i in plan.checklist), default=0) + 1
        store.insert_checklist_item(cur, plan.id, None, position, cleaned)


def tick_in(cur: store.Cursor, item_id: int, done: bool, actor: Actor, now: datetime) -> None:
    """Tick (or untick) a checklist item inside the caller's transaction."""
    if store.checklist_item(cur, item_id) is None:
        raise ValidationError({"item": "That checklist item no longer exists."})
    store.set_checklist_done(cur, item_id, done, actor, now)


def tick(
    database: store.Database, item_id: int, done: bool, actor: Actor, now: datetime | None = None
) -> None:
    with database.transaction() as cur:
        tick_in(cur, item_id, done, actor, now or now_local())


# --- the data behind the plan -------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceSuggestion:
    enough: bool
    message: str
    answers: int
    sessions: tuple[str, ...]
    counts: dict[str, int]
    past_share: float | None
    suggested_share: float | None
    context_minutes: int | None
    hands_on_minutes: int | None


@dataclass(frozen=True)
class TypeMix:
    enough: bool
    message: str
    answers: int
    sessions: tuple[str, ...]
    shares: dict[str, float]


@dataclass(frozen=True)
class Complaint:
    theme_id: str
    negative: int
    comments: int
    example: str | None


@dataclass(frozen=True)
class PlanEvidence:
    balance: BalanceSuggestion
    mix: TypeMix
    complaints: tuple[Complaint, ...]
    complaint_sessions: tuple[str, ...]
    complaint_message: str
    asks: tuple[store.AskRow, ...] = ()  # what people asked for in comparable sessions
    ask_message: str = ""


def comparable_sessions(
    session: store.SessionRow, sessions: Sequence[store.SessionRow], same: str
) -> list[store.SessionRow]:
    """Delivered sessions before this one sharing its `same` attribute (programme, council…)."""
    return [
        s
        for s in sessions
        if s.id != session.id
        and s.status != "planned"
        and s.starts_at < session.starts_at
        and getattr(s, same) == getattr(session, same)
    ]


def _label(s: store.SessionRow) -> str:
    return f"{s.title} ({s.council}, {s.starts_at:%b %Y})"


def suggest_balance(
    cur: store.Cursor, session: store.SessionRow, sessions: Sequence[store.SessionRow]
) -> BalanceSuggestion:
    """Suggest the split of context and hands-on minutes from past balance answers.

    Start from the share of hands-on time comparable sessions planned, then move
    half as far as the net demand: if 30% more people asked for more "how" than
    for more "why", add 15 points of hands-on time.
    """
    comparable = comparable_sessions(session, sessions, "programme") or comparable_sessions(
        session, sessions, "format"
    )
    ids = [s.id for s in comparable]
    counts = store.feedback_summary(cur, ids).balance_counts if ids else {}
    answers = sum(counts.values())
    names = tuple(_label(s) for s in comparable)
    if answers < MIN_BALANCE_ANSWERS or len(comparable) < MIN_SESSIONS:
        return BalanceSuggestion(
            False,
            f"Too little data to suggest a split: {plural(answers, 'balance answer')} from"
            f" {plural(len(comparable), 'comparable session')}; a suggestion needs at least"
            f" {MIN_BALANCE_ANSWERS} answers from {MIN_SESSIONS} sessions.",
            answers, names, counts, None, None, None, None,
        )  # fmt: skip
    past_share, _ = store.planned_hands_on_share(cur, ids)
    past = past_share if past_share is not None else 0.5
    how, why = counts.get("more_how", 0), counts.get("more_why", 0)
    net = (how - why) / answers
    # A net demand the numbers cannot tell from none moves nothing (lessons.wording).
    demand = compare_shares((how, answers), (why, answers))
    suggested = past if demand == SAME else min(0.85, max(0.15, past + net / 2))
    total = session.context_minutes + session.hands_on_minutes
    if total <= 0:
        total = int((session.ends_at - session.starts_at).total_seconds() // 60)
    hands_on = int(round(total * suggested / 5) * 5)
    why_how = (
        f"half the net demand ({net:+.0%}) suggests {suggested:.0%} hands-on"
        f" ({'more hands-on' if demand == HIGHER else 'more context'})"
        if demand != SAME
        else f"about as many wanted more of the how as of the why, so keep {suggested:.0%}"
        " hands-on (no change)"
    )
    message = (
        f"Of {plural(answers, 'answer')} from {plural(len(comparable), 'comparable session')},"
        f" {how} wanted more of the how, {why} more of the why and"
        f" {counts.get('about_right', 0)} said about right. Those sessions planned {past:.0%}"
        f" hands-on on average; {why_how}: about {plural(total - hands_on, 'minute')} of"
        f" context and {hands_on} hands-on in {plural(total, 'minute')}."
    )
    return BalanceSuggestion(
        True, message, answers, names, counts, past, suggested, total - hands_on, hands_on
    )


def expected_mix(
    cur: store.Cursor, session: store.SessionRow, sessions: Sequence[store.SessionRow]
) -> TypeMix:
    """The mix of councillor types to expect, from past sessions of the same council, else
    of the same programme."""
    for same in ("council", "programme"):
        comparable = comparable_sessions(session, sessions, same)
        ids = [s.id for s in comparable]
        counts = store.feedback_summary(cur, ids).type_counts if ids else {}
        answers = sum(counts.values())
        if enough(answers):
            shares = {t: counts.get(t, 0) / answers for t in COUNCILLOR_TYPE_SHORT}
            described = ", ".join(
                f"{COUNCILLOR_TYPE_SHORT[t].lower()} {shares[t]:.0%}" for t in COUNCILLOR_TYPE_SHORT
            )
            where = "this council" if same == "council" else "this programme"
            return TypeMix(
                True,
                f"From {plural(answers, 'self-description')} in"
                f" {plural(len(comparable), 'past session')} of {where}:"
                f" {described}.",
                answers,
                tuple(_label(s) for s in comparable),
                shares,
            )
    return TypeMix(
        False,
        "Too little data to predict the mix: fewer than"
        f" {MIN_GROUP_SIZE} attendees of this council or programme have described themselves.",
        0,
        (),
        {},
    )


def recurring_complaints(
    cur: store.Cursor, session: store.SessionRow, sessions: Sequence[store.SessionRow], top: int = 3
) -> tuple[tuple[Complaint, ...], tuple[str, ...], str]:
    comparable = comparable_sessions(session, sessions, "programme") or comparable_sessions(
        session, sessions, "format"
    )
    ids = [s.id for s in comparable]
    summary = store.feedback_summary(cur, ids) if ids else None
    if summary is None or not enough(summary.responses):
        return (
            (),
            (),
            "Too little past feedback from comparable sessions to show recurring complaints.",
        )
    themes = sorted((t for t in summary.themes if t.negative), key=lambda t: -t.negative)[:top]
    complaints = tuple(
        Complaint(t.theme_id, t.negative, t.comments, t.negative_quote) for t in themes
    )
    message = (
        "The themes with the most critical comments in"
        f" {plural(len(comparable), 'comparable session')}"
        f" ({plural(summary.responses, 'response')})."
    )
    return complaints, tuple(_label(s) for s in comparable), message


# The most recent requests a plan lists.
TOP_ASKS = 8


def past_asks(
    cur: store.Cursor, session: store.SessionRow, sessions: Sequence[store.SessionRow]
) -> tuple[tuple[store.AskRow, ...], str]:
    """What people asked for in comparable past sessions (the newest first), when those
    sessions have enough responses to show anything (the anonymity rule)."""
    comparable = comparable_sessions(session, sessions, "programme") or comparable_sessions(
        session, sessions, "format"
    )
    ids = [s.id for s in comparable]
    summary = store.feedback_summary(cur, ids) if ids else None
    if summary is None or not enough(summary.responses):
        return (), (
            "Too little past feedback from comparable sessions to show what people asked for."
        )
    asks = tuple(store.asks_in_sessions(cur, ids, limit=TOP_ASKS))
    total = store.ask_count(cur, ids)
    if not asks:
        return (), (
            f"No one asked for a change in {plural(len(comparable), 'comparable session')}."
        )
    return asks, (
        f"{plural(total, 'comment')} asked for a change or an addition in"
        f" {plural(len(comparable), 'comparable session')}"
        f" ({plural(summary.responses, 'response')}); the newest {len(asks)}:"
    )


def plan_evidence(
    cur: store.Cursor, session: store.SessionRow, sessions: Sequence[store.SessionRow]
) -> PlanEvidence:
    complaints, complaint_sessions, message = recurring_complaints(cur, session, sessions)
    asks, ask_message = past_asks(cur, session, sessions)
    return PlanEvidence(
        suggest_balance(cur, session, sessions),
        expected_mix(cur, session, sessions),
        complaints,
        complaint_sessions,
        message,
        asks,
        ask_message,
    )


# --- exports -------------------------------------------------------------------------------------


def plan_document(
    session: store.SessionRow,
    plan: store.PlanRow | None,
    lessons: Mapping[int, store.LessonRow],
    evidence: PlanEvidence,
    theme_names: Mapping[str, str],
) -> list[Block]:
    """The plan to print or share. Everything people typed in it (the session, the notes,
    the lessons, the checklist, the quotes) is text: the notes' "**bring**" shows as
    typed, never as bold, and no line of them can become a heading or a link. (The
    messages about the data are ours: figures, no names.)"""
    place = ours("Online") if session.online else typed(session.venue)
    blocks: list[Block] = [
        Heading(1, inline(ours("Plan: "), typed(session.title))),
        Paragraph(
            inline(
                ours(f"{session.starts_at:%A %-d %B %Y, %H:%M}–{session.ends_at:%H:%M} · "),
                place,
                ours(" · "),
                typed(session.council),
                ours(f" · {SESSION_FORMATS.get(session.format, session.format)}"),
            )
        ),
        Paragraph(
            inline(
                ours(
                    f"Planned: {plural(session.context_minutes, 'minute')} of context (why),"
                    f" {plural(session.hands_on_minutes, 'minute')} hands-on (how)."
                )
            )
        ),
    ]
    if plan and plan.notes:
        blocks += [Heading(2, inline(ours("Notes"))), Paragraph(inline(typed(plan.notes)))]
    if plan and plan.lesson_ids:
        items = []
        for lesson_id in plan.lesson_ids:
            x = lessons[lesson_id]
            kind = f"{POLARITIES[x.polarity].split(' ')[0].lower()}, {STATUSES[x.status].lower()}"
            items.append(
                inline(
                    typed(x.title, bold=True),
                    ours(f" ({kind}): "),
                    typed(" ".join(x.lesson.split()) or x.recommendation),
                )
            )
        blocks += [Heading(2, inline(ours("Lessons we are applying"))), Bullets(tuple(items))]
    if plan and plan.checklist:
        blocks += [
            Heading(2, inline(ours("Checklist for the day"))),
            Bullets(
                tuple(inline(typed(i.text)) for i in plan.checklist),
                ticked=tuple(i.done for i in plan.checklist),
            ),
        ]
    blocks += [
        Heading(2, inline(ours("What the data says"))),
        Paragraph(
            inline(
                ours("Context and hands-on.", bold=True), ours(" "), ours(evidence.balance.message)
            )
        ),
        Paragraph(inline(ours("Who to expect.", bold=True), ours(" "), ours(evidence.mix.message))),
        Paragraph(
            inline(ours("Guard against.", bold=True), ours(" "), ours(evidence.complaint_message))
        ),
    ]
    if evidence.complaints:
        blocks.append(
            Bullets(
                tuple(
                    inline(
                        typed(theme_names.get(c.theme_id, c.theme_id)),
                        ours(f": {c.negative} critical comments."),
                        *(
                            (ours(' e.g. "'), typed(" ".join(c.example.split())), ours('"'))
                            if c.example
                            else ()
                        ),
                    )
                    for c in evidence.complaints
                )
            )
        )
    blocks.append(
        Paragraph(
            inline(ours("What people asked for.", bold=True), ours(" "), ours(evidence.ask_message))
        )
    )
    if evidence.asks:
        blocks.append(
            Bullets(
                tuple(
                    inline(typed(ask_text(a)), *_ask_themes(a, theme_names)) for a in evidence.asks
                )
            )
        )
    return blocks


def ask_text(ask: store.AskRow) -> str:
    """What a comment asks for: the clauses that ask, else the whole comment, on one line."""
    return " … ".join(" ".join(part.split()) for part in (ask.asks or (ask.text,)))


def _ask_themes(ask: store.AskRow, theme_names: Mapping[str, str]) -> tuple[Span, ...]:
    if not ask.themes:
        return ()
    return (ours(" ("), typed(", ".join(theme_names.get(t, t) for t in ask.themes)), ours(")"))


def plan_markdown(
    session: store.SessionRow,
    plan: store.PlanRow | None,
    lessons: Mapping[int, store.LessonRow],
    evidence: PlanEvidence,
    theme_names: Mapping[str, str],
) -> str:
    return to_markdown(plan_document(session, plan, lessons, evidence, theme_names))


_PLAN_STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:46rem;margin:2rem auto;"
    "line-height:1.45;color:#1b1b1b}h1{color:#0b5563}h2{border-bottom:1px solid #ccc}"
    "li{margin:.3rem 0}@media print{body{margin:0}a{color:inherit}}"
)


def plan_html(blocks: Sequence[Block], title: str) -> str:
    """A printable one-page version of the plan (`plan_document`): everything typed is
    escaped; no scripts."""
    return html_page(title, to_html(blocks), _PLAN_STYLE)


def balance_rows(suggestion: BalanceSuggestion) -> list[dict[str, object]]:
    return [
        {"Answer": BALANCE_CHOICES[k], "Responses": suggestion.counts.get(k, 0)}
        for k in BALANCE_CHOICES
    ]
