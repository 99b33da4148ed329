"""Streamlit wiring shared by the pages: the cached database, cached reads, small widgets.

The only core module allowed to import streamlit (with its ui_* siblings).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import streamlit as st

from lessons import store
from lessons.choices import SESSION_FORMATS, SESSION_STATUSES
from lessons.errors import ValidationError
from lessons.sessions import SessionDraft, split_names
from lessons.startup import open_app_database

READ_CACHE_SECONDS = 30

_BASE_CSS = """
<style>
/* Comfortable tap targets and readable text on a phone. */
div[data-testid="stRadio"] label { min-height: 2rem; }
div[data-testid="stForm"] { border-radius: 0.75rem; }
.block-container { padding-top: 2rem; max-width: 52rem; }
@media (max-width: 640px) { .block-container { padding-left: 1rem; padding-right: 1rem; } }
</style>
"""


def _database_key() -> str:
    """The database file as a cache key: the same file however LESSONS_DB spells it."""
    return str(store.db_path_from_env().resolve())


@st.cache_resource(show_spinner=False)
def _database_at(path: str) -> store.Database:
    # One connection per process and database file; pages take a cursor per use.
    return open_app_database(path)


def database() -> store.Database:
    return _database_at(_database_key())


def clear_read_cache() -> None:
    """Call after every write so the next read sees it."""
    st.cache_data.clear()


@st.cache_data(ttl=READ_CACHE_SECONDS, show_spinner=False)
def _all_sessions(path: str) -> list[store.SessionRow]:
    with _database_at(path).reading() as cur:
        return store.all_sessions(cur)


def all_sessions() -> list[store.SessionRow]:
    return _all_sessions(_database_key())


def apply_base_style() -> None:
    st.html(_BASE_CSS)


def staff_page() -> None:
    """Start a staff page: the house style, and a second lock behind app.py's navigation
    (which already hides staff pages before sign-in), for a server started another way."""
    apply_base_style()
    if not staff_signed_in():
        st.error("Sign in first: this page is for facilitators and programme leads.")
        st.markdown("[Go to the sign-in page](/)")
        st.stop()


def show_validation_errors(error: ValidationError, labels: dict[str, str]) -> None:
    """One clear message per field, named as the form names it."""
    lines = [
        f"- **{labels.get(field, field)}**: {message}" for field, message in error.errors.items()
    ]
    st.error("Please fix the following and submit again:\n\n" + "\n".join(lines))


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
}


def _default_draft() -> SessionDraft:
    start = datetime.combine(date.today() + timedelta(days=14), time(18, 0))
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
        title = st.text_input("Title", value=draft.title, max_chars=200, key=f"{key}_title")
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
        feedback_open = st.checkbox(
            "Taking feedback (untick to close the form for this session)",
            value=draft.feedback_open,
            key=f"{key}_open",
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
    )


def session_label(session: store.SessionRow) -> str:
    return f"{session.starts_at:%d %b %Y} · {session.title} · {session.council}"


def query_param(name: str) -> str | None:
    value: Any = st.query_params.get(name)
    return str(value) if value else None


# --- comments and themes ------------------------------------------------------------------

LABEL_COLOURS: dict[str, Literal["green", "gray", "red"]] = {
    "positive": "green",
    "neutral": "gray",
    "negative": "red",
}
LABEL_ICONS = {
    "positive": ":material/sentiment_satisfied:",
    "neutral": ":material/sentiment_neutral:",
    "negative": ":material/sentiment_dissatisfied:",
}


@st.cache_data(ttl=READ_CACHE_SECONDS, show_spinner=False)
def _themes(path: str, include_retired: bool) -> list[store.ThemeRow]:
    with _database_at(path).reading() as cur:
        return store.all_themes(cur, include_retired=include_retired)


def themes(include_retired: bool = False) -> list[store.ThemeRow]:
    return _themes(_database_key(), include_retired)


def theme_names(include_retired: bool = True) -> dict[str, str]:
    return {t.id: t.name for t in themes(include_retired)}


def show_label(label: str | None, mixed: bool = False, corrected: bool = False) -> None:
    """A sentiment label as a coloured badge; words, not colour alone, carry the meaning."""
    if label is None:
        st.badge("not analysed", color="gray")
        return
    text = label + (" · mixed" if mixed else "") + (" · corrected" if corrected else "")
    st.badge(text, icon=LABEL_ICONS[label], color=LABEL_COLOURS[label])


def run_reanalysis(database: store.Database) -> None:
    """Re-analyse what a taxonomy change can affect, with a progress bar."""
    from lessons.tagging import reanalyse

    bar = st.progress(0.0, text="Re-analysing comments…")

    def report(done: int, total: int) -> None:
        bar.progress(
            done / total if total else 1.0, text=f"Re-analysed {done:,} of {total:,} comments"
        )

    result = reanalyse(database, progress=report)
    bar.empty()
    clear_read_cache()
    changed = ", ".join(result.changed_themes) or "none"
    st.session_state["reanalysis_flash"] = (
        f"Re-analysed {result.analysed:,} comments that the change could affect"
        f" (themes changed: {changed})."
    )


# --- who is making changes, and lesson forms ---------------------------------------------------


def staff_signed_in() -> bool:
    """Staff pages are open when no staff password is set (the demo), else after sign-in."""
    from lessons.auth import configured_secret

    return configured_secret() is None or bool(st.session_state.get("staff_signed_in"))


def sign_in(name: str) -> None:
    st.session_state["staff_signed_in"] = True
    st.session_state["user_name"] = name.strip()


def sign_out() -> None:
    st.session_state["staff_signed_in"] = False
    st.session_state["user_name"] = ""


def identity_sidebar() -> None:
    """Ask for the facilitator's name once; every change records it."""
    from lessons.auth import configured_secret

    if configured_secret() is None:
        st.sidebar.caption(
            ":material/lock_open: Open mode: anyone who can reach this server sees every page."
            " Set LESSONS_STAFF_PASSWORD for real use."
        )
    elif st.session_state.get("staff_signed_in"):
        st.sidebar.caption(f"Signed in as {current_user()}")
        if st.sidebar.button("Sign out", key="sidebar_sign_out"):
            sign_out()
            st.rerun()
        return
    st.session_state.setdefault("user_name", "")
    typed = st.sidebar.text_input(
        "Your name",
        value=st.session_state["user_name"],
        max_chars=100,
        help="Recorded against the changes you make (lessons, reflections).",
        key="sidebar_user_name",
    )
    st.session_state["user_name"] = typed.strip()


