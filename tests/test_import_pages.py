"""The Import and Paper cards pages, through AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lessons import importing, store
from tests.conftest import ROOT, make_account, make_session, signed_in, table_count


def _page(db, name: str, role: str = "facilitator"):
    me = make_account(db, "Tom Ellery", role)
    at = signed_in(AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60), me)
    return at, me


def _type_card(at, **keys: str) -> None:
    by_label = {w.label.split(" (")[0]: w for w in at.text_input}
    for label, value in keys.items():
        by_label[label].input(value)
    [submit] = [b for b in at.get("form_submit_button")]
    submit.click()
    at.run()


def test_paper_cards_are_typed_one_after_another_and_counted(db):
    session = make_session(db)
    at, me = _page(db, "paper_entry")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Enter paper feedback"
    _type_card(at, **{"Overall rating": "5", "Balance of why and how": "2"})
    assert not at.exception
    assert "Saved card 1." in [s.value for s in at.success]
    # The next card is blank: new widgets, nothing carried over.
    assert all(not w.value for w in at.text_input)
    _type_card(at, **{"Overall rating": "7"})
    assert any("from 1 to 5" in e.value for e in at.error)
    assert [w.value for w in at.text_input if w.label.startswith("Overall")] == ["7"]  # kept
    with db.reading() as cur:
        assert store.response_source_counts(cur, session.id) == {"paper": 1}
    assert importing.paper_cards_entered(db, session.id, me.actor()) == 1
    assert table_count(db, "responses") == 1


def test_the_import_page_asks_for_a_file(db):
    at, _ = _page(db, "import_responses")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Import feedback"
