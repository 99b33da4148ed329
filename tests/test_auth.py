"""Roles, passwords, throttling's arithmetic and the single sign-on settings (pure), and
signing in through the app (AppTest)."""

from datetime import datetime, timedelta

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from lessons import accounts, auth
from tests.conftest import ROOT, make_account, signed_in

T0 = datetime(2026, 3, 1, 9, 0)


def test_passwords_are_hashed_with_argon2id_and_checked():
    hashed = auth.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed
    assert auth.hash_password("correct horse battery") != hashed  # salted
    assert auth.password_matches("correct horse battery", hashed)
    assert not auth.password_matches("correct horse", hashed)
    assert not auth.password_matches("", hashed)
    assert not auth.password_matches("anything", None)  # no password: single sign-on only
    assert not auth.password_matches("x", "pbkdf2_sha256$not-a-number$salt$digest")
    assert not auth.needs_rehash(hashed)


@pytest.mark.parametrize(
    ("password", "email", "problem"),
    [
        ("short", "", "at least 10 characters"),
        ("x" * 201, "", "at most 200"),
        ("Priya@Council.example", "priya@council.example", "email address"),
        ("a long passphrase", "priya@council.example", None),
    ],
)
def test_new_passwords_say_what_is_wrong(password, email, problem):
    found = auth.password_problem(password, email)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_emails_match_whatever_their_case_and_must_look_like_addresses():
    assert auth.email_key("  Priya.Shah@Council.GOV.uk ") == "priya.shah@council.gov.uk"
    assert auth.email_problem("priya@council.gov.uk") is None
    for bad in ("", "priya", "priya@council", "two@at@signs.uk", "a b@c.uk", "x" * 250 + "@c.uk"):
        assert auth.email_problem(bad), bad


def test_roles_include_the_ones_below():
    assert [r for r in auth.ROLES if auth.may(r, "facilitator")] == ["facilitator", "lead", "admin"]
    assert [r for r in auth.ROLES if auth.may(r, "lead")] == ["lead", "admin"]
    assert [r for r in auth.ROLES if auth.may(r, "admin")] == ["admin"]
    assert not auth.may(None, "facilitator") and not auth.may("attendee", "facilitator")


def test_the_wait_starts_at_the_fifth_failure_and_doubles_to_fifteen_minutes():
    def wait(failures: int, since_last: int = 0) -> float:
        last = T0
        return auth.throttle_wait(failures, last, last + timedelta(seconds=since_last)).seconds

    assert [wait(n) for n in range(5)] == [0, 0, 0, 0, 0]
    assert [wait(n) for n in range(5, 11)] == [15, 30, 60, 120, 240, 480]
    assert wait(12) == wait(40) == 900
    assert wait(6, since_last=20) == 10  # counted from the last failure
    assert wait(6, since_last=31) == 0
    assert auth.wait_in_words(timedelta(seconds=1)) == "1 second"
    assert auth.wait_in_words(timedelta(seconds=45)) == "45 seconds"
    assert auth.wait_in_words(timedelta(minutes=15)) == "15 minutes"


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.0.1.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("", False),
        (None, False),
        ("example.org", False),
    ],
)
def test_only_this_computers_own_addresses_are_loopback(address, loopback):
    assert auth.is_loopback(address) is loopback


OIDC = {
    "LESSONS_OIDC_CLIENT_ID": "lessons",
    "LESSONS_OIDC_CLIENT_SECRET": "s3cret",
    "LESSONS_OIDC_METADATA_URL": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration",
    "LESSONS_OIDC_COOKIE_SECRET": "a long random string",
}


def test_single_sign_on_is_configured_from_the_environment():
    assert auth.oidc_secrets({}) is None
    secrets = auth.oidc_secrets({**OIDC, "LESSONS_PUBLIC_URL": "https://feedback.council.gov.uk/"})
    assert secrets == {
        "auth": {
            "client_id": "lessons",
            "client_secret": "s3cret",
            "server_metadata_url": OIDC["LESSONS_OIDC_METADATA_URL"],
            "cookie_secret": "a long random string",
            "redirect_uri": "https://feedback.council.gov.uk/oauth2callback",
        }
    }
    labelled = auth.oidc_secrets(
        {**OIDC, "LESSONS_OIDC_REDIRECT_URI": "http://127.0.0.1:8501/oauth2callback",
         "LESSONS_OIDC_LABEL": "Sign in with Microsoft"}
    )  # fmt: skip
    assert labelled is not None
    assert labelled["auth"]["redirect_uri"] == "http://127.0.0.1:8501/oauth2callback"
    assert labelled[auth.SSO_LABEL_SECRET] == "Sign in with Microsoft"


def test_half_configured_single_sign_on_says_what_is_missing():
    with pytest.raises(auth.SingleSignOnMisconfigured) as missing:
        auth.oidc_secrets({"LESSONS_OIDC_CLIENT_ID": "lessons"})
    assert "LESSONS_OIDC_CLIENT_SECRET" in str(missing.value)
    with pytest.raises(auth.SingleSignOnMisconfigured) as nowhere:
        auth.oidc_secrets(OIDC)
    assert "LESSONS_OIDC_REDIRECT_URI" in str(nowhere.value)


