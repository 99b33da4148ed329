"""Shared fixtures: a fresh DuckDB file per test, the demo programme, and quick sessions."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import shutil
import sys
import threading
import warnings
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from filelock import FileLock
from hypothesis import settings
from streamlit import config as streamlit_config

from lessons import accounts, store
from lessons.demo import load_demo
from lessons.demo_content import DemoProgramme
from lessons.sessions import SessionDraft, create_session
from lessons.startup import open_app_database

# Tests check behaviour, not timings: on a loaded machine (CI beside other work) a property's
# example may take longer than Hypothesis's default 200 ms deadline without anything wrong.
settings.register_profile("behaviour", deadline=None)
settings.load_profile("behaviour")

ROOT = Path(__file__).resolve().parent.parent
# Debian's chromium, which the browser tests in tests/e2e drive.
CHROMIUM = Path(os.environ.get("LESSONS_CHROMIUM", "/usr/bin/chromium"))


# The browser check lives here, not in tests/e2e/conftest.py, because under pytest-xdist
# only this conftest is sure to load in the controlling process, which reports the run.
def pytest_configure(config: pytest.Config) -> None:
    if CHROMIUM.exists() or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if os.environ.get("CI") == "true":
        # Under CI a missing browser is a failure, never a quiet skip.
        pytest.exit(f"CI=true but {CHROMIUM} is missing: .ci/run should install chromium.", 1)
    print(
        f"\n{'!' * 72}\n  BROWSER TESTS SKIPPED: {CHROMIUM} is not installed.\n"
        f"  Install it with: apt-get install -y chromium\n{'!' * 72}",
        file=sys.stderr,
    )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Under `--dist loadgroup`, every browser test (tests/e2e) on one worker.

    One chromium and one Streamlit server at a time, and the other cores left to the
    rest. Every other test is its own unit, as loadgroup makes them. xdist's own
    grouping by `xdist_group` marks relies on changing node ids, which pytest 9.2 no
    longer allows (pytest-xdist issue 1386), so the group is read from the path here.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/e2e" if nodeid.startswith("tests/e2e/") else nodeid

    return BrowserTestsTogether(config, log)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Repeat the warning at the end, where a person reading the run will see it.
    if not CHROMIUM.exists():
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED: {CHROMIUM} is not installed (apt-get install -y chromium)",
            red=True,
            bold=True,
        )


class _LoggedDeprecations(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def streamlit_deprecations_as_warnings() -> Iterator[None]:
    """Streamlit logs its deprecations instead of warning: raise them as DeprecationWarnings.

    They are raised on the way out, in the caller's thread (AppTest runs pages in
    another), so pytest's filterwarnings decide about them as about any other warning.
    """
    logger = logging.getLogger("streamlit.deprecation_util")
    handler = _LoggedDeprecations()
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    for message in dict.fromkeys(handler.messages):
        warnings.warn(message, DeprecationWarning, stacklevel=3)


@pytest.fixture(autouse=True)
def _streamlit_deprecations_fail_tests() -> Iterator[None]:
    with streamlit_deprecations_as_warnings():
        yield


@pytest.fixture(autouse=True)
def _served_on_a_laptop() -> Iterator[None]:
    """AppTest runs no server: pages see the address `make run` listens on by default
    (127.0.0.1), as on a laptop, where an empty database runs in open mode. Tests of a
    server on another address set their own."""
    before = streamlit_config.get_option("server.address")
    streamlit_config.set_option("server.address", "127.0.0.1")
    yield
    streamlit_config.set_option("server.address", before)


T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on a fresh event loop in its own thread: the browser
    tests' Playwright keeps a loop running in the worker's main thread."""
    results: list[T] = []

    def run() -> None:
        results.append(asyncio.run(coroutine))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert results, "the coroutine raised (see the thread's error above)"
    return results[0]


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database file that the app under test (LESSONS_DB) also uses."""
    path = tmp_path / "lessons.duckdb"
    monkeypatch.setenv("LESSONS_DB", str(path))
    return path


@pytest.fixture
def db(db_path: Path):
    database = open_app_database(db_path)
    yield database
    database.close()


def found(value: T | None) -> T:
    """A row a test has just written: read back, it must be there."""
    assert value is not None
    return value


DemoTemplate = Callable[[date], tuple[Path, DemoProgramme]]
DemoCopy = Callable[[date], tuple[store.Database, DemoProgramme]]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplate:
    """The demo loaded once per date into a closed database file, and what load_demo returned.

    Under pytest-xdist every worker has its own temporary folder; their common parent
    belongs to this run only, so the first worker to need a date builds it there (under
    a file lock) and the others copy the same file.
    """
    folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = folder.parent

    def template(today: date) -> tuple[Path, DemoProgramme]:
        path = folder / f"demo-{today.isoformat()}.duckdb"
        returned = path.with_suffix(".programme.pickle")
        with FileLock(str(path.with_suffix(".lock"))):
            if not returned.exists():
                database = open_app_database(path)
                try:
                    programme = load_demo(database, today=today)
                finally:
                    database.close()
                returned.write_bytes(pickle.dumps(programme))
        return path, pickle.loads(returned.read_bytes())

    return template


@pytest.fixture
def demo_copy(db_path: Path, demo_template: DemoTemplate) -> Iterator[DemoCopy]:
    """This test's database (LESSONS_DB) as a copy of the demo loaded on a given date."""
    opened: list[store.Database] = []

    def copy(today: date) -> tuple[store.Database, DemoProgramme]:
        assert not db_path.exists(), "the demo copy replaces the test's database: use one"
        template, programme = demo_template(today)
        shutil.copyfile(template, db_path)
        opened.append(open_app_database(db_path))
        return opened[-1], programme

    yield copy
    for database in opened:
        database.close()


def session_draft(**overrides: Any) -> SessionDraft:
    start = datetime(2026, 3, 12, 18, 0)
    values: dict[str, Any] = dict(
        title="Social media for councillors",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        council="Calderbrook Council",
        venue="Town Hall, Committee Room 2",
        programme="Councillors and Social Media",
        facilitators=["Priya Shah", "Tom Ellery"],
        councillor_facilitators=["Cllr Ruth Abbott"],
        context_minutes=40,
        hands_on_minutes=70,
        expected_attendees=12,
    )
    values.update(overrides)
    return SessionDraft(**values)


def make_session(database: store.Database, **overrides) -> store.SessionRow:
    session_id = create_session(database, session_draft(**overrides))
    with database.reading() as cur:
        row = store.session_by_id(cur, session_id)
    assert row is not None
    return row


def table_count(database: store.Database, table: str) -> int:
    with database.reading() as cur:
        return store.count_rows(cur, table)


def make_account(
    database: store.Database,
    name: str = "Priya Shah",
    role: str = "lead",
    password: str | None = None,
    email: str | None = None,
) -> store.AccountRow:
    """A staff account (without a password unless given: no hashing, so quick); its
    `.actor()` is it making a change."""
    address = email or name.lower().replace(" ", ".").replace("'", "") + "@council.example"
    return found(
        accounts.account_by_id(
            database, accounts.add_account(database, address, name, role, password)
        )
    )


def signed_in(at: Any, account: store.AccountRow) -> Any:
    """An AppTest whose browser session is signed in to `account` (AppTest cannot drive
    st.login, so the session state is set as a sign-in sets it)."""
    at.session_state["auth_account_id"] = account.id
    return at


def person(database: store.Database, name: str) -> store.AccountRow:
    """The account of someone already in the database (e.g. a person of the demo)."""
    return next(a for a in accounts.list_accounts(database) if a.display_name == name)
