"""Reports show their filters: in the page's title, in the report, and on the first row of
every export; the filters are in view on the Reports page and can be cleared there."""

import csv
import io
from datetime import date

import openpyxl
from streamlit.testing.v1 import AppTest

from lessons import export, programme_report, reports, store, trends
from lessons.auth import Actor
from lessons.register import LessonDraft, LessonFilter, create_lesson
from tests.conftest import ROOT, person, signed_in

TODAY = date(2026, 11, 25)
ME = Actor(1, "Me", "lead")


def reports_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "reports.py"), default_timeout=120)


def first_council(db: store.Database) -> str:
    return trends.filter_choices(db).council[0]


def test_an_export_says_on_its_first_row_which_filters_chose_it(demo_copy):
    db, _ = demo_copy(TODAY)
    council = first_council(db)
    where = store.TrendFilter(council=council)
    table = reports.export_table(db, where, "responses", today=TODAY)
    assert table.caption.startswith(f"Responses of council: {council}.")
    assert table.caption.endswith("Exported 25 November 2026.")
    everything = reports.export_table(db, store.TrendFilter(), "comments", today=TODAY)
    assert everything.caption.startswith("Comments of all delivered sessions.")

    data = export.rows_to_csv(table.rows, table.columns, caption=table.caption)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == [table.caption]
    assert lines[1] == table.columns
    assert len(lines) == 2 + len(table.rows)

    book = openpyxl.load_workbook(
        io.BytesIO(
            export.rows_to_xlsx({"Responses": (table.columns, table.rows)}, caption=table.caption)
        )
    )
    sheet = book["Responses"]
    assert sheet["A1"].value == table.caption
    assert [c.value for c in sheet[2]] == table.columns
    assert all(c.font.b for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.max_row == 2 + len(table.rows)


def test_a_caption_that_looks_like_a_formula_stays_text():
    data = export.rows_to_csv([{"a": 1}], ["a"], caption="=council: Ashdale")
    assert data.decode("utf-8-sig").splitlines()[0] == "'=council: Ashdale"


def test_the_filter_in_words():
    assert programme_report.filter_words(store.TrendFilter()) == "all delivered sessions"
    words = programme_report.filter_words(
        store.TrendFilter(date(2026, 1, 1), date(2026, 3, 31), council="Ashdale", co_delivered=True)
    )
    assert words == (
        "sessions from 1 January 2026 to 31 March 2026; council: Ashdale;"
        " co-delivered with councillors"
    )


def test_the_reports_page_names_the_trends_filter_it_uses_and_offers_to_clear_it(demo_copy):
    db, _ = demo_copy(TODAY)
    council = first_council(db)
    joanne = person(db, "Joanne Whitaker")  # the programme lead
    at = signed_in(reports_page(), joanne)
    # The council chosen on the Trends page earlier in this browser session.
    at.session_state["trends_filter_values"] = {"council": council}
    at.run()
    assert not at.exception
    title = at.title[0].value.replace("\\", "")  # shown as Markdown, its colons escaped
    assert title == f"Reports: council: {council}"
    assert at.selectbox(key="reports_council").value == council
    assert at.expander[0].proto.expanded  # the filters are in view, not folded away

    at.button(key="reports_write").click().run()
    assert f"council: {council}" in at.session_state["reports_markdown"]
    at.button(key="reports_prepare").click().run()
    data = at.session_state["reports_export"][0]
    first_row = data.decode("utf-8-sig").splitlines()[0]
    assert first_row.startswith("Responses of") and f"council: {council}" in first_row

    # Clearing the filters: the title says so, and what was prepared under them goes.
    at.button(key="reports_clear_filters").click().run()
    assert not at.exception
    assert at.title[0].value == "Reports: all delivered sessions"
    assert at.selectbox(key="reports_council").value is None
    assert "reports_export" not in at.session_state
    assert "reports_markdown" not in at.session_state


def test_a_register_export_says_which_lessons_it_holds(db):
    create_lesson(db, LessonDraft(title="Shorter sessions", owner="Priya"), ME)
    create_lesson(db, LessonDraft(title="Test the wifi"), ME)
    with db.reading() as cur:
        register = store.all_lessons(cur)
    chosen = LessonFilter(statuses=["observed"], owner="Priya", text=" wifi ")
    caption = reports.register_caption(1, len(register), chosen, {}, TODAY)
    assert caption == (
        "Lessons register: 1 of 2 lessons (status: Observed; owner: Priya; search: wifi)."
        " Exported 25 November 2026."
    )
    data = reports.register_csv(register[:1], {}, caption)
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == caption
    assert lines[1].startswith("id,title,")
    book = openpyxl.load_workbook(io.BytesIO(reports.register_xlsx(register[:1], {}, caption)))
    assert book["Lessons"]["A1"].value == caption
    everything = reports.register_caption(2, 2, LessonFilter(), {}, TODAY)
    assert everything.startswith("Lessons register: 2 of 2 lessons (no filters).")
