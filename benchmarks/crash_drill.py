"""The kill -9 drill: is every acknowledged response still there after a crash, and does
reopening stay as quick after many crashes as after the first?

    python benchmarks/crash_drill.py [--rounds 20] [--writers 3] [--seed 1]

Each round starts the real server (`python -m lessons.ui_server` on 127.0.0.1), and
`--writers` browser pages (Debian's chromium) fill in and send the feedback form
concurrently, each answer marked with its own code. A response counts as acknowledged
once its page shows "Thank you". At a random moment 0.5-8 s after the round's first
acknowledgement the server is killed with SIGKILL mid-flight; the drill then times
reopening the database (write-ahead log replayed and checkpointed), counts which
marked responses are stored, and starts the next round.
Lost = acknowledged but not stored (must be 0); stored but never acknowledged is fine
(the kill came between the save and the page's thanks).

Prints one line per round, the totals, and last one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lessons import clock, sessions  # noqa: E402
from lessons.startup import open_app_database  # noqa: E402

CHROMIUM = os.environ.get("LESSONS_CHROMIUM", "/usr/bin/chromium")
MARK = "drill-"
# The server is killed this many seconds (at random between the two) after the first
# response of the round is acknowledged.
KILL_AFTER = (0.5, 8.0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def new_database(path: Path) -> str:
    """A database with one session open for feedback; its feedback token."""
    database = open_app_database(path)
    try:
        start = datetime.combine(clock.today_local(), datetime.min.time()) + timedelta(hours=9)
        session_id = sessions.create_session(
            database,
            sessions.SessionDraft(
                title="Crash drill", starts_at=start, ends_at=start + timedelta(hours=2),
                council="Drill Council", venue="Drill Hall", status="delivered",
            ),
        )  # fmt: skip
        with database.reading() as cur:
            [(token,)] = cur.execute(
                "SELECT feedback_token FROM sessions WHERE id = ?", [session_id]
            ).fetchall()
        return str(token)
    finally:
        database.close()


def stored_marks(path: Path) -> tuple[set[str], float]:
    """The drill's marks stored in the database, and how long opening it took (seconds)."""
    start = time.perf_counter()
    database = open_app_database(path)
    opened = time.perf_counter() - start
    try:
        with database.reading() as cur:
            rows = cur.execute(
                "SELECT text FROM comments WHERE text LIKE ?", [MARK + "%"]
            ).fetchall()
        return {str(body) for (body,) in rows}, opened
    finally:
        database.close()


def start_server(path: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """The real server; returns once /health answers 200, with the seconds that took."""
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "lessons.ui_server", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ],
        cwd=ROOT, env={**os.environ, "LESSONS_DB": str(path)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                if reply.status == 200:
                    return server, time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not become healthy within 60 s")


async def writer(page, url: str, name: str, acknowledged: set[str], stop: asyncio.Event):
    """One attendee's phone: send the form again and again until the server dies."""
    sent = 0
    try:
        while not stop.is_set():
            mark = f"{MARK}{name}-{sent}"
            await page.goto(url)
            # The form is plain HTML (lessons.web_feedback): a rating, a comment, send.
            await page.locator('label[for="overall_rating-4"]').click(timeout=30_000)
            await page.get_by_label("What worked well for you?").fill(mark)
            await page.get_by_role("button", name="Send feedback").click()
            await page.get_by_role("heading", name="Thank you").wait_for(timeout=30_000)
            acknowledged.add(mark)
            sent += 1
    except Exception as problem:  # the server was killed under this page: round over
        if not stop.is_set():
            print(f"  {name}: {type(problem).__name__}: {str(problem)[:200]}", file=sys.stderr)


async def one_round(
    browser, url: str, writers: int, server: subprocess.Popen[bytes], kill_after: float
) -> set[str]:
    acknowledged: set[str] = set()
    stop = asyncio.Event()
    names = [f"r{time.monotonic_ns()}w{n}" for n in range(writers)]
    pages = [await browser.new_page(viewport={"width": 375, "height": 812}) for _ in names]
    tasks = [
        asyncio.create_task(writer(page, url, name, acknowledged, stop))
        for page, name in zip(pages, names, strict=True)
    ]
    # Kill mid-flight: a random moment after the first acknowledgement (so that every round
    # has something to lose), while the other pages are filling in or sending.
    deadline = time.monotonic() + 90
    while not acknowledged and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(kill_after)
    server.send_signal(signal.SIGKILL)
    server.wait()
    # Pages mid-submission would wait for a server that is gone: close them. Whatever
    # they had not seen acknowledged by now does not count.
    stop.set()
    for page in pages:
        await page.close()
    await asyncio.gather(*tasks)
    return acknowledged


async def drill(rounds: int, writers: int, seed: int, folder: Path) -> dict[str, object]:
    from playwright.async_api import async_playwright

    chance = random.Random(seed)
    path = folder / "drill.duckdb"
    token = new_database(path)
    all_acknowledged: set[str] = set()
    reopen_seconds: list[float] = []
    start_seconds: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"],
        )  # fmt: skip
        for number in range(1, rounds + 1):
            port = free_port()
            server, started = start_server(path, port)
            start_seconds.append(started)
            url = f"http://127.0.0.1:{port}/feedback?s={token}"
            kill_after = chance.uniform(KILL_AFTER[0], KILL_AFTER[1])
            acknowledged = await one_round(browser, url, writers, server, kill_after)
            all_acknowledged |= acknowledged
            stored, reopened = stored_marks(path)
            reopen_seconds.append(reopened)
            lost = len(all_acknowledged - stored)
            print(
                f"round {number:>2}: killed {kill_after:.1f} s after the first thanks, acknowledged"
                f" {len(acknowledged):>3}, stored so far {len(stored):>4}, lost {lost},"
                f" reopen {reopened * 1000:.0f} ms, server healthy in {started:.1f} s",
                flush=True,
            )
        await browser.close()
    stored, _ = stored_marks(path)
    return {
        "rounds": rounds,
        "writers": writers,
        "acknowledged": len(all_acknowledged),
        "stored": len(stored),
        "lost": len(all_acknowledged - stored),
        "reopen_ms_first": round(reopen_seconds[0] * 1000, 1),
        "reopen_ms_last": round(reopen_seconds[-1] * 1000, 1),
        "reopen_ms_max": round(max(reopen_seconds) * 1000, 1),
        "server_start_s_first": round(start_seconds[0], 2),
        "server_start_s_last": round(start_seconds[-1], 2),
        "wal_bytes_left": (folder / "drill.duckdb.wal").stat().st_size
        if (folder / "drill.duckdb.wal").exists()
        else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(drill(args.rounds, args.writers, args.seed, Path(folder)))
    print(
        f"{result['rounds']} rounds of kill -9: {result['acknowledged']} responses"
        f" acknowledged, {result['stored']} stored, {result['lost']} lost; reopen"
        f" {result['reopen_ms_first']} ms first, {result['reopen_ms_last']} ms last"
        f" (max {result['reopen_ms_max']} ms)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
