"""The database and cached reads for the pages (Streamlit's caches, cleared after writes).

One `Database` per process and file (`st.cache_resource`); reads are cached per database
file and data version (`data_version()`, which every committed write changes), so a cached
read is never stale, whoever wrote: a page, the attendees' form or a background job.
`clear_read_cache()` after a page's own write frees what the change made useless.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from lessons import learning, planning, postmortem, sessions, store, tagging
from lessons.startup import shared_database

# A safety net only: the data version already keys every read.
READ_CACHE_SECONDS = 600


def database_key() -> str:
    """The database file as a cache key: the same file however LESSONS_DB spells it."""
    return str(store.db_path_from_env().resolve())


@st.cache_resource(show_spinner=False)
def database_at(path: str) -> store.Database:
    # One connection per process and database file, shared with the server's own routes;
    # pages take a cursor per use. Analyses left out of date (older rules, comments the
    # learned layer has not read yet) are brought up to date in the background, once the
    # app serves pages (never in the launcher's own checks, which may stop the process).
    database = shared_database(path)
    learning.catch_up_in_background(database)
    return database


def database() -> store.Database:
    return database_at(database_key())


def data_version() -> int:
    """Changes with every write to the database (its committed transactions): a cache key
    under which a read is never stale. While the app runs it is the file's only writer."""
    return database().changes


def clear_read_cache() -> None:
    """Call after every write so the next read sees it."""
    st.cache_data.clear()


@st.cache_data(ttl=READ_CACHE_SECONDS, max_entries=8, show_spinner=False)
def _all_sessions(path: str, version: int) -> list[store.SessionRow]:
    return sessions.list_sessions(database_at(path))


def all_sessions() -> list[store.SessionRow]:
    """Every session, newest first."""
    return _all_sessions(database_key(), data_version())


@st.cache_data(ttl=READ_CACHE_SECONDS, max_entries=16, show_spinner=False)
def _themes(path: str, version: int, include_retired: bool) -> list[store.ThemeRow]:
    return tagging.list_themes(database_at(path), include_retired=include_retired)


def themes(include_retired: bool = False) -> list[store.ThemeRow]:
    return _themes(database_key(), data_version(), include_retired)


def theme_names(include_retired: bool = True) -> dict[str, str]:
    return {t.id: t.name for t in themes(include_retired)}


@st.cache_data(ttl=READ_CACHE_SECONDS, max_entries=4, show_spinner=False)
def _preview_texts(path: str, version: int) -> tagging.PreviewTexts:
    return tagging.preview_texts(database_at(path))


def preview_texts() -> tagging.PreviewTexts:
    """What a theme edit is previewed on (cached: the preview reruns at every keystroke)."""
    return _preview_texts(database_key(), data_version())


@st.cache_data(ttl=READ_CACHE_SECONDS, max_entries=32, show_spinner=False)
def _post_mortem(
    path: str, version: int, session_id: int, names: tuple[tuple[str, str], ...]
) -> postmortem.PostMortem:
    return postmortem.post_mortem(database_at(path), session_id, dict(names))


def post_mortem(session_id: int, theme_names: Mapping[str, str]) -> postmortem.PostMortem:
    """One session's post-mortem: its figures and charts, reflections, comments and the
    lessons applied in it."""
    names = tuple(sorted(theme_names.items()))
    return _post_mortem(database_key(), data_version(), session_id, names)


@st.cache_data(ttl=READ_CACHE_SECONDS, max_entries=32, show_spinner=False)
def _plan_view(
    path: str,
    version: int,
    session_id: int,
    _session: store.SessionRow,
    _sessions: list[store.SessionRow],
) -> planning.PlanView:
    return planning.plan_view(database_at(path), _session, _sessions)


def plan_view(session: store.SessionRow) -> planning.PlanView:
    """A planned session's plan, the lessons that apply to it and the data behind it."""
    # The sessions are those of this data version, so the session's id says enough.
    version = data_version()
    return _plan_view(database_key(), version, session.id, session, all_sessions())
