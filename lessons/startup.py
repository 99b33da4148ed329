"""Opening the app's database: what the app, the command line and the tests all open."""

from __future__ import annotations

import threading
from pathlib import Path

from lessons import store, tagging

_shared: dict[Path, store.Database] = {}
_shared_lock = threading.Lock()


def open_app_database(path: Path | str | None = None) -> store.Database:
    """Open (creating if needed) and migrate the database, and seed the default themes
    into a new one (`LESSONS_DB`, else data/lessons.duckdb, when no path is given)."""
    database = store.open_database(path)
    tagging.seed_default_themes(database)
    return database


def shared_database(path: Path | str | None = None) -> store.Database:
    """The one `Database` of this process for a file, opened on first use: the server's
    own routes (lessons.web_*) and the pages (lessons.ui_data) share it, and so its single
    writer."""
    resolved = Path(path if path is not None else store.db_path_from_env()).resolve()
    with _shared_lock:
        if resolved not in _shared:
            _shared[resolved] = open_app_database(resolved)
        return _shared[resolved]