def current_user() -> str:
    return str(st.session_state.get("user_name", "")).strip()


def lesson_form(key: str, draft, submit_label: str, session_choices: dict[int, str]):
    """Every field of a lesson as one form; returns the typed LessonDraft when submitted."""
    from lessons.choices import POLARITIES, PRIORITIES, SCOPES
    from lessons.register import LessonDraft

    names = theme_names(include_retired=False)
    with st.form(key, border=True):
        title = st.text_input("Title", value=draft.title, max_chars=150, key=f"{key}_title")
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
        polarity = left.selectbox(
            "Polarity",
            list(POLARITIES),
            index=list(POLARITIES).index(draft.polarity),
            format_func=POLARITIES.__getitem__,
            key=f"{key}_polarity",
        )
        scope = middle.selectbox(
            "Scope",
            list(SCOPES),
            index=list(SCOPES).index(draft.scope),
            format_func=SCOPES.__getitem__,
            key=f"{key}_scope",
        )
        priority = right.selectbox(
            "Priority",
            list(PRIORITIES),
            index=list(PRIORITIES).index(draft.priority),
            format_func=PRIORITIES.__getitem__,
            key=f"{key}_priority",
        )
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
    "actor": "Your name",
    "status": "Status",
    "reason": "Reason",
    "applied_session_id": "Applied in session",
    "effectiveness_evidence": "Effectiveness evidence",
    "evidence": "Evidence",
}


