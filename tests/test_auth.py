"""Staff sign-in: the password check, and the app's navigation before and after."""

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from lessons import auth
from lessons.cli import main
from tests.conftest import ROOT, make_session


def test_plain_and_hashed_secrets():
    hashed = auth.hash_password("correct horse battery")
    assert hashed.startswith("pbkdf2_sha256$")
    assert auth.password_matches("correct horse battery", hashed)
    assert not auth.password_matches("correct horse", hashed)
    assert auth.password_matches("letmein2026", "letmein2026")
    assert not auth.password_matches("", "letmein2026")
    assert not auth.password_matches("x", "pbkdf2_sha256$not-a-number$salt$digest")


def test_sign_in_says_what_to_fix():
    errors = auth.sign_in_errors("", "wrong", "right")
    assert "Type your name" in errors["name"]
    assert "not right" in errors["password"]
    assert auth.sign_in_errors("Priya", "anything", None) == {}


def test_the_cli_hashes_a_password():
    result = CliRunner().invoke(
        main, ["hash-password"], input="a long passphrase\na long passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert auth.password_matches("a long passphrase", result.output.strip().splitlines()[-1])
    short = CliRunner().invoke(main, ["hash-password"], input="short\nshort\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output


@pytest.fixture
def locked(monkeypatch, db_path):
    monkeypatch.setenv("LESSONS_STAFF_PASSWORD", auth.hash_password("council staff only"))


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def test_with_a_password_set_staff_pages_need_sign_in(locked):
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    at.text_input(key="sign_in_name").input("Priya Shah")
    at.text_input(key="sign_in_password").input("guess")
    at.button(key="FormSubmitter:sign_in_form-Sign in").click().run()
    assert "not right" in at.error[0].value
    assert at.title[0].value == "Sign in"
    at.text_input(key="sign_in_password").input("council staff only")
    at.button(key="FormSubmitter:sign_in_form-Sign in").click().run()
    assert not at.exception
    assert at.title[0].value == "What needs attention"
    assert at.session_state["user_name"] == "Priya Shah"


def test_attendees_never_need_the_password(locked, db):
    session = make_session(db)
    at = app()
    at.query_params["s"] = session.feedback_token
    at.run()
    assert not at.exception
    assert at.title[0].value == "How was today's session?"


@pytest.mark.parametrize(
    "page_file",
    [
        "home",
        "sessions",
        "plan",
        "postmortem",
        "comments",
        "lessons",
        "trends",
        "reports",
        "settings",
    ],
)
def test_staff_pages_refuse_to_render_before_sign_in_even_when_run_directly(locked, page_file):
    at = AppTest.from_file(str(ROOT / "pages" / f"{page_file}.py"), default_timeout=60).run()
    assert not at.exception
    assert "Sign in first" in at.error[0].value
    assert not at.title  # nothing of the page itself was shown
