"""People keep their place (issue 15): after each action the page stays on the tab it was
taken on, and what was acted on stays in view. On the demo, signed in as its administrator,
one server for the module; each test is one action, checked in a real browser."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from lessons import store
from lessons.startup import open_app_database
from tests.e2e.conftest import StreamlitServer, free_port
from tests.e2e.test_own_origin import sign_in, wait_for_page

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
WAIT = 60_000


@dataclass(frozen=True)
class Demo:
    url: str
    post_mortem_session: int  # delivered, with many comments
    last_comment: int  # the comment listed last on its post-mortem
    planned_session: int  # with a plan and its checklist
    checklist_item: int
    lesson: int  # applied in a later session: it has a verdict


@pytest.fixture(scope="module")
def demo(demo_template, tmp_path_factory) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("keep-place") / "demo.duckdb"
    template, _ = demo_template(date(2026, 11, 25))
    shutil.copyfile(template, path)
    database = open_app_database(path)
    with database.reading() as cur:
        sessions = store.all_sessions(cur)
        held = max((s for s in sessions if s.status == "delivered"), key=lambda s: s.response_count)
        comments = store.comments_for_session(cur, held.id)
        planned = next(
            s for s in sessions if s.status == "planned" and store.plan_for_session(cur, s.id)
        )
        plan = store.plan_for_session(cur, planned.id)
        assert plan is not None
        item = next(i for i in plan.checklist if not i.done)
        lesson = next(x for x in store.all_lessons(cur) if x.status == "embedded")
    database.close()
    server = StreamlitServer(path, free_port())
    yield Demo(server.url, held.id, comments[-1].id, planned.id, item.id, lesson.id)
    server.stop()


@pytest.fixture(scope="module")
def page(demo, browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    signed_in = context.new_page()
    sign_in(signed_in, demo.url)
    yield signed_in
    context.close()


def open_page(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    wait_for_page(page, heading)


def open_tab(page: Page, name: str) -> Locator:
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=WAIT)
    return tab


def settled(page: Page) -> None:
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=WAIT)


def keyed(page: Page, key: str) -> Locator:
    """The element Streamlit drew for the widget with this key."""
    return page.locator(f".st-key-{key}")


def toast(page: Page, words: str) -> Locator:
    return page.locator('[data-testid="stToast"]').filter(has_text=words)


def test_save_draft_stays_on_your_reflection(demo, page):
    open_page(page, f"{demo.url}/postmortem?session={demo.post_mortem_session}", "Post-mortem")
    tab = open_tab(page, "Your reflection")
    panel = page.locator('[role="tabpanel"]:visible')
    panel.locator("textarea").first.fill("Ran 40 minutes over; no time for the surgery.")
    save = panel.get_by_role("button", name="Save draft")
    save.scroll_into_view_if_needed()
    save.click()
    expect(toast(page, "Draft saved")).to_be_visible(timeout=WAIT)
    settled(page)
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(save).to_be_in_viewport()
    expect(panel.locator("textarea").first).to_have_value(
        "Ran 40 minutes over; no time for the surgery."
    )


def test_promote_far_down_opens_in_view_and_comes_back_to_the_comment(demo, page):
    open_page(page, f"{demo.url}/postmortem?session={demo.post_mortem_session}", "Post-mortem")
    tab = open_tab(page, "Comments")
    promote = keyed(page, f"postmortem_promote_c{demo.last_comment}").get_by_role("button")
    promote.scroll_into_view_if_needed()
    assert (
        page.evaluate("() => window.scrollY") > 0
        or page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop") > 0
    ), "the last comment is far down the page"
    promote.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog.get_by_label("Title")).to_be_in_viewport()
    dialog.get_by_label("Title").fill("Say what the session is for")
    dialog.get_by_label("The lesson, in a sentence").fill("Open with why it matters to them.")
    dialog.get_by_role("button", name="Log lesson").click()
    expect(toast(page, "with the comment linked as evidence")).to_be_visible(timeout=WAIT)
    expect(dialog).to_be_hidden()
    settled(page)
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(promote).to_be_in_viewport()


def test_ticking_a_checklist_item_stays_on_the_checklist(demo, page):
    open_page(page, f"{demo.url}/plan?session={demo.planned_session}", "Plan the next session")
    tab = open_tab(page, "Checklist")
    item = keyed(page, f"plan_item_{demo.checklist_item}")
    item.scroll_into_view_if_needed()
    item.locator("label").click()
    expect(item.get_by_role("checkbox")).to_be_checked(timeout=WAIT)
    expect(page.get_by_text("1 of").or_(page.get_by_text("done")).first).to_be_visible()
    settled(page)
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(item).to_be_in_viewport()


def test_adding_an_emerging_phrase_stays_on_emerging_phrases(demo, page):
    open_page(page, f"{demo.url}/comments", "Comments")
    tab = open_tab(page, "Emerging phrases")
    keyed(page, "comments_phrase_theme_0").get_by_role("combobox").click()
    page.get_by_role("option", name="Materials & follow-up").click()
    add = keyed(page, "comments_phrase_add_0").get_by_role("button")
    expect(add).to_be_visible(timeout=WAIT)
    add.click()
    note = toast(page, "Re-analysed")
    expect(note).to_be_visible(timeout=WAIT)
    settled(page)
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(note).to_be_in_viewport()
    expect(keyed(page, "comments_phrase_theme_0")).to_be_in_viewport()


def test_adding_evidence_stays_on_the_evidence_tab(demo, page):
    open_page(page, f"{demo.url}/lessons?lesson={demo.lesson}", "Lessons learnt")
    tab = open_tab(page, "Evidence")
    panel = page.locator('[role="tabpanel"]:visible')
    panel.get_by_label("Add evidence as a note").fill("Seen at the January session.")
    add = panel.get_by_role("button", name="Add evidence")
    add.scroll_into_view_if_needed()
    add.click()
    expect(panel.get_by_text("Seen at the January session.").first).to_be_visible(timeout=WAIT)
    settled(page)
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(add).to_be_in_viewport()


def test_the_verdict_names_its_rule_and_the_sessions_compared(demo, page):
    open_page(page, f"{demo.url}/lessons?lesson={demo.lesson}", "Lessons learnt")
    open_tab(page, "Did it work?")
    panel = page.locator('[role="tabpanel"]:visible')
    expect(panel.get_by_text(re.compile(r"^Verdict: .* → "))).to_be_visible()
    expect(panel.get_by_text(re.compile(r"^Compared .* with "))).to_be_visible()
    panel.get_by_text("How the verdict is reached").click()
    expect(panel.get_by_text("more of those measures improved than got worse")).to_be_visible()


def test_after_create_the_new_session_is_shown_and_a_double_click_makes_one(demo, page):
    open_page(page, f"{demo.url}/sessions", "Sessions")
    code_before = page.locator('[data-testid="stCode"]').first.inner_text()
    page.get_by_text("Create a session").click()
    page.get_by_label("Title").first.fill("Double-clicked session")
    page.get_by_label("Council").first.fill("Ashdale District Council")
    page.get_by_text("Online", exact=True).first.click()
    page.get_by_role("button", name="Create session").dblclick()
    expect(page.get_by_text("Created 'Double-clicked session'")).to_be_visible(timeout=WAIT)
    settled(page)
    choice = page.locator('[class*="st-key-sessions_choice_"]')
    expect(choice.get_by_role("combobox")).to_have_value(re.compile("Double-clicked session"))
    share = page.get_by_role("tab", name="Share the feedback form", exact=True)
    expect(share).to_have_attribute("aria-selected", "true")
    assert page.locator('[data-testid="stCode"]').first.inner_text() != code_before
    # The form is closed and fresh.
    expect(page.get_by_role("button", name="Create session")).to_be_hidden()
    page.get_by_text("Create a session").click()
    expect(page.get_by_label("Title").first).to_have_value("")
    # One session of that name among the choices, however many clicks.
    settled(page)
    combobox = choice.get_by_role("combobox")
    combobox.click()
    combobox.press("Control+a")
    combobox.press_sequentially("Double-clicked")
    expect(page.get_by_role("option")).to_have_count(1)
    expect(page.get_by_role("option", name="Double-clicked session")).to_have_count(1)
    page.keyboard.press("Escape")


def test_a_saved_correction_closes_its_popover_on_the_same_tab(demo, page):
    open_page(page, f"{demo.url}/comments", "Comments")
    tab = open_tab(page, "Comments")
    # The third comment's "Correct" popover (its key changes once saved: see popover_key).
    correct = page.locator('[class*="st-key-comments_all_fix_pop_"]').nth(2)
    correct.scroll_into_view_if_needed()
    key = next(
        name[len("st-key-") :]
        for name in (correct.get_attribute("class") or "").split()
        if name.startswith("st-key-")
    )
    assert key.endswith("_0")
    correct.get_by_role("button", name="Correct").click()
    save = page.get_by_role("button", name="Save correction")
    expect(save).to_be_visible(timeout=WAIT)
    save.click()
    expect(toast(page, "Correction saved")).to_be_visible(timeout=WAIT)
    settled(page)
    expect(save).to_be_hidden()
    expect(tab).to_have_attribute("aria-selected", "true")
    # The same comment's popover, drawn anew and closed under its next key.
    reopened = keyed(page, key.removesuffix("_0") + "_1")
    expect(reopened.get_by_role("button", name="Correct")).to_have_attribute(
        "aria-expanded", "false"
    )
