"""No request leaves the app's origin: the feedback form and every staff page (signed in as
the demo's administrator, who may open them all) fetch only from the app's own host, with
no Content-Security-Policy violation; every answer carries the security headers. A subject
access export is a one-time link that opens nothing without the signed-in session, nor
after signing out. One server on the demo for the whole module."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from playwright.sync_api import expect

from lessons.demo_content import DEMO_PASSWORD
from tests.test_roles import MENU_TITLES

ADMIN = "fiona.marsden@councils.example"
# Each staff page's address and a text its main area shows once drawn.
STAFF_PAGES = {
    **MENU_TITLES,
    "home": "What needs attention",
    "import_responses": "Import feedback",
    "paper_entry": "Enter paper feedback",
}
# Pages whose address is not their file's name (app.py's url_path).
ADDRESSES = {"import_responses": "import", "paper_entry": "paper"}


class Recorder:
    """Every request the page makes and every CSP violation, by the page they came from."""

    def __init__(self, page) -> None:
        self.current = ""
        self.hosts: dict[str, set[str]] = {}
        self.violations: list[tuple[str, str]] = []
        page.on("request", self.request)
        page.on("console", self.console)

    def request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return  # made inside the page, not fetched from anywhere
        self.hosts.setdefault(self.current, set()).add(parts.netloc)

    def console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append((self.current, message.text))


def sign_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_label("Email address").fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_page(page, "What needs attention")


def wait_for_page(page, text: str) -> None:
    page.locator('[data-testid="stMain"]').get_by_text(text).first.wait_for(timeout=60_000)
    # Until the script has finished, Streamlit shows its running indicator.
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)


def test_every_request_of_the_form_and_the_staff_pages_goes_to_the_app_itself(demo_server, browser):
    own = urlsplit(demo_server.url).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = Recorder(page)

    seen.current = "feedback"
    page.goto(f"{demo_server.url}/feedback")  # plain HTML: the typed-code entry
    page.locator("form").first.wait_for(timeout=60_000)
    seen.current = "followup"
    page.goto(f"{demo_server.url}/followup")  # the follow-up's typed-code entry
    page.locator("form").first.wait_for(timeout=60_000)

    seen.current = "sign_in"
    sign_in(page, demo_server.url)
    for name, text in STAFF_PAGES.items():
        seen.current = name
        page.goto(f"{demo_server.url}/{ADDRESSES.get(name, name)}")
        wait_for_page(page, text)
    context.close()

    print("\nHosts contacted per page:")
    for name, hosts in seen.hosts.items():
        print(f"  {name}: {', '.join(sorted(hosts))}")
    assert set(seen.hosts) == {"feedback", "followup", "sign_in", *STAFF_PAGES}
    assert {name: hosts for name, hosts in seen.hosts.items() if hosts != {own}} == {}
    assert seen.violations == []


def test_the_real_server_sends_the_headers_and_reports_its_health(demo_server):
    for path in (
        "/",
        "/feedback",
        "/followup",
        "/health",
        "/_stcore/health",
        "/privacy",
        "/favicon.png",
    ):
        with urllib.request.urlopen(f"{demo_server.url}{path}", timeout=10) as reply:
            assert reply.status == 200, path
            assert reply.headers["X-Frame-Options"] == "DENY", path
            assert reply.headers["Referrer-Policy"] == "no-referrer", path
            assert reply.headers["X-Content-Type-Options"] == "nosniff", path
            policy = reply.headers["Content-Security-Policy"]
            assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    with urllib.request.urlopen(f"{demo_server.url}/health", timeout=10) as reply:
        assert reply.read() == b'{"status":"ok"}'


def status_of(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_a_subject_access_export_needs_the_signed_in_session(demo_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/privacy_settings")
    page.get_by_role("tab", name="Erasure and subject access").click()
    page.get_by_label("Name or email (part of it will do)").fill("example")
    page.get_by_label("Name or email (part of it will do)").press("Enter")

    def prepared_link(before: str | None = None) -> str:
        page.get_by_role("button", name="Everything held for them (JSON)").click()
        link = page.get_by_role("link", name="Save subject-access.json")
        link.wait_for(timeout=30_000)
        if before is not None:  # the page has made a new link
            expect(link).not_to_have_attribute("href", before.removeprefix(demo_server.url))
        href = link.get_attribute("href")
        assert href is not None and "/download/" in href
        return f"{demo_server.url}{href}" if href.startswith("/") else href

    first = prepared_link()
    assert status_of(first) == 404  # no session: nothing, and the link is not spent
    cookie = next(c for c in context.cookies() if c["name"] == "lessons_session")
    sent_cookie = f"lessons_session={cookie['value']}"
    got = context.request.get(first)
    assert got.status == 200 and got.json()["responses"]
    assert got.headers["cache-control"] == "no-store, private"
    assert status_of(first, sent_cookie) == 404  # once only

    second = prepared_link(before=first)
    assert second != first
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
    # Signed out: even the kept cookie opens nothing.
    assert status_of(second, sent_cookie) == 404
    context.close()
