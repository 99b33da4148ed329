"""Councillors answer the follow-up weeks after a session, on phones (375 px): the plain HTML
form in English and Welsh, sent with JavaScript off, its errors beside the fields with every
answer kept, and axe (WCAG rules) finding nothing on the form, its errors, the code entry and
the thank-you page. One server for the module. Screenshots go to LESSONS_SCREENSHOTS when
it is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lessons import store
from lessons.clock import now_local
from lessons.startup import open_app_database
from tests.conftest import make_session
from tests.e2e.conftest import StreamlitServer, free_port

PHONE = {"width": 375, "height": 812}


@dataclass(frozen=True)
class Served:
    server: StreamlitServer
    links: dict[str, store.FollowupLink]
    db_path: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    db_path = tmp_path_factory.mktemp("followup") / "followup.duckdb"
    database = open_app_database(db_path)
    start = now_local().replace(microsecond=0, second=0) - timedelta(weeks=7)
    links = {}
    for name, values in {
        "english": {"title": "Getting started with Facebook"},
        "welsh": {"title": "Cyfryngau cymdeithasol i gynghorwyr", "language": "cy"},
        "axe": {"title": "Accessible evening"},
    }.items():
        session = make_session(
            database, starts_at=start, ends_at=start + timedelta(hours=2), status="delivered",
            **values,
        )  # fmt: skip
        with database.reading() as cur:
            found = store.followup_link(cur, session.id)
        assert found is not None
        links[name] = found
    database.close()
    server = StreamlitServer(db_path, free_port())
    yield Served(server, links, db_path)
    server.stop()


def shoot(page, name: str) -> None:
    folder = os.environ.get("LESSONS_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_phone_with_javascript_off_sends_the_follow_up_once(served, browser):
    link = served.links["english"]
    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served.server.url}/followup?s={link.token}")
    page.get_by_text("Getting started with Facebook").wait_for()
    shoot(page, "followup-375-en")
    # Sent without the one required answer: the problem at the top and beside the field,
    # the other answers kept.
    page.get_by_role("group", name="What got in the way?").get_by_label("Not enough time").check()
    page.get_by_label("Anything else that got in the way?").fill("Casework every evening")
    page.get_by_role("button", name="Send").click()
    summary = page.get_by_role("alert")
    summary.get_by_text("There is a problem").wait_for()
    summary.get_by_role("link").first.click()
    expect(page.locator("#actions-error")).to_be_visible()
    assert page.get_by_label("Anything else that got in the way?").input_value() == (
        "Casework every evening"
    )
    expect(
        page.get_by_role("group", name="What got in the way?").get_by_label("Not enough time")
    ).to_be_checked()
    shoot(page, "followup-375-errors")
    done = page.get_by_role("group", name="What have you done since the session?")
    done.get_by_label("Posted about ward or council work").check()
    page.get_by_role("group", name="How often do you do it now?").get_by_label(
        "Every month or so"
    ).check()
    page.locator("label[for=confidence_now-4]").click()
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert "/followup/thanks" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.go_back()
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    context.close()


def test_the_welsh_form_speaks_welsh(served, browser):
    link = served.links["welsh"]
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{served.server.url}/followup?c={link.code}")
    page.get_by_role("heading", name="Sut mae pethau'n mynd ers y sesiwn?").wait_for()
    assert page.locator("html").get_attribute("lang") == "cy-GB"
    page.get_by_role("group", name="Beth ydych chi wedi'i wneud ers y sesiwn?").get_by_label(
        "Dim byd eto"
    ).check()
    shoot(page, "followup-375-cy")
    page.get_by_role("button", name="Anfon").click()
    page.get_by_role("heading", name="Diolch").wait_for()
    page.close()


def test_axe_finds_nothing_on_the_follow_up_pages(served, browser):
    link = served.links["axe"]
    axe = Axe()
    page = browser.new_page(viewport=PHONE)
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        results = axe.run(page)
        found[name] = [v["id"] for v in results.response["violations"]]

    for language in ("en", "cy"):
        page.goto(f"{served.server.url}/followup?s={link.token}&lang={language}")
        check(f"form {language}")
        page.locator("#send").click()
        page.locator("#error-summary").wait_for()
        check(f"errors {language}")
    page.goto(f"{served.server.url}/followup")
    check("code entry")
    page.goto(f"{served.server.url}/followup?s={link.token}")
    page.locator("#actions-nothing_yet").check()
    page.locator("#send").click()
    page.locator(".done").wait_for()
    check("thank you")
    page.close()
    assert all(not ids for ids in found.values()), found
