"""Backups from the running app: `lessons backup now` asks it through its run-file's secret,
the route refuses anyone else, and a full backup disk is a clear error while the app goes
on serving."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from lessons import backups, web_backup
from lessons.auth import COMMAND_LINE
from lessons.startup import open_app_database
from tests.conftest import ROOT
from tests.e2e.conftest import StreamlitServer, free_port


def lessons_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from lessons.cli import main; main()", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def post(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=b"", method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 512 KB file system of its own (tmpfs): a backup folder that fills up."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_backup_now_asks_the_running_app_which_alone_accepts_its_secret(demo_copy, tmp_path):
    db, _ = demo_copy(date(2026, 11, 25))
    db.close()
    folder = tmp_path / "backups"
    server = StreamlitServer(db.path, free_port(), {backups.ENV_FOLDER: str(folder)})
    try:
        run_file = backups.run_file(db.path)
        assert stat.S_IMODE(run_file.stat().st_mode) == 0o600
        running = backups.running_server(db.path)
        assert running is not None and running.url == server.url
        assert running.pid == server.process.pid

        taken = lessons_cli("--db", str(db.path), "backup", "now")
        assert taken.returncode == 0, taken.stderr
        assert "taken by the running app" in taken.stdout and "checked" in taken.stdout
        [backup] = backups.backup_files(folder, "lessons")

        route = server.url + web_backup.BACKUP_PATH
        assert post(route)[0] == 403
        assert post(route, {backups.SECRET_HEADER: "guessed"})[0] == 403
        assert post(route, {backups.SECRET_HEADER: running.secret[:-1]})[0] == 403
        # A GET (a link, an image in a page) reaches Streamlit's own page, never a backup.
        with urllib.request.urlopen(route, timeout=30) as page:
            assert b"ok" not in page.read()[:20]
        assert len(backups.backup_files(folder, "lessons")) == 1
    finally:
        server.stop()
    assert not backups.run_file(db.path).exists()
    reopened = open_app_database(db.path)
    try:
        [row] = backups.history(reopened)
    finally:
        reopened.close()
    assert row.file == backup.path.name and row.checked
    assert row.requested_by == "command line (asked the running app)"
    assert backups.file_tables(backup.path)["responses"] > 100


def test_a_full_backup_disk_is_a_clear_error_and_the_app_keeps_serving(demo_copy, tiny_filesystem):
    db, _ = demo_copy(date(2026, 11, 25))
    db.close()
    server = StreamlitServer(db.path, free_port(), {backups.ENV_FOLDER: str(tiny_filesystem)})
    try:
        refused = lessons_cli("--db", str(db.path), "backup", "now")
        assert refused.returncode == 1
        assert f"The backup folder {tiny_filesystem} is full" in refused.stderr
        assert "earlier backups are kept" in refused.stderr
        assert os.listdir(tiny_filesystem) == []  # nothing half-written left behind
        # Still serving, and still writing to its database: the page and a second try.
        with urllib.request.urlopen(server.url + "/privacy", timeout=30) as page:
            assert page.status == 200 and b"backed up each night" in page.read()
        again = lessons_cli("--db", str(db.path), "backup", "now")
        assert again.returncode == 1 and "is full" in again.stderr
        with urllib.request.urlopen(server.url + "/_stcore/health", timeout=30) as health:
            assert health.status == 200
    finally:
        server.stop()
    reopened = open_app_database(db.path)
    try:
        rows = backups.history(reopened)
    finally:
        reopened.close()
    assert len(rows) == 2 and all("is full" in row.error and not row.checked for row in rows)


def test_a_full_disk_in_the_same_process_leaves_the_database_whole(db, tiny_filesystem):
    settings = backups.BackupSettings(tiny_filesystem, None, 14)
    with pytest.raises(backups.BackupFailed, match="is full"):
        backups.back_up(db, COMMAND_LINE, settings=settings)
    assert os.listdir(tiny_filesystem) == []
    [row] = backups.history(db)
    assert "is full" in row.error
