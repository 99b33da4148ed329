"""The forms pages share: sessions and lessons, the "any or one" filter select, choosing
one item by id (from a link's query parameter when it names one), and saying what to fix."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import streamlit as st

from lessons.choices import (
    FOLLOWUP_WEEKS_MAX,
    LANGUAGES,
    POLARITIES,
    PRIORITIES,
    SCOPES,
    SESSION_FORMATS,
    SESSION_STATUSES,
)
from lessons.clock import today_local
from lessons.document import markdown_escape
from lessons.errors import ValidationError
from lessons.register import MAX_LESSON_TITLE_CHARS, LessonDraft
from lessons.sessions import MAX_SESSION_TITLE_CHARS, SessionDraft, split_names
from lessons.ui_data import theme_names
from lessons.ui_widgets import query_param

T = TypeVar("T")


def show_validation_errors(error: ValidationError, labels: Mapping[str, str]) -> None:
    """One clear message per field, named as the form names it. A message can quote what
    was typed (a theme's term, a session's title): it is escaped, so it shows as typed."""
    lines = [
        f"- **{markdown_escape(labels.get(field, field))}**: {markdown_escape(message)}"
        for field, message in error.errors.items()
    ]
    st.error("Please fix the following and submit again:\n\n" + "\n".join(lines))


def any_or_one(
    container: Any,
    label: str,
    options: Sequence[T],
    any_label: str,
    key: str,
    show: Callable[[T], str] = str,
    chosen: T | None = None,
) -> T | None:
    """A filter select: "any" (None) first, then each option; starts at `chosen` if given."""
    values: list[T | None] = [None, *options]
    return container.selectbox(
        label,
        values,
        index=values.index(chosen) if chosen in values else 0,
        format_func=lambda v: any_label if v is None else show(v),
        key=key,
    )


def one_of(container: Any, label: str, choices: Mapping[str, str], value: str, key: str) -> str:
    """One of a vocabulary's codes, shown by its label, starting at `value`."""
    codes = list(choices)
    chosen: str = container.selectbox(
        label,
        codes,
        index=codes.index(value) if value in codes else 0,
        format_func=choices.__getitem__,
        key=key,
    )
    return chosen


def choose_by_id(
    label: str,
    labels: Mapping[int, str],
    key: str,
    asked: str | None = None,
    fallback: int | None = None,
) -> int:
    """Choose one of `labels` (id → label; not empty) by its label. Starts at the id the
    page's link asked for (query parameter `asked`), else at `fallback`, else the first."""
    ids = list(labels)
    wanted = query_param(asked) if asked else None
    preferred = int(wanted) if wanted and wanted.isdigit() else fallback
    chosen = st.selectbox(
        label,
        ids,
        index=ids.index(preferred) if preferred is not None and preferred in labels else 0,
        format_func=labels.__getitem__,
        key=key,
    )
    assert chosen is not None  # a non-empty select with an index always has a choice
    return chosen


SESSION_FIELD_LABELS = {
    "title": "Title",
    "council": "Council",
    "venue": "Venue",
    "programme": "Programme",
    "format": "Format",
    "status": "Status",
    "ends_at": "End time",
    "context_minutes": "Planned minutes",
    "expected_attendees": "Expected attendees",
    "facilitators": "Facilitators",
    "councillor_facilitators": "Co-facilitating councillors",
    "session": "Session",
    "language": "Form language",
    "feedback_closes_at": "Feedback closes",
    "followup_weeks": "Follow-up after (weeks)",
}


def _default_draft() -> SessionDraft:
    start = datetime.combine(today_local() + timedelta(days=14), time(18, 0))
    return SessionDraft(
        title="",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        council="",
        context_minutes=40,
        hands_on_minutes=60,
    )


