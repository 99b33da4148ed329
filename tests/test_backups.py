"""Backups: each is a checked snapshot under its final name only when complete; the newest
are kept; a restore puts one back and keeps what was there; and the drills (restore after
losing the file, a kill -9 mid-backup, a full disk)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from lessons import backups, privacy, store
from lessons.auth import COMMAND_LINE, NotAllowed
from lessons.cli import main
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.privacy_notice import PrivacySettings, notice_html
from lessons.startup import open_app_database
from tests.conftest import ROOT, make_account, make_session, signed_in, table_count

DEMO_DAY = date(2026, 11, 25)


@pytest.fixture
def backup_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "backups"
    monkeypatch.setenv(backups.ENV_FOLDER, str(folder))
    monkeypatch.delenv(backups.ENV_KEEP, raising=False)
    monkeypatch.delenv(backups.ENV_TIME, raising=False)
    return folder


def every_row(path: Path) -> dict[str, list[tuple]]:
    """Every table of a database file and all its rows, in a stable order."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
            ).fetchall()
        ]
        return {
            name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


def test_a_backup_is_checked_named_by_time_and_recorded(demo_copy, backup_dir):
    db, _ = demo_copy(DEMO_DAY)
    result = backups.back_up(db, COMMAND_LINE)
    assert result.file.parent == backup_dir
    assert backups.backup_files(backup_dir, "lessons")[0].path == result.file
    assert result.file.name.startswith("lessons-") and result.file.suffix == ".duckdb"
    assert result.tables["responses"] == table_count(db, "responses") > 100
    assert backups.file_tables(result.file) == result.tables
    # Nothing but the finished backup in the folder: no temporary file, no WAL.
    assert os.listdir(backup_dir) == [result.file.name]
    [row] = backups.history(db)
    assert row.checked and not row.error
    assert (row.file, row.rows, row.size_bytes) == (
        result.file.name,
        result.rows,
        result.file.stat().st_size,
    )
    assert row.trigger == "on demand" and row.requested_by == "command line"


def test_only_an_administrator_may_take_a_backup(db, backup_dir):
    lead = make_account(db, "Joanne Whitaker", "lead")
    with pytest.raises(NotAllowed):
        backups.back_up(db, lead.actor())
    assert not backup_dir.exists()


def test_the_snapshot_is_the_database_as_it_was_while_the_app_goes_on(db, backup_dir):
    session = make_session(db)
    submit_feedback(db, session.id, FeedbackAnswer(overall_rating=5), "before")
    result = backups.back_up(db, COMMAND_LINE)
    submit_feedback(db, session.id, FeedbackAnswer(overall_rating=4), "after")
    assert backups.file_tables(result.file)["responses"] == 1
    assert table_count(db, "responses") == 2


def test_feedback_sent_during_a_backup_is_saved_at_once_and_the_backup_stays_whole(db, backup_dir):
    session = make_session(db)
    submit_feedback(db, session.id, FeedbackAnswer(overall_rating=5), "before")
    # The backup must still be running when the feedback arrives: on a busy machine a copy
    # can win the race, so the ballast that slows it grows until one is caught mid-copy.
    ballast = BALLAST_ROWS
    for _attempt in range(4):
        with db.transaction() as cur:
            cur.execute("DROP TABLE IF EXISTS ballast")
            cur.execute(f"CREATE TABLE ballast AS SELECT range AS i FROM range({ballast})")
        responses_before = table_count(db, "responses")
        taken: list[backups.BackupResult] = []
        backing_up = threading.Thread(
            target=lambda into=taken: into.append(backups.back_up(db, COMMAND_LINE))
        )
        backing_up.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(backup_dir.glob(".*.partial")):
            time.sleep(0.002)
        submit_feedback(db, session.id, FeedbackAnswer(overall_rating=3), "during")
        during_backup = backing_up.is_alive()
        backing_up.join(timeout=120)
        [result] = taken
        if during_backup:
            break
        ballast *= 4
    assert during_backup, "every backup finished before the feedback was sent"
    assert table_count(db, "responses") == responses_before + 1  # not held up by the backup
    # The snapshot is one moment: before the feedback (the usual case) or, if the copy's
    # transaction began after it, with it; either way the file holds what was counted.
    assert result.tables["responses"] in (responses_before, responses_before + 1)
    assert backups.file_tables(result.file)["responses"] == result.tables["responses"]


def test_only_the_newest_are_kept(db, backup_dir, monkeypatch):
    monkeypatch.setenv(backups.ENV_KEEP, "3")
    taken = [backups.back_up(db, COMMAND_LINE).file for _ in range(5)]
    assert len(set(taken)) == 5  # two in the same second get distinct names
    assert [f.path for f in backups.backup_files(backup_dir, "lessons")] == taken[-3:]
    assert len(backups.history(db)) == 5


def test_settings_from_the_environment(tmp_path):
    db_path = tmp_path / "lessons.duckdb"
    default = backups.backup_settings(db_path, {})
    assert default == backups.BackupSettings(tmp_path / "backups", time_of_day(2, 0), 14)
    chosen = backups.backup_settings(
        db_path, {"LESSONS_BACKUP_DIR": "/srv/b", "LESSONS_BACKUP_TIME": "23:30",
                  "LESSONS_BACKUP_KEEP": "30"},
    )  # fmt: skip
    assert chosen == backups.BackupSettings(Path("/srv/b"), time_of_day(23, 30), 30)
    assert backups.backup_settings(db_path, {"LESSONS_BACKUP_TIME": "off"}).at is None
    with pytest.raises(ValueError, match="LESSONS_BACKUP_TIME should be a time of day"):
        backups.backup_settings(db_path, {"LESSONS_BACKUP_TIME": "2am"})
    with pytest.raises(ValueError, match="LESSONS_BACKUP_KEEP"):
        backups.backup_settings(db_path, {"LESSONS_BACKUP_KEEP": "0"})


def test_a_worry_when_the_last_backup_failed_or_the_nightly_ones_stopped(tmp_path):
    nightly = backups.BackupSettings(tmp_path, time_of_day(2, 0), 14)
    now = datetime(2026, 3, 10, 9, 0)

    def row(started: datetime, error: str = "") -> store.BackupRow:
        return store.BackupRow(1, started, started, "scheduled", "schedule", "f", 1, 1, 1,
                               not error, error)  # fmt: skip

    assert backups.worry([], nightly, now) == ""
    assert backups.worry([row(datetime(2026, 3, 10, 2, 0))], nightly, now) == ""
    failed = backups.worry([row(datetime(2026, 3, 10, 2, 0), "The backup folder is full")],
                           nightly, now)  # fmt: skip
    assert failed.startswith("The last backup, at 10 Mar 2026 02:00, failed: The backup folder")
    stopped = backups.worry([row(datetime(2026, 3, 7, 2, 0))], nightly, now)
    assert stopped.startswith("No backup has been taken since 7 Mar 2026 02:00")
    off = backups.BackupSettings(tmp_path, None, 14)
    assert backups.worry([row(datetime(2026, 3, 7, 2, 0))], off, now) == ""


def test_the_next_nightly_backup():
    at = time_of_day(2, 0)
    assert backups.next_run(datetime(2026, 3, 1, 1, 59), at) == datetime(2026, 3, 1, 2, 0)
    assert backups.next_run(datetime(2026, 3, 1, 2, 0), at) == datetime(2026, 3, 2, 2, 0)
    assert backups.next_run(datetime(2026, 12, 31, 23, 0), at) == datetime(2027, 1, 1, 2, 0)


def test_a_nightly_backup_missed_while_the_server_was_stopped_is_taken_at_start():
    at = time_of_day(2, 0)
    now = datetime(2026, 3, 4, 9, 30)
    tomorrow = datetime(2026, 3, 5, 2, 0)
    assert backups.first_run(now, at, None) == tomorrow  # never backed up: wait
    assert backups.first_run(now, at, datetime(2026, 3, 4, 2, 0)) == tomorrow  # had today's
    assert backups.first_run(now, at, datetime(2026, 3, 3, 2, 0)) == now  # missed today's
    assert backups.first_run(datetime(2026, 3, 4, 1, 0), at, datetime(2026, 3, 3, 2, 0)) == (
        datetime(2026, 3, 4, 2, 0)
    )


def test_the_schedule_takes_a_backup_at_the_set_time(db, backup_dir):
    # Two seconds from now on the app's clock (just after midnight is tomorrow's: still 2 s).
    at = (backups.now_local() + timedelta(seconds=2)).time()
    schedule = backups.BackupSchedule(lambda: db, backups.BackupSettings(backup_dir, at, 14))
    schedule.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not backups.history(db):
            time.sleep(0.2)
    finally:
        schedule.stop()
        schedule.join(timeout=30)
    assert not schedule.is_alive()
    [row] = backups.history(db)
    assert row.trigger == "scheduled" and row.requested_by == "schedule" and row.checked
    assert [f.path.name for f in backups.backup_files(backup_dir, "lessons")] == [row.file]


# --- restore, and the drills ---------------------------------------------------------------


def test_drill_back_up_the_demo_lose_the_file_restore_and_compare_every_table(
    demo_copy, backup_dir
):
    db, _ = demo_copy(DEMO_DAY)
    path = db.path
    result = backups.back_up(db, COMMAND_LINE)
    db.close()
    before = every_row(path)
    assert before["responses"] and before["comments"] and before["lessons"]
    # The disk fails: the database file is garbage.
    path.write_bytes(b"\0" * 4096)
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(path)).close()

    restored = backups.restore(result.file, path)

    assert restored.kept_aside is not None and restored.kept_aside.read_bytes() == b"\0" * 4096
    assert restored.kept_aside.name.startswith("lessons.duckdb.before-restore-")
    after = every_row(path)
    assert set(after) == set(before)
    for table in before:
        if table != "backups":
            assert after[table] == before[table], table
    # A backup's own row is written once it is finished: the copy holds the earlier ones.
    assert len(before["backups"]) == 1 and after["backups"] == []
    assert restored.rows == sum(len(rows) for rows in after.values())
    # The restored database opens and takes new rows (its sequences carried on).
    reopened = open_app_database(path)
    try:
        session = make_session(reopened, title="After the restore")
        assert session.id > max(row[0] for row in before["sessions"])
    finally:
        reopened.close()


