"""axe on every staff page, signed in as the demo's administrator (who may open them all),
with every tab and every expander opened, at phone (375 px) and desktop (1280 px) width:
no critical or serious violation, and no heading that skips a level. One server on the demo
and one browser page for the whole module; both widths are checked on each view by
resizing, not by loading it again.

Two of Streamlit's own elements fail axe whatever the app puts in them, so the pages avoid
them and nothing needs leaving out here: st.code's box scrolls sideways without taking the
keyboard's focus (scrollable-region-focusable; the pages wrap its lines), and st.caption
fades inline code below AA contrast (color-contrast; no caption holds code)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_own_origin import ADDRESSES, STAFF_PAGES, sign_in, wait_for_page

WIDTHS = (375, 1280)
SERIOUS = ("critical", "serious")
# Also checked, though axe rates it moderate: headings that skip a level (h1 to h3).
ALSO_CHECKED = ("heading-order",)
# Home is the default page: its address is the app's own.
PAGE_ADDRESSES = {**ADDRESSES, "home": ""}
MAIN = '[data-testid="stMain"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_until_idle(page) -> None:
    """Until the script run a click started has finished (a tab or expander that reruns
    the page; the state may flip to running a moment after the click)."""
    page.wait_for_timeout(150)
    page.locator(IDLE).wait_for(state="attached", timeout=60_000)


def open_every_expander(page) -> None:
    closed = page.locator(f"{MAIN} details:not([open]) > summary")
    for _ in range(50):
        shown = [closed.nth(i) for i in range(closed.count()) if closed.nth(i).is_visible()]
        if not shown:
            return
        shown[0].click()
        wait_until_idle(page)


def serious_violations(page, axe: Axe) -> list[str]:
    """Each critical or serious violation (and each of ALSO_CHECKED's): rule and element."""
    return [
        f"{violation['id']}: {' '.join(str(part) for part in node['target'])}"
        for violation in axe.run(page).response["violations"]
        if violation["impact"] in SERIOUS or violation["id"] in ALSO_CHECKED
        for node in violation["nodes"]
    ]


@pytest.fixture(scope="module")
def signed_in_page(demo_server, browser):
    context = browser.new_context(viewport={"width": WIDTHS[-1], "height": 900})
    page = context.new_page()
    sign_in(page, demo_server.url)
    yield page
    context.close()


@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_axe_finds_nothing_serious_on_every_tab_and_expander(demo_server, signed_in_page, name):
    page = signed_in_page
    page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
    page.goto(f"{demo_server.url}/{PAGE_ADDRESSES.get(name, name)}")
    wait_for_page(page, STAFF_PAGES[name])
    axe = Axe()
    tabs = page.locator(f'{MAIN} [role="tab"]')
    found: dict[str, list[str]] = {}
    for number in range(max(tabs.count(), 1)):
        view = name
        if tabs.count():
            tabs.nth(number).click()
            wait_until_idle(page)
            view = f"{name} / {tabs.nth(number).inner_text().strip()}"
        open_every_expander(page)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(200)  # the layout settles at the new width
            if violations := serious_violations(page, axe):
                found[f"{view} at {width} px"] = violations
        page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
    assert not found, found