def session_form(key: str, draft: SessionDraft | None, submit_label: str) -> SessionDraft | None:
    """The session fields as one form; returns the typed draft when submitted."""
    draft = draft or _default_draft()
    formats = list(SESSION_FORMATS)
    statuses = list(SESSION_STATUSES)
    with st.form(key, border=True):
        title = st.text_input(
            "Title", value=draft.title, max_chars=MAX_SESSION_TITLE_CHARS, key=f"{key}_title"
        )
        left, middle, right = st.columns(3)
        day = left.date_input(
            "Date", value=draft.starts_at.date(), format="DD/MM/YYYY", key=f"{key}_date"
        )
        start = middle.time_input(
            "Starts", value=draft.starts_at.time(), step=900, key=f"{key}_start"
        )
        end = right.time_input("Ends", value=draft.ends_at.time(), step=900, key=f"{key}_end")
        left, right = st.columns(2)
        council = left.text_input("Council", value=draft.council, key=f"{key}_council")
        programme = right.text_input("Programme", value=draft.programme, key=f"{key}_programme")
        left, right = st.columns([3, 1])
        venue = left.text_input("Venue", value=draft.venue, key=f"{key}_venue")
        online = right.checkbox("Online", value=draft.online, key=f"{key}_online")
        left, right = st.columns(2)
        session_format = left.selectbox(
            "Format",
            formats,
            index=formats.index(draft.format) if draft.format in formats else 0,
            format_func=SESSION_FORMATS.__getitem__,
            key=f"{key}_format",
        )
        status = right.selectbox(
            "Status",
            statuses,
            index=statuses.index(draft.status),
            format_func=SESSION_STATUSES.__getitem__,
            key=f"{key}_status",
        )
        facilitators = st.text_input(
            "Facilitators (officers), separated by commas",
            value=", ".join(draft.facilitators),
            key=f"{key}_facilitators",
        )
        councillors = st.text_input(
            "Co-facilitating councillors, separated by commas",
            value=", ".join(draft.councillor_facilitators),
            key=f"{key}_councillors",
        )
        left, middle, right = st.columns(3)
        context = left.number_input(
            "Planned minutes of context (why)",
            min_value=0,
            max_value=720,
            value=draft.context_minutes,
            key=f"{key}_context",
        )
        hands_on = middle.number_input(
            "Planned minutes hands-on (how)",
            min_value=0,
            max_value=720,
            value=draft.hands_on_minutes,
            key=f"{key}_hands_on",
        )
        expected = right.number_input(
            "Expected attendees",
            min_value=0,
            max_value=1000,
            value=draft.expected_attendees or 0,
            help="Leave at 0 if you do not know yet.",
            key=f"{key}_expected",
        )
        left, middle, right = st.columns(3)
        languages = list(LANGUAGES)
        language = left.selectbox(
            "Form language",
            languages,
            index=languages.index(draft.language) if draft.language in languages else 0,
            format_func=LANGUAGES.__getitem__,
            help="The language the attendees' form opens in; they can switch on the form.",
            key=f"{key}_language",
        )
        closes_on = middle.date_input(
            "Feedback closes (end of the day)",
            value=draft.feedback_closes_at.date() if draft.feedback_closes_at else None,
            format="DD/MM/YYYY",
            help="Leave empty: 14 days after the session. The form opens 30 minutes before"
            " the session starts.",
            key=f"{key}_closes",
        )
        feedback_open = right.checkbox(
            "Taking feedback (untick to close the form for this session)",
            value=draft.feedback_open,
            key=f"{key}_open",
        )
        followup_weeks = left.number_input(
            "Follow-up after (weeks)",
            min_value=1,
            max_value=FOLLOWUP_WEEKS_MAX,
            value=draft.followup_weeks,
            help="The follow-up (what people went on to do) opens this many weeks after the"
            " session, with its own link and code.",
            key=f"{key}_followup_weeks",
        )
        submitted = st.form_submit_button(submit_label, type="primary")
    if not submitted:
        return None
    return SessionDraft(
        title=title,
        starts_at=datetime.combine(day, start),
        ends_at=datetime.combine(day, end),
        council=council,
        format=session_format,
        venue=venue,
        online=online,
        programme=programme,
        facilitators=split_names(facilitators),
        councillor_facilitators=split_names(councillors),
        context_minutes=int(context),
        hands_on_minutes=int(hands_on),
        expected_attendees=int(expected) or None,
        status=status,
        feedback_open=feedback_open,
        language=language,
        feedback_closes_at=datetime.combine(closes_on, time(23, 59))
        if isinstance(closes_on, date)
        else None,
        followup_weeks=int(followup_weeks),
    )