def test_restore_keeps_every_earlier_file_and_refuses_what_is_not_a_backup(db, backup_dir):
    make_session(db)
    first = backups.back_up(db, COMMAND_LINE).file
    db.close()
    one = backups.restore(first, db.path)
    two = backups.restore(first, db.path)
    assert one.kept_aside and two.kept_aside and one.kept_aside != two.kept_aside
    assert one.kept_aside.exists() and two.kept_aside.exists()
    stranger = db.path.parent / "other.duckdb"
    duckdb.connect(str(stranger)).execute("CREATE TABLE t (i INTEGER)").close()
    with pytest.raises(backups.BackupFailed, match="not a backup of this app"):
        backups.restore(stranger, db.path)
    garbage = db.path.parent / "garbage.duckdb"
    garbage.write_bytes(b"not a database at all")
    with pytest.raises(backups.BackupFailed, match="cannot be opened as a database"):
        backups.restore(garbage, db.path)
    assert {p.name for p in db.path.parent.iterdir()} >= {
        one.kept_aside.name,
        two.kept_aside.name,
        "lessons.duckdb",
    }


def ann_leaves_her_email(db) -> None:
    """A response that kept a name and an email address, to be found and erased."""
    submit_feedback(
        db, make_session(db).id,
        FeedbackAnswer(overall_rating=4, contact_opt_in=True, contact_name="Ann Example",
                       contact_detail="ann@example.org"),
        "k1",
    )  # fmt: skip


