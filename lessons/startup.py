"""Opening the app's database: what the app, the command line and the tests all open."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from lessons import store, tagging
from lessons.errors import DatabaseUnavailable

log = logging.getLogger("lessons.startup")

# How often a running server folds the write-ahead log back into the database file.
CHECKPOINT_EVERY_SECONDS = 300.0

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
            database = open_app_database(resolved)
            try:
                # A server must be able to write, not only read: say so before listening.
                database.check_usable()
            except DatabaseUnavailable:
                database.close()
                raise
            _shared[resolved] = database
        return _shared[resolved]


class Checkpoints:
    """Checkpoint a database every `every` seconds on a background thread, and once more
    when stopped, so that a kill -9 leaves little write-ahead log for the next start to
    replay. `database` gives the server's one Database (opened on first use)."""

    def __init__(
        self, database: Callable[[], store.Database], every: float = CHECKPOINT_EVERY_SECONDS
    ) -> None:
        self._database = database
        self._every = every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lessons-checkpoints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _checkpoint(self) -> None:
        try:
            self._database().checkpoint()
        except DatabaseUnavailable as problem:
            log.warning("Checkpoint skipped: %s", problem)

    def _run(self) -> None:
        while not self._stopped.wait(self._every):
            self._checkpoint()

    def stop(self) -> None:
        """Stop the thread and checkpoint a last time (a clean shutdown)."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()
        self._checkpoint()
