"""A real Streamlit server on 127.0.0.1 and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest

from lessons import accounts
from lessons.startup import open_app_database
from tests.conftest import CHROMIUM, ROOT

# Without these, chromium reaches for Google's services and waits on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    # Said loudly at the start and end of the run by tests/conftest.py.
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install -y chromium)")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StreamlitServer:
    def __init__(self, db_path: Path, port: int, env: dict[str, str] | None = None) -> None:
        self.url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "LESSONS_DB": str(db_path),
            "LESSONS_PUBLIC_URL": self.url,
            **(env or {}),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lessons.ui_server",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_healthy()

    def _wait_until_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"streamlit exited: {stderr}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not become healthy in time")

    def stop(self) -> None:
        """Stop the server so its database file can be opened by the test."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def with_accounts(db_path: Path, people: Sequence[tuple[str, str, str, str | None]]) -> None:
    """Before the server starts: staff accounts (name, email, role, password or None for
    single sign-on only) in the database it will serve."""
    database = open_app_database(db_path)
    try:
        for name, email, role, password in people:
            accounts.add_account(database, email, name, role, password)
    finally:
        database.close()


@pytest.fixture
def start_server() -> Iterator:
    """Start the app on 127.0.0.1 for a database (`env`: more environment, e.g. the single
    sign-on settings); stopped after the test."""
    servers: list[StreamlitServer] = []

    def start(db_path: Path, env: dict[str, str] | None = None) -> StreamlitServer:
        server = StreamlitServer(db_path, free_port(), env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def demo_server(demo_template, tmp_path_factory) -> Iterator[StreamlitServer]:
    """One server on a copy of the demo (loaded for 25 November 2026) for the whole module."""
    path = tmp_path_factory.mktemp("demo-server") / "demo.duckdb"
    template, _ = demo_template(date(2026, 11, 25))
    shutil.copyfile(template, path)
    server = StreamlitServer(path, free_port())
    yield server
    server.stop()
