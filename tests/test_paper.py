"""Paper cards (issue 13): the printable A4 form and typing cards in."""

from __future__ import annotations

import re

import pytest

from lessons import importing, store
from lessons.auth import Actor
from lessons.errors import NotAllowed, ValidationError
from lessons.paper_form import PAPER_TEXT, PaperCard, paper_form_image, paper_form_pdf, say
from tests.conftest import make_account, make_session, table_count

CARD = PaperCard("Social media for councillors", "Calderbrook Council", "12 March 2026", "K7M4PQ")


def test_the_paper_form_is_one_a4_page_of_two_cards_in_english_or_welsh():
    english = paper_form_pdf(CARD, "en")
    welsh = paper_form_pdf(CARD, "cy")
    assert english.startswith(b"%PDF") and welsh.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", english)) == 1  # one page
    page = paper_form_image(CARD, "en")
    assert page.size == (1240, 1754)  # A4 at 150 dots per inch
    assert paper_form_image(CARD, "cy").tobytes() != page.tobytes()
    with pytest.raises(ValueError):
        paper_form_pdf(CARD, "fr")


def test_every_printed_english_string_has_its_welsh():
    for english, welsh in PAPER_TEXT.items():
        assert say(english, "cy") == welsh and say(english, "en") == english
        assert welsh and welsh != english


def test_number_keys_become_the_forms_answers():
    answer = importing.paper_answer(
        {"overall_rating": "4", "balance": "2", "length": "3", "councillor_type": "1"}
    )
    assert (answer.overall_rating, answer.balance, answer.length) == (4, "about_right", "too_long")
    assert answer.councillor_type == "sceptic"
    with pytest.raises(ValidationError) as refused:
        importing.paper_answer({"overall_rating": "x", "length": "9"})
    assert set(refused.value.errors) == {"overall_rating", "length"}


def test_a_card_is_stored_as_paper_by_its_typist_with_the_forms_checks(db):
    session = make_session(db)
    typist = make_account(db, "Tom Ellery", "facilitator").actor()
    card = importing.paper_answer({"overall_rating": "5", "went_well": "Good\x00 day"})
    first = importing.enter_paper_card(db, session.id, card, typist, "card-1")
    again = importing.enter_paper_card(db, session.id, card, typist, "card-1")  # Enter twice
    assert first == again and table_count(db, "responses") == 1
    with db.reading() as cur:
        assert store.response_source_counts(cur, session.id) == {"paper": 1}
        row = cur.execute(
            "SELECT entered_by, entered_by_name FROM response_sources WHERE response_id = ?",
            [first],
        ).fetchall()[0]
        text = cur.execute("SELECT text FROM comments").fetchall()[0][0]
    assert row == (typist.account_id, "Tom Ellery") and text == "Good day"
    assert importing.paper_cards_entered(db, session.id, typist) == 1
    for keys in ({"overall_rating": "7"}, {"overall_rating": "3", "to_change": "x" * 2001}, {}):
        with pytest.raises(ValidationError):
            importing.enter_paper_card(
                db, session.id, importing.paper_answer(keys), typist, f"k{len(keys)}"
            )
    assert table_count(db, "responses") == 1


def test_attendees_cannot_enter_paper_cards(db):
    session = make_session(db)
    with pytest.raises(NotAllowed):
        importing.enter_paper_card(
            db, session.id, importing.paper_answer({"overall_rating": "3"}),
            Actor(None, "x", "attendee"), "k",
        )  # fmt: skip


def test_the_post_mortem_says_how_responses_arrived(db):
    session = make_session(db)
    assert importing.sources_line(db, session.id) == ""
    typist = make_account(db, "Tom Ellery", "facilitator").actor()
    for n in range(2):
        card = importing.paper_answer({"overall_rating": "4"})
        importing.enter_paper_card(db, session.id, card, typist, f"card-{n}")
    assert importing.sources_line(db, session.id) == "Paper form 2"
