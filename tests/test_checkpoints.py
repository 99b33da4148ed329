"""The write-ahead log is folded back into the database file: at start, every few minutes
while the server runs (a background thread with its own cursor), and at a clean stop."""

from __future__ import annotations

import time
from pathlib import Path

from lessons.startup import Checkpoints, open_app_database
from tests.conftest import make_session


def wal(path: Path) -> int:
    log = path.with_name(path.name + ".wal")
    return log.stat().st_size if log.exists() else 0


def test_opening_folds_in_what_a_crash_left_in_the_log(db):
    make_session(db)
    assert wal(db.path) > 0
    # A second process would replay it; this one opens the same file afresh after closing
    # without a checkpoint (DuckDB's own checkpoint on close is turned off to act a crash).
    with db.reading() as cur:
        cur.execute("SET checkpoint_threshold = '1TB'")
    db._connection.execute("PRAGMA disable_checkpoint_on_shutdown")
    db.close()
    assert wal(db.path) > 0
    reopened = open_app_database(db.path)
    try:
        assert wal(reopened.path) == 0
    finally:
        reopened.close()


def test_a_running_server_checkpoints_periodically_and_at_a_clean_stop(db):
    checkpoints = Checkpoints(lambda: db, every=0.1)
    checkpoints.start()
    try:
        make_session(db, title="Between checkpoints")
        deadline = time.monotonic() + 10
        while wal(db.path) > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert wal(db.path) == 0
    finally:
        checkpoints.stop()
    stopping = Checkpoints(lambda: db, every=3600)  # no periodic one in this test's time
    stopping.start()
    make_session(db, title="Just before the stop")
    assert wal(db.path) > 0
    stopping.stop()
    assert wal(db.path) == 0
