"""Signing in with a password in a real browser: a reload keeps the session (the HttpOnly
cookie), signing out ends it, and each page a role may not use refuses a typed address."""

from __future__ import annotations

import re
import time

from playwright.sync_api import BrowserContext, Page

from tests.e2e.conftest import with_accounts

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "council staff only"
PEOPLE = [
    ("Priya Shah", "priya@council.example", "facilitator", PASSWORD),
    ("Joanne Whitaker", "joanne@council.example", "lead", PASSWORD),
    ("Fiona Marsden", "fiona@council.example", "admin", PASSWORD),
]
# What the page would show first (its heading), for each page a role may be refused.
HEADINGS = {
    "trends": "Trends",
    "reports": "Reports",
    "settings": "Themes",
    "people": "People",
    "privacy_settings": "Privacy",
}
REFUSED = {
    "priya@council.example": ["trends", "reports", "settings", "people", "privacy_settings"],
    "joanne@council.example": ["settings", "people", "privacy_settings"],
    "fiona@council.example": [],
}


def heading_of(page_name: str) -> re.Pattern[str]:
    """A page's title, which may go on to say more ("Reports: council: …")."""
    return re.compile(rf"^{re.escape(HEADINGS[page_name])}(:|$)")


def only_this_computer(context: BrowserContext) -> None:
    """Test traffic stays on 127.0.0.1."""
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())


def sign_in(page: Page, url: str, email: str, password: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="What needs attention").wait_for(timeout=30_000)


def session_cookie(context: BrowserContext, wait: float = 15) -> dict | None:
    """The sign-in cookie, once the sidebar has fetched it."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == "lessons_session"]
        if found:
            return dict(found[0])
        time.sleep(0.2)
    return None


def menu(page: Page) -> list[str]:
    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    links.first.wait_for(timeout=30_000)
    # Each link reads "<icon ligature>\n\n<title>": keep the title.
    return [text.strip().splitlines()[-1] for text in links.all_inner_texts()]


def test_a_reload_keeps_the_sign_in_and_signing_out_ends_it(tmp_path, start_server, browser):
    db_path = tmp_path / "people.duckdb"
    with_accounts(db_path, PEOPLE)
    server = start_server(db_path)
    context = browser.new_context(viewport=DESKTOP)
    only_this_computer(context)
    page = context.new_page()
    sign_in(page, server.url, "Priya@Council.example", PASSWORD)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Signed in as Priya Shah").wait_for(timeout=10_000)

    cookie = session_cookie(context)
    assert cookie is not None, "the sidebar did not fetch the sign-in cookie"
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert 11 * 3600 < cookie["expires"] - time.time() <= 12 * 3600  # a working day
    assert page.evaluate("document.cookie").find("lessons_session") == -1  # not for scripts

    page.reload()
    page.get_by_role("heading", name="What needs attention").wait_for(timeout=30_000)
    sidebar.get_by_text("Signed in as Priya Shah").wait_for(timeout=10_000)

    sidebar.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
    page.reload()
    page.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="What needs attention").count() == 0
    context.close()


def test_every_page_a_role_may_not_use_refuses_a_typed_address(tmp_path, start_server, browser):
    db_path = tmp_path / "roles.duckdb"
    with_accounts(db_path, PEOPLE)
    server = start_server(db_path)
    for name, email, role, password in PEOPLE:
        context = browser.new_context(viewport=DESKTOP)
        only_this_computer(context)
        page = context.new_page()
        sign_in(page, server.url, email, password)
        assert session_cookie(context) is not None
        shown = menu(page)
        assert shown[:6] == ["Home", "Sessions", "Plan", "Post-mortem", "Comments", "Lessons"]
        for page_name, heading in HEADINGS.items():
            assert (heading in shown) is (page_name not in REFUSED[email]), (role, page_name)
        for refused in REFUSED[email]:
            page.goto(f"{server.url}/{refused}")
            page.get_by_text("This page is for").wait_for(timeout=30_000)
            assert page.get_by_text(f"You are signed in as {name}").count() == 1
            # Nothing of the page: no heading, figures, tables or charts.
            assert page.get_by_role("heading", name=heading_of(refused)).count() == 0
            for widget in ("stMetric", "stDataFrame", "stPlotlyChart", "stForm"):
                assert page.locator(f'[data-testid="{widget}"]').count() == 0, (refused, widget)
        for allowed in set(HEADINGS) - set(REFUSED[email]):
            page.goto(f"{server.url}/{allowed}")
            page.get_by_role("heading", name=heading_of(allowed)).first.wait_for(timeout=30_000)
            assert page.get_by_text("This page is for").count() == 0
        context.close()


def test_before_signing_in_a_staff_address_asks_for_it(tmp_path, start_server, browser):
    db_path = tmp_path / "anonymous.duckdb"
    with_accounts(db_path, PEOPLE[:1])
    server = start_server(db_path)
    context = browser.new_context(viewport=DESKTOP)
    only_this_computer(context)
    page = context.new_page()
    page.goto(f"{server.url}/lessons")
    page.get_by_text("Sign in first").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Lessons learnt").count() == 0
    assert menu(page) == ["Sign in"]
    # The attendees' form: a plain page on the server, linked as an address.
    assert page.locator('[data-testid="stSidebar"] a[href="/feedback"]').count() == 1
    context.close()
