"""Councillors on phones (375 px wide) scan the QR code and send feedback: the plain HTML form
on the app's own server, with JavaScript off and on, in English and Welsh, checked by axe
(WCAG rules) at 375 and 1280 px, completed by keyboard alone; and the presenter screen's
count follows the responses. One server for the module."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lessons import store
from lessons.clock import now_local
from lessons.startup import open_app_database
from tests.conftest import make_session
from tests.e2e.conftest import StreamlitServer, free_port

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Served:
    server: StreamlitServer
    sessions: dict[str, store.SessionRow]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    db_path = tmp_path_factory.mktemp("form") / "form.duckdb"
    database = open_app_database(db_path)
    start = now_local().replace(microsecond=0) - timedelta(minutes=10)
    now = {"starts_at": start, "ends_at": start + timedelta(hours=2)}
    later = now_local().replace(hour=18, minute=0, second=0, microsecond=0) + timedelta(days=3)
    sessions = {
        name: make_session(database, **values)
        for name, values in {
            "js_off": {**now, "title": "Staying safe on social media"},
            "keyboard": {**now, "title": "Getting started with Facebook"},
            "welsh": {**now, "title": "Cyfryngau cymdeithasol i gynghorwyr", "language": "cy"},
            "axe": {**now, "title": "Accessible evening"},
            "presenter": {**now, "title": "Projector evening"},
            "later": {
                "title": "Next month's session",
                "starts_at": later,
                "ends_at": later + timedelta(hours=2),
            },
        }.items()
    }
    database.close()
    server = StreamlitServer(db_path, free_port())
    yield Served(server, sessions)
    server.stop()


def rate(page, question: str, value: int) -> None:
    """Tap one of a 1-5 scale's buttons (the label: the radio button itself is hidden)."""
    page.get_by_role("group", name=question).locator(f"label[for$='-{value}']").click()


def count_of(page, served: Served, name: str) -> int:
    token = served.sessions[name].feedback_token
    reply = page.request.get(f"{served.server.url}/present/count?s={token}")
    return int(reply.json()["responses"])


def test_the_form_works_with_javascript_off_and_a_resubmitted_post_stores_one(served, browser):
    session = served.sessions["js_off"]
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{served.server.url}/feedback?s={session.feedback_token}")
    page.get_by_text("Staying safe on social media").wait_for()
    # The whole page: a handful of requests, every one to this server.
    assert len(requests) <= 4 and all(u.startswith(served.server.url) for u in requests)

    rate(page, "Overall, how was the session?", 4)
    page.get_by_role("group", name="The length of the session was").get_by_label("Too long").check()
    page.get_by_label("What worked well for you?").fill("Trying it on our own phones")
    page.get_by_label("What should we change for next time?").fill("Start on time")
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert "/feedback/thanks" in page.url
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Back to the form and send it again, as a double tap or a reload would: still one.
    page.go_back()
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert count_of(page, served, "js_off") == 1
    # Someone else on this phone: a blank form, stored as a second response.
    page.get_by_role("link", name="Someone else wants to use this phone").click()
    assert not page.get_by_label("What worked well for you?").input_value()
    rate(page, "Overall, how was the session?", 2)
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert count_of(page, served, "js_off") == 2
    context.close()


def test_errors_sit_at_the_top_and_beside_each_field_and_keep_every_answer(served, browser):
    session = served.sessions["keyboard"]
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served.server.url}/feedback?s={session.feedback_token}")
    page.get_by_label("What should we change for next time?").fill("x" * 2040)
    page.get_by_role("group", name="The balance between why and how").get_by_label(
        "About right"
    ).check()
    page.get_by_role("button", name="Send feedback").click()
    summary = page.get_by_role("alert")
    summary.get_by_text("There is a problem").wait_for()
    assert summary.get_by_role("link").count() == 2
    assert "please cut 40 characters" in summary.inner_text()
    summary.get_by_role("link", name="Choose an overall rating").click()
    assert page.url.endswith("#overall_rating-1")
    assert page.get_by_label("What should we change for next time?").input_value() == "x" * 2040
    assert (
        page.get_by_role("group", name="The balance between why and how")
        .get_by_label("About right")
        .is_checked()
    )
    context.close()