def ask_for_name_if_missing() -> bool:
    """Changes need a name: say so plainly where the change would be made."""
    if current_user():
        return True
    st.warning("Type your name in the sidebar first: it is recorded against every change.")
    return False


# --- trends -------------------------------------------------------------------------------------


@st.cache_data(ttl=300, show_spinner="Working out the trends…", max_entries=64)
def _trend_charts(path: str, where: store.TrendFilter, names: tuple, version: tuple):
    from lessons.trends import all_charts

    with _database_at(path).reading() as cur:
        return store.trend_headline(cur, where), all_charts(cur, where, dict(names))


def trend_charts(where: store.TrendFilter):
    """Headline figures and charts for a filter, cached until the data changes."""
    path = _database_key()
    with _database_at(path).reading() as cur:
        version = store.data_version(cur)
    return _trend_charts(path, where, tuple(sorted(theme_names().items())), version)


@st.cache_data(ttl=READ_CACHE_SECONDS, show_spinner=False)
def _trend_choices(path: str):
    with _database_at(path).reading() as cur:
        return store.trend_choices(cur), store.trend_date_range(cur)


def trend_filter_controls(prefix: str) -> store.TrendFilter:
    """The filters shared by the Trends and Reports pages (remembered between them)."""
    from lessons.choices import SESSION_FORMATS

    choices, (first, last) = _trend_choices(_database_key())
    remembered: dict = st.session_state.setdefault("trends_filter_values", {})
    with st.expander("Filters", icon=":material/filter_list:", expanded=False):
        left, right = st.columns(2)
        period = left.date_input(
            "Sessions between",
            value=remembered.get("period", (first, last) if first else ()),
            format="DD/MM/YYYY",
            key=f"{prefix}_period",
        )

        def choose(column, label: str, name: str, options: list, any_label: str, show=str):
            # "Any" first; the page remembers the choice for the other page of the pair.
            values = [None, *options]
            return column.selectbox(
                label,
                values,
                key=f"{prefix}_{name}",
                index=_index(values, remembered.get(name)),
                format_func=lambda v: any_label if v is None else show(v),
            )

        programme = choose(right, "Programme", "programme", choices["programme"], "All programmes")
        left, right = st.columns(2)
        council = choose(left, "Council", "council", choices["council"], "All councils")
        facilitator = choose(right, "Facilitator", "facilitator", choices["facilitator"], "Anyone")
        left, right = st.columns(2)
        session_format = choose(
            left,
            "Format",
            "format",
            choices["format"],
            "All formats",
            lambda v: SESSION_FORMATS.get(v, v),
        )
        co = choose(
            right,
            "Co-delivered with councillors",
            "co_delivered",
            [True, False],
            "Either",
            lambda v: "Yes" if v else "No",
        )
    start, end = (
        (period[0], period[1]) if isinstance(period, tuple) and len(period) == 2 else (None, None)
    )
    remembered.update(
        period=(start, end) if start else (),
        programme=programme,
        council=council,
        facilitator=facilitator,
        format=session_format,
        co_delivered=co,
    )
    return store.TrendFilter(start, end, programme, council, facilitator, session_format, co)


def _index(options: list, value) -> int:
    return options.index(value) if value in options else 0


def show_trend_chart(chart) -> None:
    """One chart: its reading, the figure, and its numbers as a table."""
    st.subheader(chart.title)
    st.markdown(chart.reading)
    if chart.figure is not None:
        st.plotly_chart(chart.figure, key=f"trend_{chart.key}")
    if not chart.table.empty:
        with st.expander("The numbers"):
            st.dataframe(chart.table, hide_index=True)
    if chart.suppressed:
        st.caption(
            f"{chart.suppressed} group{'s' if chart.suppressed != 1 else ''} with fewer than 5"
            " responses not shown, so that no one's answers can be picked out."
        )