def lesson_form(
    key: str, draft: LessonDraft, submit_label: str, session_choices: Mapping[int, str]
) -> LessonDraft | None:
    """Every field of a lesson as one form; returns the typed LessonDraft when submitted."""
    names = theme_names(include_retired=False)
    with st.form(key, border=True):
        title = st.text_input(
            "Title", value=draft.title, max_chars=MAX_LESSON_TITLE_CHARS, key=f"{key}_title"
        )
        what = st.text_area(
            "What happened", value=draft.what_happened, height=90, key=f"{key}_what"
        )
        left, right = st.columns(2)
        effect = left.text_area("Effect", value=draft.effect, height=90, key=f"{key}_effect")
        cause = right.text_area("Cause", value=draft.cause, height=90, key=f"{key}_cause")
        lesson_text = st.text_area(
            "Lesson (what we have learnt)", value=draft.lesson, height=90, key=f"{key}_lesson"
        )
        recommendation = st.text_area(
            "Recommendation (what to do next time)",
            value=draft.recommendation,
            height=70,
            key=f"{key}_recommendation",
        )
        left, middle, right = st.columns(3)
        polarity = one_of(left, "Polarity", POLARITIES, draft.polarity, f"{key}_polarity")
        scope = one_of(middle, "Scope", SCOPES, draft.scope, f"{key}_scope")
        priority = one_of(right, "Priority", PRIORITIES, draft.priority, f"{key}_priority")
        themes_chosen = st.multiselect(
            "Themes",
            list(names),
            default=[t for t in draft.themes if t in names],
            format_func=names.__getitem__,
            key=f"{key}_themes",
        )
        action = st.text_area("Action", value=draft.action, height=70, key=f"{key}_action")
        left, middle, right = st.columns(3)
        owner = left.text_input("Owner", value=draft.owner, max_chars=100, key=f"{key}_owner")
        due = middle.date_input(
            "Due date", value=draft.due_date, format="DD/MM/YYYY", key=f"{key}_due"
        )
        source_options = [None, *session_choices]
        source = right.selectbox(
            "From session",
            source_options,
            index=source_options.index(draft.source_session_id)
            if draft.source_session_id in source_options
            else 0,
            format_func=lambda sid: "—" if sid is None else session_choices[sid],
            key=f"{key}_source",
        )
        submitted = st.form_submit_button(submit_label, type="primary")
    if not submitted:
        return None
    return LessonDraft(
        title=title,
        what_happened=what,
        effect=effect,
        cause=cause,
        lesson=lesson_text,
        recommendation=recommendation,
        polarity=polarity,
        scope=scope,
        priority=priority,
        themes=themes_chosen,
        action=action,
        owner=owner,
        due_date=due if isinstance(due, date) else None,
        source_session_id=source,
    )


LESSON_FIELD_LABELS = {
    "title": "Title",
    "what_happened": "What happened",
    "effect": "Effect",
    "cause": "Cause",
    "lesson": "Lesson",
    "recommendation": "Recommendation",
    "polarity": "Polarity",
    "scope": "Scope",
    "priority": "Priority",
    "themes": "Themes",
    "action": "Action",
    "owner": "Owner",
    "actor": "Who",
    "status": "Status",
    "reason": "Reason",
    "applied_session_id": "Applied in session",
    "effectiveness_evidence": "Effectiveness evidence",
    "evidence": "Evidence",
}
