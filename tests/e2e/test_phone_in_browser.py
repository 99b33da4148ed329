"""On a phone (375 px) and a desktop, in Chromium: /home and /sign_in open their own pages
(no "Page not found"); the offline HTML report fits the screen with every chart's axes
named; the staff pages keep to the screen's width, with no chart toolbar and every tab's
label in view. One server on the demo for the whole module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from lessons.demo_content import DEMO_PASSWORD
from tests.e2e.conftest import StreamlitServer, free_port

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
ADMIN = "fiona.marsden@councils.example"  # may open every staff page
# Staff pages with tables, tabs or charts, and a text each shows once drawn.
PAGES = {
    "trends": "Trends",
    "lessons": "Lessons learnt",
    "sessions": "Sessions",
    "postmortem": "Post-mortem",
    "comments": "Comments",
    "plan": "Plan",
    "people": "People",
}


@pytest.fixture(scope="module")
def demo_server(demo_template, tmp_path_factory) -> Iterator[StreamlitServer]:
    path = tmp_path_factory.mktemp("phone") / "demo.duckdb"
    template, _ = demo_template(date(2026, 11, 25))
    shutil.copyfile(template, path)
    server = StreamlitServer(path, free_port())
    yield server
    server.stop()


def settle(page: Page) -> None:
    """Until the script has finished, Streamlit shows its running indicator."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
    page.wait_for_timeout(1000)


def sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/sign_in")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    page.get_by_label("Email address").fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("What needs attention").first).to_be_visible(timeout=60_000)


def page_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_home_and_sign_in_open_at_their_own_addresses(demo_server, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{demo_server.url}/sign_in")  # opened directly, signed out
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    settle(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)

    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/home")
    expect(page.get_by_role("heading", name="What needs attention")).to_be_visible(timeout=60_000)
    settle(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)

    page.goto(demo_server.url)  # the root sends a signed-in person to Home
    expect(page.get_by_role("heading", name="What needs attention")).to_be_visible(timeout=60_000)
    settle(page)
    assert page.url.rstrip("/").endswith("/home")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    context.close()


def test_the_html_report_fits_a_phone_and_names_every_axis(demo_server, browser, tmp_path):
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/reports")
    page.get_by_role("button", name="Write the report").click()
    with page.expect_download(timeout=120_000) as fetched:
        page.get_by_role("button", name="Report (HTML, works offline)").click()
    report = tmp_path / "programme-report.html"
    fetched.value.save_as(report)
    context.close()

    for viewport in (PHONE, DESKTOP):
        reader = browser.new_page(viewport=viewport)
        # The report works offline: nothing may be fetched from anywhere.
        reader.route("http*://**", lambda route: route.abort())
        reader.goto(report.as_uri())
        charts = reader.locator(".plotly-graph-div")
        expect(charts.first.locator(".main-svg").first).to_be_attached(timeout=30_000)
        reader.wait_for_timeout(1000)
        count = charts.count()
        assert count == 9  # with the two follow-up charts
        assert page_width(reader) <= viewport["width"], viewport
        # Every chart names both of its axes; the heatmap labels its themes and months.
        assert reader.locator(".g-xtitle text").count() >= count
        assert reader.locator(".g-ytitle text").count() >= count
        heatmap = charts.nth(1)
        assert heatmap.locator(".ytick text").count() >= 5
        assert heatmap.locator(".xtick text").count() >= 3
        assert reader.locator(".modebar-container").count() == 0 or not any(
            box.is_visible() for box in reader.locator(".modebar").all()
        )
        reader.screenshot(path=str(tmp_path / f"report-{viewport['width']}.png"), full_page=True)
        reader.close()


def test_staff_pages_fit_a_phone_with_no_toolbar_and_every_tab_in_view(demo_server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, demo_server.url)
    for name, heading in PAGES.items():
        page.goto(f"{demo_server.url}/{name}")
        expect(page.locator('[data-testid="stMain"] h1').first).to_contain_text(
            heading, timeout=60_000
        )
        settle(page)
        assert page_width(page) <= PHONE["width"], name
        toolbars = [bar for bar in page.locator(".modebar").all() if bar.is_visible()]
        assert toolbars == [], name
        for tab in page.get_by_role("tab").all():
            box = tab.bounding_box()
            assert box is not None and box["x"] >= 0, (name, tab.inner_text())
            assert box["x"] + box["width"] <= PHONE["width"], (name, tab.inner_text())
    context.close()