def test_restore_lists_the_erasures_it_undid(db, backup_dir):
    ann_leaves_her_email(db)
    backup = backups.back_up(db, COMMAND_LINE).file
    [found] = privacy.find_contacts(db, "ann@example")
    privacy.erase_contacts(db, [found.response_id], COMMAND_LINE)
    db.close()
    done = CliRunner().invoke(main, ["--db", str(db.path), "restore", str(backup)])
    assert done.exit_code == 0, done.output
    assert "Restoring undid 1 erasures or purges made after this backup" in done.output
    assert f"Erased the contact details kept with 1 response (#{found.response_id})" in (
        done.output
    )
    again = CliRunner().invoke(main, ["--db", str(db.path), "restore", str(backup)])
    assert "Restoring undid" not in again.output  # the file kept aside this time has none


def test_restore_brings_an_older_backup_up_to_date(db, backup_dir, tmp_path):
    backup = backups.back_up(db, COMMAND_LINE).file
    db.close()
    with duckdb.connect(str(backup)) as old:
        old.execute("DELETE FROM schema_migrations WHERE name = '013_backups'")
        old.execute("DROP TABLE backups")
        old.execute("DROP SEQUENCE backups_id_seq")
    restored = backups.restore(backup, tmp_path / "elsewhere.duckdb")
    assert restored.kept_aside is None
    assert restored.migrations == ["013_backups"]
    assert restored.tables["backups"] == 0


