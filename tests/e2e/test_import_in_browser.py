"""Import and paper cards in a real browser (issue 13): a Microsoft Forms export uploaded,
its dry run read and stored; paper cards typed with the keyboard alone."""

from __future__ import annotations

from playwright.sync_api import expect

from lessons import store
from lessons.startup import open_app_database
from tests.conftest import make_session
from tests.import_files import microsoft_forms_xlsx


def test_an_export_is_imported_and_paper_cards_are_typed_by_keyboard(
    tmp_path, start_server, browser
):
    db_path = tmp_path / "lessons.duckdb"
    database = open_app_database(db_path)
    session = make_session(database)
    database.close()
    export = tmp_path / "export.xlsx"
    export.write_bytes(microsoft_forms_xlsx(30))
    server = start_server(db_path)  # no account, on 127.0.0.1: open mode
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/import")
    page.get_by_text("Import feedback").first.wait_for(timeout=60_000)
    page.set_input_files("input[type=file]", str(export))
    page.get_by_text("What the import will do").wait_for(timeout=60_000)
    page.get_by_label("Store the rows in").click()
    page.get_by_role("option", name=f"({session.short_code})").click()
    page.get_by_text("Refused rows, and why:").wait_for(timeout=30_000)
    refused = page.get_by_test_id("stMetric").filter(has_text="Refused")
    refused.get_by_text("2", exact=True).wait_for(timeout=30_000)
    page.get_by_text("Store the 28 accepted rows").click()
    page.get_by_role("button", name="Import 28 rows").click()
    page.get_by_text("Stored 28 responses from Microsoft Forms").wait_for(timeout=60_000)

    page.goto(f"{server.url}/paper")
    page.get_by_text("Enter paper feedback").first.wait_for(timeout=60_000)
    first = page.get_by_label("Overall rating (1-5)")
    first.wait_for()
    # Locators, not wait_for_function: the CSP allows no script evaluated from a string.
    expect(first).to_be_focused(timeout=30_000)
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.get_by_text("Saved card 1.").wait_for(timeout=30_000)
    expect(first).to_be_focused(timeout=30_000)
    expect(first).to_have_value("", timeout=30_000)
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.get_by_text("Saved card 2.").wait_for(timeout=30_000)
    page.close()
    server.stop()

    database = store.open_database(db_path)
    try:
        with database.reading() as cur:
            counts = store.response_source_counts(cur, session.id)
            ratings = cur.execute(
                "SELECT r.overall_rating, r.usefulness FROM responses r JOIN response_sources s"
                " ON s.response_id = r.id WHERE s.source = 'paper' ORDER BY r.id"
            ).fetchall()
    finally:
        database.close()
    assert counts == {"microsoft_forms": 28, "paper": 2}
    assert ratings == [(4, 3), (5, None)]
