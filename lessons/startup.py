"""Opening the app's database: what the app, the command line and the tests all open."""

from __future__ import annotations

import threading
from pathlib import Path

from lessons import store, tagging

_OPENED: dict[Path, store.Database] = {}
_OPENING = threading.Lock()


def open_app_database(path: Path | str | None = None) -> store.Database:
    """Open (creating if needed) and migrate the database, and seed the default themes
    into a new one (`LESSONS_DB`, else data/lessons.duckdb, when no path is given)."""
    database = store.open_database(path)
    tagging.seed_default_themes(database)
    return database


def app_database(path: Path | str | None = None) -> store.Database:
    """The server's one `Database` for a file, opened on first use: the pages and the
    server's own routes share it, and so its single writer."""
    key = Path(path if path is not None else store.db_path_from_env()).resolve()
    with _OPENING:
        if key not in _OPENED:
            _OPENED[key] = open_app_database(key)
        return _OPENED[key]
