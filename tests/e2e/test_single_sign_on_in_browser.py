"""Single sign-on end to end: a real OpenID Connect provider on 127.0.0.1 (the
oidc-provider-mock package), the app configured for it by LESSONS_OIDC_* variables, and a
browser that signs in through the provider's own login page.

The steps: start the provider; add Priya (a facilitator, no password: single sign-on
only) to the database; start the app with the provider's discovery address; in the
browser, press the sign-on button, type the email address as the subject on the
provider's page, authorise; back in the app Priya's pages appear (a facilitator's, not a
lead's), and a reload keeps her signed in (Streamlit's identity cookie). Then a second
browser signs in as an address with no account: the app refuses it, says why, and shows
no staff page.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import free_port, with_accounts
from tests.e2e.test_sign_in_in_browser import DESKTOP, menu, only_this_computer

LABEL = "Sign in with the council's account"


@pytest.fixture
def identity_provider() -> Iterator[str]:
    """An OpenID Connect provider on 127.0.0.1 that lets any subject sign in; the
    subject's `email` claim is the subject typed at its login page."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the OIDC provider exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    yield issuer
    process.terminate()
    process.wait(timeout=10)


def sign_on_as(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=LABEL).click(timeout=30_000)
    # The provider's own page: the subject to sign in as.
    page.locator('input[name="sub"]').fill(email, timeout=30_000)
    page.get_by_role("button", name="Authorize").click()


def test_single_sign_on_admits_an_account_and_refuses_a_stranger(
    tmp_path, start_server, browser, identity_provider
):
    db_path = tmp_path / "sso.duckdb"
    with_accounts(db_path, [("Priya Shah", "priya.shah@council.example", "facilitator", None)])
    server = start_server(
        db_path,
        env={
            "LESSONS_OIDC_CLIENT_ID": "council-lessons",
            "LESSONS_OIDC_CLIENT_SECRET": secrets.token_urlsafe(16),
            "LESSONS_OIDC_METADATA_URL": f"{identity_provider}/.well-known/openid-configuration",
            "LESSONS_OIDC_COOKIE_SECRET": secrets.token_urlsafe(32),
            "LESSONS_OIDC_LABEL": LABEL,
        },
    )

    context = browser.new_context(viewport=DESKTOP)
    only_this_computer(context)
    page = context.new_page()
    sign_on_as(page, server.url, "Priya.Shah@council.example")
    page.get_by_role("heading", name="What needs attention").wait_for(timeout=30_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Signed in as Priya Shah").wait_for(timeout=10_000)
    shown = menu(page)
    assert "Lessons" in shown and "Trends" not in shown and "People" not in shown
    page.reload()
    page.get_by_role("heading", name="What needs attention").wait_for(timeout=30_000)
    sidebar.get_by_text("Signed in as Priya Shah").wait_for(timeout=10_000)
    context.close()

    stranger = browser.new_context(viewport=DESKTOP)
    only_this_computer(stranger)
    page = stranger.new_page()
    sign_on_as(page, server.url, "someone@elsewhere.example")
    # The address is typed text: a word joiner (invisible) before its "@" keeps it from
    # becoming a link (lessons.document.break_autolinks).
    refusal = re.compile(r"someone\u2060?@elsewhere\.example has no active account")
    page.get_by_text(refusal).wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="What needs attention").count() == 0
    assert menu(page) == ["Sign in"]
    # The attendees' form: a plain page on the server, linked as an address.
    assert page.locator('[data-testid="stSidebar"] a[href="/feedback"]').count() == 1
    page.goto(f"{server.url}/lessons")
    page.get_by_text("Sign in first").wait_for(timeout=30_000)
    stranger.close()
