"""How long does each staff page take to open? Each against an empty page of the same app.

    python benchmarks/page_speed.py [--opens 3]

On a fresh copy of the demo programme (`lessons demo`), with an administrator made by
`lessons users add` (so every staff page is open to it), the real server
(`python -m lessons.ui_server`) on 127.0.0.1 and Debian's chromium: sign in on the sign-in
page, then open every staff page by its address, `--opens` times each (the pages taken in
turn, round after round, so that a burst of load elsewhere on the machine falls on all of
them), and time from the navigation until Streamlit is idle: the page's own heading is on
screen and the app's root says its script has finished (`data-test-script-state` is
`notRunning`, which Streamlit sets when the run ends; no "Running" indicator is left).

The empty page is the Set up page (`/setup`) once any account exists: app.py's menu and
the sidebar's "Signed in as", then one heading and one line of text, the same route through
the same server. What the app costs every page (the browser reconnecting, app.py's menu,
the sign-in check) is in it; the difference is the page's own work.

One open of every page first warms the server up (each page's first run imports its
modules); it is printed but not counted. Ends with one line of JSON: the median seconds of
the empty page and of each page.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS, StreamlitServer, free_port  # noqa: E402

# The `lessons` command installed beside this Python (the project's .venv).
LESSONS = Path(sys.executable).parent / "lessons"
EMAIL = "page.speed@council.example"
PASSWORD = "a long passphrase for the benchmark"
EMPTY = ("empty_page", "setup", "Set up")
# (name in the JSON, address, the page's own heading)
PAGES = [
    ("home", "", "What needs attention"),  # the default page once signed in
    ("sessions", "sessions", "Sessions"),
    ("plan", "plan", "Plan the next session"),
    ("postmortem", "postmortem", "Post-mortem"),
    ("comments", "comments", "Comments"),
    ("lessons", "lessons", "Lessons learnt"),
    ("import", "import", "Import feedback"),
    ("paper", "paper", "Enter paper feedback"),
    ("trends", "trends", "Trends"),
    ("reports", "reports", "Reports"),
    ("people", "people", "People"),
    ("themes", "settings", "Settings"),
    ("privacy", "privacy_settings", "Privacy"),
    ("backups", "backups", "Backups"),
    ("account", "sign_in", "Your account"),
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def lessons_command(db_path: Path, *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [str(LESSONS), "--db", str(db_path), *args],
        cwd=ROOT, check=True, capture_output=True, text=True, input=stdin,
    )  # fmt: skip


def demo_with_an_administrator(folder: Path) -> Path:
    db_path = folder / "pages.duckdb"
    lessons_command(db_path, "demo")
    lessons_command(db_path, "users", "add", EMAIL, "--name", "Page Speed", "--role", "admin",
                    "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    return db_path


def sign_in(page: Page, url: str) -> None:
    page.goto(url)  # the sign-in page is the default page until signed in
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="What needs attention").wait_for(timeout=60_000)
    # The sidebar fetches the cookie that keeps the sign-in across page loads.
    deadline = time.monotonic() + 30
    while not any(c["name"] == "lessons_session" for c in page.context.cookies()):
        if time.monotonic() > deadline:
            raise SystemExit("the sign-in cookie never came")
        page.wait_for_timeout(100)


def open_page(page: Page, url: str, address: str, heading: str) -> float:
    """Seconds from navigating to the page's address until Streamlit is idle on it."""
    started = time.perf_counter()
    page.goto(f"{url}/{address}", wait_until="commit")
    # A heading may go on to name the page's filters ("Reports: council: …").
    own_heading = re.compile(rf"^{re.escape(heading)}(:.*)?$")
    page.get_by_role("heading", name=own_heading, level=1).wait_for(timeout=60_000)
    page.locator(IDLE).wait_for(state="attached", timeout=60_000)
    elapsed = time.perf_counter() - started
    if page.get_by_text("This page is for").count():
        raise SystemExit(f"/{address} refused the administrator")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=3, help="opens of each page (median)")
    opens = parser.parse_args().opens
    everything = [EMPTY, *PAGES]
    timings: dict[str, list[float]] = {name: [] for name, _, _ in everything}
    with tempfile.TemporaryDirectory() as folder:
        server = StreamlitServer(demo_with_an_administrator(Path(folder)), free_port())
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                sign_in(page, server.url)
                warm = {n: open_page(page, server.url, a, h) for n, a, h in everything}
                for _ in range(opens):
                    for name, address, heading in everything:
                        timings[name].append(open_page(page, server.url, address, heading))
                browser.close()
        finally:
            server.stop()
    medians = {name: round(statistics.median(times), 2) for name, times in timings.items()}
    print(f"Seconds until Streamlit is idle, median of {opens} opens (first open, not counted):")
    for name, _, _ in everything:
        runs = ", ".join(f"{t:.2f}" for t in timings[name])
        print(f"  {name:<12} {medians[name]:5.2f}   ({runs}; first {warm[name]:.2f})")
    slowest = max(medians[name] for name, _, _ in PAGES)
    print(f"slowest page {slowest:.2f} s; empty page {medians['empty_page']:.2f} s")
    print(
        json.dumps(
            {
                "empty_page_s": medians["empty_page"],
                "pages": {name: medians[name] for name, _, _ in PAGES},
            }
        )
    )


if __name__ == "__main__":
    main()
