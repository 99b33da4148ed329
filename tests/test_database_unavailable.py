"""A database that cannot be used — held by a running app, in a read-only folder, damaged,
on a full disk, or given a bad memory limit — gives one clear line and exit status 1 at
start-up, from the server and from every `lessons` command; at run time, a message, the
attendee's answers kept on the form, and nothing already stored lost."""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from lessons.clock import now_local
from lessons.startup import open_app_database
from tests.conftest import ROOT, make_session, table_count

SERVER = [sys.executable, "-m", "lessons.ui_server", "--server.headless", "true"]
SERVER_ARGS = ["--server.address", "127.0.0.1", "--server.port", "1"]
LESSONS = [sys.executable, "-c", "from lessons.cli import main; main()"]
SETPRIV = shutil.which("setpriv")


def run(
    command: list[str],
    db_path: Path,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "LESSONS_DB": str(db_path), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=preexec,
    )


def one_line(done: subprocess.CompletedProcess) -> str:
    """The refusal: exit status 1, one line on standard error, no traceback."""
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr
    return lines[0]


def server(db_path: Path, **kwargs) -> str:
    return one_line(run([*SERVER, *SERVER_ARGS], db_path, **kwargs))


def command(db_path: Path, *words: str, **kwargs) -> str:
    return one_line(run([*LESSONS, *words], db_path, **kwargs))


def responses(path: Path) -> int:
    database = open_app_database(path)
    try:
        return table_count(database, "responses")
    finally:
        database.close()


@pytest.fixture
def demo_file(demo_copy) -> Path:
    """A closed copy of the demo, with its responses."""
    database, _ = demo_copy(date(2026, 11, 25))
    database.close()
    return database.path


def test_a_second_server_or_any_command_while_the_app_runs(demo_file):
    before = responses(demo_file)
    running = open_app_database(demo_file)  # holds DuckDB's lock, as the running app does
    try:
        line = server(demo_file)
        assert line.startswith("Cannot start: The database") and "in use" in line
        assert "stop the app" in line
        for words, page in (
            (["sessions", "list"], "the Sessions page"),
            (["users", "list"], "Settings → People"),
            (["privacy", "purge", "--dry-run"], "Settings → Privacy"),
            (["init"], None),
        ):
            line = command(demo_file, *words)
            assert line.startswith("Error: the app (or another program) is using the database")
            assert str(demo_file) in line and "stop the app first" in line
            if page:
                assert line.endswith(f", or do this on {page} in the app.")
    finally:
        running.close()
    assert responses(demo_file) == before


