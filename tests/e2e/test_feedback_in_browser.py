"""A councillor on a phone (375 px wide) scans the QR code and sends feedback."""

from lessons import store
from tests.conftest import make_session

PHONE = {"width": 375, "height": 812}


def test_feedback_from_a_phone_reaches_the_database(tmp_path, start_server, browser):
    db_path = tmp_path / "e2e.duckdb"
    database = store.open_database(db_path)
    session = make_session(database, title="Staying safe on social media")
    database.close()

    server = start_server(db_path)
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{server.url}/feedback?s={session.feedback_token}")
    page.get_by_text("Staying safe on social media").wait_for(timeout=30_000)
    assert page.get_by_text("Page not found").count() == 0

    page.get_by_role("radiogroup", name="Overall, how was the session?").get_by_role(
        "radio", name="4"
    ).click()
    page.get_by_role("radiogroup", name="The length of the session was").get_by_role(
        "radio", name="Too long"
    ).click()
    page.get_by_label("What worked well for you?").fill("Trying it on our own phones")
    page.get_by_label("What should we change for next time?").fill("Start on time")
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_text("Thank you").wait_for(timeout=30_000)
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

    server.stop()
    database = store.open_database(db_path)
    with database.reading() as cur:
        [response] = store.responses_for_session(cur, session.id)
    database.close()
    assert response.overall_rating == 4
    assert response.length == "too_long"


def test_a_first_visit_to_a_page_goes_through_the_apps_navigation(tmp_path, start_server, browser):
    db_path = tmp_path / "nav.duckdb"
    store.open_database(db_path).close()
    server = start_server(db_path)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/feedback")
    page.get_by_role("heading", name="Give feedback").wait_for(timeout=30_000)
    navigation = page.locator('[data-testid="stSidebar"]')
    # app.py's menu names the form "Give feedback"; Streamlit's folder menu would say "feedback".
    navigation.get_by_text("Give feedback").wait_for(timeout=10_000)
    assert navigation.get_by_text("app", exact=True).count() == 0
    page.close()


def test_a_link_to_the_bare_address_still_opens_the_form(tmp_path, start_server, browser):
    db_path = tmp_path / "root.duckdb"
    database = store.open_database(db_path)
    session = make_session(database, title="Getting started with Facebook")
    database.close()
    server = start_server(db_path)
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{server.url}/?s={session.feedback_token}")
    page.get_by_text("Getting started with Facebook").wait_for(timeout=30_000)
    page.get_by_role("radiogroup", name="Overall, how was the session?").wait_for(timeout=30_000)
    assert "/feedback?s=" in page.url
    assert page.get_by_text("Page not found").count() == 0
    page.close()
