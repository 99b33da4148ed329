"""Every page through Streamlit's AppTest, against a fresh database per test."""

from datetime import date, datetime, time, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from lessons import store
from lessons.clock import today_local
from lessons.sessions import create_session, new_form_token
from tests.conftest import ROOT, make_session, session_draft, table_count
from tests.test_tagging import submit

PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))
TIMEOUT = 30


def page(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / name), default_timeout=TIMEOUT)


@pytest.mark.parametrize("page_file", PAGES)
def test_every_page_renders_without_error_on_an_empty_database(db_path, page_file):
    at = page(page_file).run()
    assert not at.exception


@pytest.mark.parametrize("page_file", PAGES)
def test_every_page_renders_without_error_with_data(db, page_file):
    make_session(db)
    at = page(page_file).run()
    assert not at.exception


def test_the_app_starts_on_the_home_page(db_path):
    at = page("app.py").run()
    assert not at.exception
    assert at.title[0].value == "What needs attention"


def test_creating_a_session_on_the_sessions_page(db):
    at = page("pages/sessions.py").run()
    assert "No sessions yet" in at.info[0].value
    at.text_input(key="sessions_new_title").input("Getting started with Facebook")
    at.text_input(key="sessions_new_council").input("Ashdale District Council")
    at.text_input(key="sessions_new_venue").input("Ashdale Civic Centre")
    at.date_input(key="sessions_new_date").set_value(date(2027, 1, 14))
    at.time_input(key="sessions_new_start").set_value(time(10, 0))
    at.time_input(key="sessions_new_end").set_value(time(12, 0))
    at.button(key="FormSubmitter:sessions_new-Create session").click().run()
    assert not at.exception
    assert "Created 'Getting started with Facebook'" in at.success[0].value
    with db.reading() as cur:
        [created] = store.all_sessions(cur)
    assert created.council == "Ashdale District Council"
    assert created.starts_at.isoformat() == "2027-01-14T10:00:00"
    # The share tab shows the code and offers the QR and poster downloads.
    assert any(created.short_code == c.value for c in at.code)


def fill_new_session(at: AppTest, form: str, title: str) -> None:
    at.text_input(key=f"{form}_title").input(title)
    at.text_input(key=f"{form}_council").input("Ashdale District Council")
    at.checkbox(key=f"{form}_online").check()


def test_after_create_the_new_session_is_chosen_and_the_form_is_fresh(db):
    earlier = make_session(db, title="An earlier session")
    at = page("pages/sessions.py").run()
    assert at.selectbox(key="sessions_choice_0").value == earlier.id
    fill_new_session(at, "sessions_new", "Getting started with Facebook")
    at.button(key="FormSubmitter:sessions_new-Create session").click().run()
    assert not at.exception
    with db.reading() as cur:
        created = next(s for s in store.all_sessions(cur) if s.id != earlier.id)
    # The new session is chosen, and the share tab shows its code, not the earlier one's.
    assert at.selectbox(key="sessions_choice_1").value == created.id
    codes = {c.value for c in at.code}
    assert created.short_code in codes and earlier.short_code not in codes
    # A fresh form (new keys, empty) takes the next session.
    assert at.text_input(key="sessions_new_1_title").value == ""
    fill_new_session(at, "sessions_new_1", "Second new session")
    at.button(key="FormSubmitter:sessions_new_1-Create session").click().run()
    assert table_count(db, "sessions") == 3
    assert at.selectbox(key="sessions_choice_2").value not in (earlier.id, created.id)


def test_a_repeated_submission_of_one_form_makes_no_duplicate(db):
    draft = session_draft(title="Clicked twice")
    token = new_form_token()
    first = create_session(db, draft, form_token=token)
    assert create_session(db, draft, form_token=token) == first
    assert table_count(db, "sessions") == 1
    # Another rendering of the form (another token) makes another session.
    assert create_session(db, draft, form_token=new_form_token()) != first
    assert table_count(db, "sessions") == 2


def test_a_repeated_click_on_the_page_makes_no_duplicate(db):
    at = page("pages/sessions.py").run()
    fill_new_session(at, "sessions_new", "Clicked twice")
    token = at.session_state["sessions_new_token"]
    at.button(key="FormSubmitter:sessions_new-Create session").click().run()
    # The second click of the same rendering arrives with the same token.
    create_session(db, session_draft(title="Clicked twice"), form_token=token)
    assert table_count(db, "sessions") == 1