def test_the_email_an_identity_provider_vouches_for():
    assert auth.oidc_email({"email": "Priya@Council.gov.uk"}) == "Priya@Council.gov.uk"
    assert auth.oidc_email({"preferred_username": "priya@council.gov.uk"}) == "priya@council.gov.uk"
    assert auth.oidc_email({"preferred_username": "PRIYA-LAPTOP"}) is None
    assert auth.oidc_email({"email": "priya@council.gov.uk", "email_verified": False}) is None
    assert auth.oidc_email({}) is None


# --- signing in through the app ---------------------------------------------------------


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def test_with_accounts_staff_pages_need_sign_in(db):
    make_account(db, "Priya Shah", "facilitator", password="council staff only")
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    at.text_input(key="sign_in_email").input("priya.shah@council.example")
    at.text_input(key="sign_in_password").input("guess")
    at.button(key="FormSubmitter:sign_in_form-Sign in").click().run()
    assert "don't match an active account" in at.error[0].value
    assert at.title[0].value == "Sign in"
    at.text_input(key="sign_in_email").input("PRIYA.SHAH@Council.example")  # any case
    at.text_input(key="sign_in_password").input("council staff only")
    at.button(key="FormSubmitter:sign_in_form-Sign in").click().run()
    assert not at.exception
    assert at.title[0].value == "What needs attention"
    priya = accounts.account_by_email(db, "priya.shah@council.example")
    assert priya is not None and at.session_state["auth_account_id"] == priya.id
    # The browser's cookie ticket is waiting to be fetched (see the browser tests).
    assert at.session_state["auth_cookie_ticket"]


def test_the_sidebar_says_who_is_signed_in_and_signs_them_out(db):
    priya = make_account(db, "Priya Shah", "facilitator")
    session_id, _ = accounts.begin_browser_session(db, priya.id)
    at = signed_in(app(), priya)
    at.session_state["auth_browser_session"] = session_id
    at.run()
    assert [t.value for t in at.sidebar.text] == ["Signed in as Priya Shah\nFacilitator"]
    assert at.sidebar.button(key="sidebar_sign_out").label == "Sign out"
    # AppTest reruns a page of a pages/ folder without app.py, so the sign-out is clicked on
    # the account page (the same ui_auth.sign_out).
    at = signed_in(AppTest.from_file(str(ROOT / "pages" / "sign_in.py")), priya)
    at.session_state["auth_browser_session"] = session_id
    at.run()
    assert at.title[0].value == "Your account"
    at.button(key="sign_in_sign_out").click().run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert "auth_account_id" not in at.session_state
    assert accounts.browser_account(db, session_id=session_id) is None
    with db.reading() as cur:
        [[ended]] = cur.execute(
            "SELECT ended_at IS NOT NULL FROM account_sessions WHERE id = ?", [session_id]
        ).fetchall()
    assert ended


STAFF_PAGES = ["home", "sessions", "plan", "postmortem", "comments", "lessons", "trends",
               "reports", "settings", "people", "privacy_settings", "backups",
               "import_responses", "paper_entry"]  # fmt: skip


@pytest.mark.parametrize("page_file", STAFF_PAGES)
def test_staff_pages_refuse_to_render_before_sign_in_even_when_run_directly(db, page_file):
    make_account(db)
    at = AppTest.from_file(str(ROOT / "pages" / f"{page_file}.py"), default_timeout=60).run()
    assert not at.exception
    assert "Sign in first" in at.error[0].value
    assert not at.title  # nothing of the page itself was shown


def test_open_mode_is_only_for_an_empty_database_on_this_computer(db):
    at = app().run()
    assert at.title[0].value == "What needs attention"  # 127.0.0.1, no account: open
    assert any("Open mode" in c.value for c in at.sidebar.caption)
    streamlit_config.set_option("server.address", "0.0.0.0")
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    at = AppTest.from_file(str(ROOT / "pages" / "home.py"), default_timeout=60).run()
    assert "Sign in first" in at.error[0].value
    streamlit_config.set_option("server.address", "127.0.0.1")
    make_account(db)
    at = app().run()
    assert at.title[0].value == "Sign in"  # an account exists: no more open mode


def test_a_deactivated_account_loses_its_pages_at_once(db):
    priya = make_account(db, "Priya Shah", "facilitator")
    make_account(db, "Admin", "admin")
    at = signed_in(AppTest.from_file(str(ROOT / "pages" / "home.py"), default_timeout=60), priya)
    at.run()
    assert at.title[0].value == "What needs attention"
    with db.transaction() as cur:
        cur.execute("UPDATE accounts SET active = FALSE WHERE id = ?", [priya.id])
    at.run()
    assert "Sign in first" in at.error[0].value
