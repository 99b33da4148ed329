"""The follow-up on paper: its card printed with the follow-up's code, in English or Welsh,
and its answers typed in by staff, stored as follow-up answers (the Weeks on tab's, not the
day's), through the domain and the Paper cards page (AppTest), on a real database."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from lessons import followup, importing, tagging
from lessons.auth import Actor
from lessons.errors import NotAllowed, ValidationError
from lessons.paper_form import PaperCard, paper_form_image, paper_form_pdf
from tests.conftest import ROOT, make_account, make_session, table_count

CARD = PaperCard("Social media for councillors", "Calderbrook Council", "12 March 2026", "Q7RT3W")


def test_the_follow_up_card_is_one_a4_page_of_two_cards_in_english_or_welsh():
    english = paper_form_pdf(CARD, "en", followup=True)
    assert english.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", english)) == 1
    page = paper_form_image(CARD, "en", followup=True)
    assert page.size == (1240, 1754)
    assert page.tobytes() != paper_form_image(CARD, "en").tobytes()  # not the day's card
    assert paper_form_image(CARD, "cy", followup=True).tobytes() != page.tobytes()


def test_the_numbers_ticked_become_the_follow_up_s_answers():
    answer = importing.paper_followup_answer(
        {"actions": "1 2", "frequency": "2", "barriers": "1,3", "confidence_now": "4",
         "fu_barriers": "Casework first", "fu_help_next": "A session on video"}
    )  # fmt: skip
    assert answer.actions == ("page", "posted") and answer.frequency == "monthly"
    assert answer.barriers == ("time", "tech") and answer.confidence_now == 4
    assert answer.fu_barriers == "Casework first"
    assert importing.paper_followup_answer({"actions": "17"}).actions == ("page", "nothing_yet")
    with pytest.raises(ValidationError) as refused:
        importing.paper_followup_answer(
            {"actions": "9", "frequency": "1 2", "barriers": "x", "confidence_now": "a"}
        )
    assert set(refused.value.errors) == {"actions", "frequency", "barriers", "confidence_now"}


def test_a_follow_up_card_is_stored_once_as_a_follow_up_answer_whenever_typed(db):
    session = make_session(db, status="delivered")  # March 2026: its follow-up is long closed
    typist = make_account(db, "Tom Ellery", "facilitator").actor()
    card = importing.paper_followup_answer(
        {"actions": "2", "barriers": "1", "confidence_now": "4",
         "fu_barriers": "Awful, the wifi at home never works"}
    )  # fmt: skip
    first = importing.enter_paper_followup(db, session.id, card, typist, "card-1")
    again = importing.enter_paper_followup(db, session.id, card, typist, "card-1")  # Enter twice
    assert first == again
    assert table_count(db, "followup_responses") == 1 and table_count(db, "responses") == 0
    # Its comment is the follow-up's: found under Said: weeks on, not among the day's.
    assert [c.text for c in tagging.find_comments(db, said="weeks_on")] == [
        "Awful, the wifi at home never works"
    ]
    assert tagging.find_comments(db, said="day") == []
    with db.reading() as cur:
        assert followup.followup_figures(cur, [session.id]).responses == 1
    with pytest.raises(ValidationError) as refused:
        importing.enter_paper_followup(
            db, session.id, importing.paper_followup_answer({}), typist, "card-2"
        )
    assert "actions" in refused.value.errors
    with pytest.raises(NotAllowed):
        importing.enter_paper_followup(db, session.id, card, Actor(None, "x", "attendee"), "card-3")
    assert table_count(db, "followup_responses") == 1


def paper_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "paper_entry.py"), default_timeout=60)


def test_the_paper_page_prints_and_takes_follow_up_cards(db):
    make_session(db, status="delivered")
    at = paper_page().run()
    assert not at.exception
    at.radio(key="paper_kind").set_value("followup").run()
    assert not at.exception
    assert len(at.get("download_button")) == 2  # the follow-up's cards, English and Welsh
    key = at.session_state["paper_card_key"]
    at.text_input(key=f"paper_fu_actions_{key}").set_value("2")
    at.text_input(key=f"paper_fu_confidence_now_{key}").set_value("5")
    at.text_input(key=f"paper_fu_fu_help_next_{key}").set_value("Help with video")
    at.button(key=f"FormSubmitter:paper_followup_{key}-Save and next card (Enter)").click().run()
    assert not at.exception
    assert any("Saved the follow-up card" in s.value for s in at.success)
    assert table_count(db, "followup_responses") == 1 and table_count(db, "responses") == 0