def test_an_end_before_the_start_is_explained_on_the_page(db):
    at = page("pages/sessions.py").run()
    at.text_input(key="sessions_new_title").input("Evening session")
    at.text_input(key="sessions_new_council").input("Ashdale District Council")
    at.checkbox(key="sessions_new_online").check()
    at.time_input(key="sessions_new_start").set_value(time(19, 0))
    at.time_input(key="sessions_new_end").set_value(time(18, 0))
    at.button(key="FormSubmitter:sessions_new-Create session").click().run()
    assert "must end after it starts" in at.error[0].value
    assert table_count(db, "sessions") == 0


def test_editing_a_session_on_the_sessions_page(db):
    session = make_session(db, title="Old title")
    at = page("pages/sessions.py")
    at.session_state["sessions_tab_0"] = "Edit session"  # only the open tab runs
    at.run()
    key = f"sessions_edit_{session.id}"
    at.text_input(key=f"{key}_title").input("New title")
    at.selectbox(key=f"{key}_status").set_value("delivered")
    at.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    assert not at.exception
    with db.reading() as cur:
        updated = store.session_by_id(cur, session.id)
    assert updated is not None
    assert (updated.title, updated.status) == ("New title", "delivered")


def test_sessions_are_listed_with_their_codes(db):
    first = make_session(db, title="First")
    second = make_session(
        db,
        title="Second",
        starts_at=session_draft().starts_at.replace(month=4),
        ends_at=session_draft().ends_at.replace(month=4),
    )
    at = page("pages/sessions.py").run()
    table = at.dataframe[0].value
    assert list(table["Title"]) == ["Second", "First"]
    assert set(table["Code"]) == {first.short_code, second.short_code}


def test_the_share_tab_warns_that_phones_cannot_reach_localhost_and_links_the_presenter(db):
    session = make_session(db)
    at = page("pages/sessions.py").run()
    assert not at.exception
    assert any("Phones cannot reach this address" in w.value for w in at.warning)
    assert any(
        f"/present?s={session.feedback_token}" in str(b.proto.url) for b in at.get("link_button")
    )


def test_the_share_tab_links_to_lessons_public_url_without_a_warning(db, monkeypatch):
    monkeypatch.setenv("LESSONS_PUBLIC_URL", "https://feedback.calderbrook.gov.uk")
    session = make_session(db)
    at = page("pages/sessions.py").run()
    assert not any("Phones cannot reach" in w.value for w in at.warning)
    assert any(
        c.value == f"https://feedback.calderbrook.gov.uk/feedback?s={session.feedback_token}"
        for c in at.code
    )


def test_marking_a_session_delivered_before_its_date_asks_first(db):
    start = datetime.combine(today_local() + timedelta(days=7), time(18, 0))
    session = make_session(db, starts_at=start, ends_at=start + timedelta(hours=2))
    at = page("pages/sessions.py")
    at.session_state["sessions_tab_0"] = "Edit session"  # only the open tab runs
    at.run()
    at.selectbox(key=f"sessions_edit_{session.id}_status").set_value("delivered")
    at.button(key=f"FormSubmitter:sessions_edit_{session.id}-Save changes").click().run()
    assert not at.exception
    assert any("still to come" in w.value for w in at.warning)
    with db.reading() as cur:
        assert store.session_by_id(cur, session.id).status == "planned"  # type: ignore[union-attr]
    at.button(key=f"sessions_early_{session.id}_yes").click().run()
    assert not at.exception
    with db.reading() as cur:
        assert store.session_by_id(cur, session.id).status == "delivered"  # type: ignore[union-attr]


def test_feedback_sent_meanwhile_shows_on_the_next_run_of_a_page(db):
    # The pages' reads are cached by the data version, which every committed write changes,
    # through whichever connection of the process made it.
    session = make_session(db)
    at = page("pages/sessions.py").run()
    assert list(at.dataframe[0].value["Responses"]) == [0]
    submit(db, session, 1, went_well="Useful")
    at.run()
    assert list(at.dataframe[0].value["Responses"]) == [1]
