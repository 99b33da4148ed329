"""Screenshots of pages at phone and desktop widths, for a person to look at.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [page ...]

Loads the demo into a temporary database, starts a real Streamlit server on
127.0.0.1 and saves full-page PNGs at 375 px and 1280 px wide. A page is a
URL path with an optional query, e.g. `sessions` or `feedback?s=TOKEN`; the
value `/` is the start page; `feedback-demo` opens the form of the newest delivered session.
Staff pages are taken signed in as a person of the demo (`--as`, the programme lead by
default), with the demo's password; `--tab NAME` opens that tab of each page first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from lessons import store  # noqa: E402
from lessons.demo import load_demo  # noqa: E402
from lessons.demo_content import DEMO_ACCOUNTS, DEMO_PASSWORD  # noqa: E402
from lessons.startup import open_app_database  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, StreamlitServer, free_port  # noqa: E402

WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=["feedback-demo", "/"])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument(
        "--as",
        dest="email",
        default=next(email for _, email, role in DEMO_ACCOUNTS if role == "lead"),
        help="the demo account to sign in as for staff pages",
    )
    parser.add_argument("--tab", help="the tab to open on each page first, by its name")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "demo.duckdb"
        database = open_app_database(db_path)
        load_demo(database)
        with database.reading() as cur:
            delivered = [s for s in store.all_sessions(cur) if s.status == "delivered"]
        database.close()
        server = StreamlitServer(db_path, free_port())
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                for name in args.pages:
                    path = name.lstrip("/")
                    if name == "feedback-demo":
                        path = f"feedback?s={delivered[0].feedback_token}"
                    for label, (width, height) in WIDTHS.items():
                        context = browser.new_context(viewport={"width": width, "height": height})
                        page = context.new_page()
                        if not path.startswith("feedback"):
                            sign_in(page, server.url, args.email)
                        page.goto(f"{server.url}/{path}")
                        page.wait_for_selector('[data-testid="stMainBlockContainer"]')
                        page.wait_for_timeout(2500)
                        if args.tab:
                            page.get_by_role("tab", name=args.tab).click()
                            page.wait_for_timeout(1500)
                        # Streamlit scrolls inside its own container: let the page grow instead.
                        full = page.evaluate(
                            "document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
                        )
                        page.set_viewport_size({"width": width, "height": max(height, full)})
                        page.wait_for_timeout(800)
                        stem = name.split("?")[0].strip("/").replace("/", "-") or "start"
                        if args.tab:
                            stem += "-" + args.tab.lower().replace(" ", "-")
                        target = args.out / f"{stem}-{label}.png"
                        page.screenshot(path=str(target), full_page=True)
                        print(target)
                        context.close()
                browser.close()
        finally:
            server.stop()


def sign_in(page, url: str, email: str) -> None:
    """Sign in with the demo's password, and wait for the cookie that keeps it."""
    page.goto(url)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="What needs attention").wait_for(timeout=30_000)
    for _ in range(50):
        if any(c["name"] == "lessons_session" for c in page.context.cookies()):
            return
        page.wait_for_timeout(200)


if __name__ == "__main__":
    main()