@pytest.mark.skipif(SETPRIV is None, reason="setpriv (util-linux) is needed to drop root's rights")
def test_a_read_only_folder(demo_file, tmp_path):
    before = responses(demo_file)
    folder = tmp_path / "read-only"
    folder.mkdir()
    kept = folder / "lessons.duckdb"
    shutil.copyfile(demo_file, kept)
    folder.chmod(0o555)
    # Root may write anywhere: run without the right to ignore file permissions.
    drop = [str(SETPRIV), "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]
    try:
        for db_path in (kept, folder / "new.duckdb"):
            line = one_line(run([*drop, *SERVER, *SERVER_ARGS], db_path))
            assert "read-only" in line and "write access" in line, line
        line = one_line(run([*drop, *LESSONS, "init"], folder / "new.duckdb"))
        assert "read-only" in line
    finally:
        folder.chmod(0o755)
    assert responses(kept) == before and not (folder / "new.duckdb").exists()


def test_a_truncated_or_foreign_file(demo_file, tmp_path):
    truncated = tmp_path / "truncated.duckdb"
    whole = demo_file.read_bytes()
    truncated.write_bytes(whole[: len(whole) // 2])  # DuckDB itself still opens this
    foreign = tmp_path / "foreign.duckdb"
    foreign.write_text("not a database\n" * 100)
    for path in (truncated, foreign):
        for line in (server(path), command(path, "sessions", "list")):
            assert "is damaged" in line and "restore it from a backup" in line, line
    # Refusing touched neither file.
    assert truncated.read_bytes() == whole[: len(whole) // 2]


def file_size_limit(limit: int) -> Callable[[], None]:
    """A full disk, as a process sees it: files may not grow past `limit` bytes."""

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limited


def test_a_full_disk_at_start_up(tmp_path):
    new = tmp_path / "new.duckdb"
    for line in (
        server(new, preexec=file_size_limit(4096)),
        command(new, "init", preexec=file_size_limit(4096)),
    ):
        assert "no room left" in line and "free some space" in line, line


@pytest.mark.parametrize("limit", ["lots", "-5", "-1GB", "0MB", "12 parsecs"])
def test_a_nonsense_or_negative_memory_limit(demo_file, limit):
    env = {"LESSONS_DB_MEMORY_LIMIT": limit}
    for line in (server(demo_file, env=env), command(demo_file, "sessions", "list", env=env)):
        assert f"LESSONS_DB_MEMORY_LIMIT='{limit}' is not a memory size" in line
        assert "such as 500MB" in line


def test_a_sound_memory_limit_is_taken(demo_file):
    done = run([*LESSONS, "sessions", "list"], demo_file, env={"LESSONS_DB_MEMORY_LIMIT": "1GB"})
    assert done.returncode == 0 and "Councillors" in done.stdout


# A full disk while the app runs: the page's form, run by AppTest in a process whose files
# may not grow (the test's own process keeps its rights).
FULL_DISK_FORM = textwrap.dedent(
    """
    import re, warnings
    from starlette.applications import Starlette
    from lessons import web_feedback
    from lessons.startup import shared_database
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    database = shared_database()  # opened before the disk fills, as a running app's is
    client = TestClient(Starlette(routes=web_feedback.routes(lambda: database)))
    page = client.get("/feedback?s={token}").text
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    {limit}
    sent = client.post(
        "/feedback?s={token}",
        data={{"key": key, "lang": "en", "overall_rating": "4",
              "went_well": "Worked examples " * 120, "to_change": "More time for questions"}},
        follow_redirects=False,
    )
    print("STATUS", sent.status_code)
    print("PAGE", " ".join(sent.text.split()))
    """
)


def test_a_full_disk_while_the_form_is_sent_keeps_the_answers_and_the_data(db):
    start = now_local().replace(microsecond=0) - timedelta(minutes=10)  # its form is open
    session = make_session(
        db, title="Full disk evening", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    before = table_count(db, "responses")
    db.close()
    limit = (
        textwrap.dedent(
            """
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
        """
        )
        .replace("\n", "; ")
        .strip("; ")
    )
    script = FULL_DISK_FORM.format(limit=limit, token=session.feedback_token)
    done = run([sys.executable, "-c", script], db.path)
    assert done.returncode == 0, done.stderr
    shown = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())
    assert shown["STATUS"] == "503"
    assert "could not save your feedback just now" in shown["PAGE"]
    assert "Your answers are still here" in shown["PAGE"]
    assert "More time for questions</textarea>" in shown["PAGE"]
    assert re.search(r'name="overall_rating" value="4"[^>]* checked', shown["PAGE"])
    assert responses(db.path) == before


def test_a_write_that_fails_on_the_disk_is_database_unavailable(demo_file):
    before = responses(demo_file)
    script = textwrap.dedent(
        f"""
        import resource, signal
        from lessons.errors import DatabaseUnavailable
        from lessons.feedback import FeedbackAnswer, submit_feedback
        from lessons.startup import open_app_database
        db = open_app_database({str(demo_file)!r})
        with db.reading() as cur:
            [(session_id,)] = cur.execute(
                "SELECT id FROM sessions WHERE status = 'delivered' LIMIT 1").fetchall()
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
        try:
            submit_feedback(db, session_id, FeedbackAnswer(
                overall_rating=4, went_well="x" * 2000, to_change="y" * 2000), "key")
        except DatabaseUnavailable as problem:
            print(problem)
        """
    )
    done = run([sys.executable, "-c", script], demo_file)
    assert done.returncode == 0, done.stderr
    assert "no room left" in done.stdout
    assert responses(demo_file) == before
