"""The database and cached reads for the pages (Streamlit's caches, cleared after writes).

One `Database` per process and file (`st.cache_resource`); reads are cached with a
short TTL per database file, and `clear_read_cache()` is called after every write.
"""

from __future__ import annotations

import streamlit as st

from lessons import learning, sessions, store, tagging
from lessons.startup import shared_database

READ_CACHE_SECONDS = 30


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


def clear_read_cache() -> None:
    """Call after every write so the next read sees it."""
    st.cache_data.clear()


@st.cache_data(ttl=READ_CACHE_SECONDS, show_spinner=False)
def _all_sessions(path: str) -> list[store.SessionRow]:
    return sessions.list_sessions(database_at(path))


def all_sessions() -> list[store.SessionRow]:
    """Every session, newest first."""
    return _all_sessions(database_key())


@st.cache_data(ttl=READ_CACHE_SECONDS, show_spinner=False)
def _themes(path: str, include_retired: bool) -> list[store.ThemeRow]:
    return tagging.list_themes(database_at(path), include_retired=include_retired)


def themes(include_retired: bool = False) -> list[store.ThemeRow]:
    return _themes(database_key(), include_retired)


def theme_names(include_retired: bool = True) -> dict[str, str]:
    return {t.id: t.name for t in themes(include_retired)}


@st.cache_data(ttl=READ_CACHE_SECONDS, show_spinner=False)
def _preview_texts(path: str) -> tagging.PreviewTexts:
    return tagging.preview_texts(database_at(path))


def preview_texts() -> tagging.PreviewTexts:
    """What a theme edit is previewed on (cached: the preview reruns at every keystroke)."""
    return _preview_texts(database_key())