def test_restore_refuses_while_the_app_holds_the_database(db, backup_dir):
    backup = backups.back_up(db, COMMAND_LINE).file
    db.close()
    with held_by_another_process(db.path), pytest.raises(backups.BackupFailed, match="stop it"):
        backups.restore(backup, db.path)
    assert db.path.exists() and not list(db.path.parent.glob("*before-restore*"))


@contextmanager
def held_by_another_process(path: Path) -> Iterator[None]:
    """The database file open for writing in another process, as the running app holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True);"
         " time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield
    finally:
        holder.kill()
        holder.wait()


BALLAST_ROWS = 3_000_000


def test_drill_a_backup_killed_mid_way_leaves_nothing_that_looks_complete(db_path, backup_dir):
    database = open_app_database(db_path)
    with database.transaction() as cur:
        # Enough rows that the copy takes a moment, long enough to be killed in.
        cur.execute(
            "CREATE TABLE ballast AS SELECT range AS i, md5(range::VARCHAR) AS s"
            f" FROM range({BALLAST_ROWS})"
        )
    database.close()
    backing_up = subprocess.Popen(
        [sys.executable, "-c", "from lessons.cli import main; main()", "--db", str(db_path)]
        + ["backup", "now"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(backup_dir.glob(".*.partial")):
        assert backing_up.poll() is None, "the backup finished before it could be killed"
        time.sleep(0.005)
    os.kill(backing_up.pid, signal.SIGKILL)
    assert backing_up.wait() == -signal.SIGKILL
    left = sorted(p.name for p in backup_dir.iterdir())
    assert left and all(name.startswith(".") and ".partial" in name for name in left)
    assert backups.backup_files(backup_dir, "lessons") == []
    listed = CliRunner().invoke(main, ["--db", str(db_path), "backup", "list"])
    assert "No backups" in listed.output
    # The next backup clears what was left and is whole.
    database = open_app_database(db_path)
    try:
        result = backups.back_up(database, COMMAND_LINE)
    finally:
        database.close()
    assert os.listdir(backup_dir) == [result.file.name]
    assert backups.file_tables(result.file)["ballast"] == BALLAST_ROWS


# --- retention ------------------------------------------------------------------------------


def test_a_purge_deletes_the_backups_older_than_the_retention_period(db, backup_dir):
    backup_dir.mkdir()
    for stamp in ("20240101-020000", "20261101-020000"):
        (backup_dir / f"lessons-{stamp}.duckdb").write_bytes(b"old")
    kept = backups.back_up(db, COMMAND_LINE).file
    done = privacy.purge(db, COMMAND_LINE, now=datetime(2026, 12, 7, 10, 0))
    assert done.backups_deleted == 1
    assert sorted(p.name for p in backup_dir.iterdir()) == sorted(
        ["lessons-20261101-020000.duckdb", kept.name]
    )


def test_an_erasure_deletes_the_backups_older_than_the_retention_period(db, backup_dir):
    ann_leaves_her_email(db)
    backup_dir.mkdir()
    (backup_dir / "lessons-20230101-020000.duckdb").write_bytes(b"old")
    [found] = privacy.find_contacts(db, "ann@example")
    privacy.erase_contacts(db, [found.response_id], COMMAND_LINE)
    assert list(backup_dir.iterdir()) == []


def test_the_privacy_notice_says_how_long_backups_are_kept():
    text = notice_html(PrivacySettings(retention_months=12), backup_days=7)
    assert "backed up each night" in text
    assert "Each backup is kept for 7 days" in text and "beyond the 12 months" in text


# --- the command line -----------------------------------------------------------------------


def test_backup_now_and_list_with_the_app_stopped(db, backup_dir):
    make_session(db)
    db.close()
    runner = CliRunner()
    taken = runner.invoke(main, ["--db", str(db.path), "backup", "now"])
    assert taken.exit_code == 0, taken.output
    assert "checked" in taken.output
    [backup] = backups.backup_files(backup_dir, "lessons")
    listed = runner.invoke(main, ["--db", str(db.path), "backup", "list"])
    assert str(backup.path) in listed.output and "each day at 02:00" in listed.output


def test_restore_from_the_command_line_prints_what_it_restored(db, backup_dir):
    make_session(db)
    backup = backups.back_up(db, COMMAND_LINE).file
    db.close()
    done = CliRunner().invoke(main, ["--db", str(db.path), "restore", str(backup)])
    assert done.exit_code == 0, done.output
    assert "Kept the database that was there as" in done.output
    assert "sessions" in done.output and "tables" in done.output
    elsewhere = db.path.parent / "copy.duckdb"
    done = CliRunner().invoke(
        main, ["--db", str(db.path), "restore", str(backup), "--to", str(elsewhere)]
    )
    assert done.exit_code == 0 and "Kept" not in done.output
    assert every_row(elsewhere)["sessions"] == every_row(db.path)["sessions"]


# --- the Backups page ---------------------------------------------------------------------------


def backups_page(admin) -> AppTest:
    return signed_in(
        AppTest.from_file(str(ROOT / "pages" / "backups.py"), default_timeout=60), admin
    )


def test_an_administrator_backs_up_now_and_sees_it_listed(db, backup_dir):
    admin = make_account(db, "Sam Okafor", "admin")
    at = backups_page(admin).run()
    assert not at.exception
    assert "No backup has been taken" in at.info[0].value
    assert str(backup_dir.resolve()) in at.code[0].value
    at.button(key="backups_now").click().run()
    assert not at.exception
    [backup] = backups.backup_files(backup_dir, "lessons")
    assert "checked" in at.success[0].value and backup.path.name in at.success[0].value
    listed = at.dataframe[0].value
    assert list(listed["File"]) == [backup.path.name]
    assert bool(listed["Checked"][0]) and listed["Rows"][0] > 0
    assert "lessons restore" in " ".join(m.value for m in at.markdown)


def test_a_backup_that_cannot_be_written_is_said_on_the_page(db, backup_dir):
    backup_dir.write_text("a file where the folder should be")
    admin = make_account(db, "Sam Okafor", "admin")
    at = backups_page(admin).run()
    at.button(key="backups_now").click().run()
    assert not at.exception
    assert f"The backup could not be written to {backup_dir}" in at.error[0].value
    at.run()  # later: the page says the last one failed
    assert "The last backup, at" in at.warning[0].value and "failed" in at.warning[0].value
    [row] = at.dataframe[0].value.to_dict("records")
    assert not row["Checked"] and row["Problem"].startswith("The backup could not be written")


def test_backup_now_says_so_when_another_process_holds_the_database_unannounced(db, backup_dir):
    db.close()
    with held_by_another_process(db.path):
        refused = CliRunner().invoke(main, ["--db", str(db.path), "backup", "now"])
    assert refused.exit_code == 1
    assert "Another process is using" in refused.output and "left no run-file" in refused.output


def test_odd_file_and_folder_names_are_backed_up_and_restored(tmp_path):
    odd = tmp_path / 'it\'s a "folder"' / "select-from it's.duckdb"
    database = open_app_database(odd)
    try:
        make_session(database)
        settings = backups.BackupSettings(tmp_path / "back'ups", None, 14)
        result = backups.back_up(database, COMMAND_LINE, settings=settings)
    finally:
        database.close()
    assert result.file.name.startswith("select-from it's-") and result.tables["sessions"] == 1
    restored = backups.restore(result.file, odd)
    assert restored.kept_aside is not None and restored.tables["sessions"] == 1