def test_the_form_can_be_completed_by_keyboard_alone(served, browser):
    session = served.sessions["keyboard"]
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{served.server.url}/feedback?s={session.feedback_token}")
    page.locator("body").click(position={"x": 1, "y": 200})
    # Tab to the overall rating, choose 5 with the arrow keys, then tab on to the button.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "overall_rating":
            break
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.value") == "5"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "went_well":
            page.keyboard.type("Clear and practical")
        if page.evaluate("document.activeElement.id") == "send":
            break
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you").wait_for()
    page.close()


def test_the_welsh_form_and_the_switch_to_english(served, browser):
    session = served.sessions["welsh"]
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{served.server.url}/feedback?s={session.feedback_token}")
    assert page.locator("html").get_attribute("lang") == "cy-GB"
    page.get_by_role("heading", name="Sut aeth y sesiwn heddiw?").wait_for()
    rate(page, "At ei gilydd, sut oedd y sesiwn?", 5)
    page.get_by_label("Beth weithiodd yn dda i chi?").fill("Roedd yn ddefnyddiol iawn, diolch")
    # The character count (form.js) speaks Welsh too.
    assert "nod ar ôl" in page.locator("#went_well-count").inner_text()
    page.get_by_role("button", name="Anfon adborth").click()
    page.get_by_role("heading", name="Diolch").wait_for()
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en-GB"
    page.get_by_role("heading", name="Thank you").wait_for()
    page.close()


def test_before_it_opens_the_form_says_when(served, browser):
    session = served.sessions["later"]
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{served.server.url}/feedback?s={session.feedback_token}")
    page.get_by_role("heading", name="Feedback opens soon").wait_for()
    assert "opens at 17:30" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Send feedback").count() == 0
    page.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_axe_finds_nothing_on_the_form_its_errors_and_the_thank_you_page(served, browser, viewport):
    session = served.sessions["axe"]
    axe = Axe()
    page = browser.new_page(viewport=viewport)
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        results = axe.run(page)
        found[name] = [v["id"] for v in results.response["violations"]]

    for language in ("en", "cy"):
        page.goto(f"{served.server.url}/feedback?s={session.feedback_token}&lang={language}")
        check(f"form {language}")
        page.locator("#send").click()
        page.locator("#error-summary").wait_for()
        check(f"errors {language}")
    page.goto(f"{served.server.url}/feedback")
    check("code entry")
    page.goto(f"{served.server.url}/feedback?s={session.feedback_token}")
    page.locator("label[for=overall_rating-3]").click()
    page.locator("#send").click()
    page.locator(".done").wait_for()
    check("thank you")
    page.goto(f"{served.server.url}/present?s={session.feedback_token}")
    check("presenter")
    page.close()
    assert all(not ids for ids in found.values()), found


def test_the_presenter_count_updates_after_a_submission(served, browser):
    session = served.sessions["presenter"]
    screen = browser.new_page(viewport=DESKTOP)
    screen.goto(f"{served.server.url}/present?s={session.feedback_token}")
    assert screen.locator("#count").inner_text() == "0"
    assert screen.locator(".code").inner_text().replace(" ", "") == session.short_code
    phone = browser.new_page(viewport=PHONE)
    phone.goto(f"{served.server.url}/feedback?s={session.feedback_token}")
    rate(phone, "Overall, how was the session?", 3)
    phone.get_by_role("button", name="Send feedback").click()
    phone.get_by_role("heading", name="Thank you").wait_for()
    # present.js asks every 5 seconds; the page itself is never reloaded.
    # (A locator, not wait_for_function: the CSP allows no script evaluated from a string.)
    expect(screen.locator("#count")).to_have_text("1", timeout=15_000)
    phone.close()
    screen.close()


def test_a_first_visit_to_a_staff_page_goes_through_the_apps_navigation(served, browser):
    # Open mode (no account, 127.0.0.1): every page is open. The form is not a Streamlit
    # page any more; app.py's menu links to it as an address.
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{served.server.url}/sessions")
    page.get_by_role("heading", name="Sessions").wait_for(timeout=60_000)
    navigation = page.locator('[data-testid="stSidebar"]')
    navigation.get_by_role("link", name="Give feedback").wait_for(timeout=10_000)
    assert navigation.get_by_text("app", exact=True).count() == 0
    # Streamlit opens a Markdown link in a new tab: the form, fetched from the server.
    with page.expect_popup() as opened:
        navigation.get_by_role("link", name="Give feedback").click()
    form = opened.value
    form.get_by_label("Session code").wait_for()
    assert form.url.endswith("/feedback")
    form.close()
    page.close()
