"""Opening the app's database: what the app, the command line and the tests all open."""

from __future__ import annotations

from pathlib import Path

from lessons import store, tagging


def open_app_database(path: Path | str | None = None) -> store.Database:
    """Open (creating if needed) and migrate the database, and seed the default themes
    into a new one (`LESSONS_DB`, else data/lessons.duckdb, when no path is given)."""
    database = store.open_database(path)
    tagging.seed_default_themes(database)
    return database
