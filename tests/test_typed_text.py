"""What people type is cleaned the same way whichever door it comes in by (issue 10)."""

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons import planning, privacy, store, tagging
from lessons.auth import Actor
from lessons.errors import ValidationError
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.privacy_notice import PrivacySettings
from lessons.reflections import save_reflection
from lessons.register import EvidenceLink, LessonDraft, create_lesson, link_evidence
from lessons.sessions import create_session
from lessons.typed_text import UNSTORABLE, clean, clean_dataclass, clean_fields
from tests.conftest import found, make_account, make_session, session_draft

ME = Actor(1, "Priya Shah", "admin")
NASTY = "a\x00b\x07c\u202ed\u2066e\r\nf\tg\u200bh\u200di\x7fj\x9bk"
KEPT = "abcde\nf\tg\u200bh\u200dijk"
LONE_SURROGATE = "fine \ud800 then"


def test_controls_and_bidi_overrides_go_tabs_newlines_and_joiners_stay():
    assert clean(NASTY) == KEPT
    assert clean("one\rtwo") == "one\ntwo"
    assert clean("Pâté, 👨‍👩‍👧, שלום\u200f") == "Pâté, 👨‍👩‍👧, שלום\u200f"


def test_a_lone_surrogate_is_refused_with_a_message_naming_the_field():
    with pytest.raises(ValidationError) as refused:
        clean(LONE_SURROGATE, "went_well")
    assert refused.value.errors == {"went_well": UNSTORABLE}


def test_every_field_that_cannot_be_stored_is_named_at_once():
    with pytest.raises(ValidationError) as refused:
        clean_fields({"a": "\ud800", "b": "ok", "c": ["x", "\udfff"]})
    assert set(refused.value.errors) == {"a", "c"}
    assert clean_fields({"names": ("A\x00", "B")}) == {"names": ("A", "B")}


def test_a_dataclass_keeps_its_other_fields():
    draft = clean_dataclass(session_draft(title="Social\x00 media", facilitators=["Ann\x01"]))
    assert draft.title == "Social media" and draft.facilitators == ["Ann"]
    assert draft.starts_at == session_draft().starts_at


@given(st.text())
def test_cleaning_keeps_no_control_character_and_is_idempotent(text):
    try:
        kept = clean(text)
    except ValidationError:
        assert any("\ud800" <= c <= "\udfff" for c in text)
        return
    assert not any(
        (ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F or c in "\u202a\u202e\u2066"
        for c in kept
    )
    assert clean(kept) == kept


# --- every input path ------------------------------------------------------------------------


def stored_comment(db):
    with db.reading() as cur:
        return cur.execute("SELECT text FROM comments").fetchall()[0][0]


def test_feedback_is_cleaned_and_an_unstorable_answer_gets_a_message(db):
    session = make_session(db)
    submit_feedback(db, session.id, FeedbackAnswer(overall_rating=4, went_well=NASTY), "one")
    assert stored_comment(db) == KEPT
    with pytest.raises(ValidationError) as refused:
        answer = FeedbackAnswer(overall_rating=4, to_change=LONE_SURROGATE, contact_name="\ud801")
        submit_feedback(db, session.id, answer, "two")
    assert set(refused.value.errors) == {"to_change", "contact_name"}


def test_reflections_are_cleaned(db):
    session = make_session(db, status="delivered")
    # The author is an account now: its name was cleaned when the account was made.
    tom = make_account(db, "Tom\x00", "facilitator")
    save_reflection(db, session.id, tom.actor(), "rolfe", {"what": NASTY}, final=True)
    with db.reading() as cur:
        [reflection] = store.reflections_for_session(cur, session.id)
    assert reflection.author == "Tom" and reflection.answers[0].text == KEPT
    with pytest.raises(ValidationError):
        save_reflection(db, session.id, tom.actor(), "rolfe", {"what": LONE_SURROGATE}, False)


def test_lessons_and_their_evidence_are_cleaned(db):
    lesson_id = create_lesson(db, LessonDraft(title="Test\x00 wifi", lesson=NASTY), ME)
    link_evidence(db, lesson_id, EvidenceLink(note="seen\x00 twice"), ME)
    with db.reading() as cur:
        lesson = found(store.lesson_by_id(cur, lesson_id))
        [evidence] = store.evidence_for_lesson(cur, lesson_id)
    assert (lesson.title, lesson.lesson, evidence.note) == ("Test wifi", KEPT, "seen twice")
    with pytest.raises(ValidationError) as refused:
        create_lesson(db, LessonDraft(title=LONE_SURROGATE), ME)
    assert "title" in refused.value.errors


def test_sessions_are_cleaned(db):
    session_id = create_session(db, session_draft(title="Wifi\u202e first", venue="Hall\x00 2"))
    with db.reading() as cur:
        session = found(store.session_by_id(cur, session_id))
    assert (session.title, session.venue) == ("Wifi first", "Hall 2")
    with pytest.raises(ValidationError) as refused:
        create_session(db, session_draft(council=LONE_SURROGATE))
    assert "council" in refused.value.errors


def test_plans_and_checklists_are_cleaned(db):
    session = make_session(db)
    planning.save_plan(db, session.id, [], "Bring\x00 laptops", ME)
    planning.add_checklist_item(db, session.id, "Test\x07 the wifi", ME)
    with db.reading() as cur:
        plan = found(store.plan_for_session(cur, session.id))
    assert plan.notes == "Bring laptops" and plan.checklist[0].text == "Test the wifi"
    with pytest.raises(ValidationError):
        planning.add_checklist_item(db, session.id, LONE_SURROGATE, ME)


def test_themes_are_cleaned(db):
    theme = tagging.theme_from_form(
        tagging.blank_theme(), "access", "Access\x00", "", "ramp\x01", "", "", False
    )
    tagging.save_theme(db, theme, is_new=True, actor=ME)
    saved = {t.id: t for t in tagging.list_themes(db)}["access"]
    assert (saved.name, saved.include_terms) == ("Access", ("ramp",))


def test_accounts_names_and_emails_are_cleaned(db):
    account = make_account(db, "Ann\u202e Lee\x00", "facilitator", email="ann\x00@council.example")
    assert (account.display_name, account.email) == ("Ann Lee", "ann@council.example")
    with pytest.raises(ValidationError) as refused:
        make_account(db, LONE_SURROGATE, "facilitator", email="x@council.example")
    assert "name" in refused.value.errors


def test_privacy_settings_are_cleaned(db):
    settings = PrivacySettings("Calderbrook\x00 Council", "", "dpo@calderbrook.example")
    privacy.save_privacy_settings(db, settings, ME, datetime(2026, 1, 5, 9))
    assert privacy.privacy_settings(db).controller == "Calderbrook Council"
    with pytest.raises(ValidationError):
        privacy.save_privacy_settings(db, PrivacySettings("\ud800", "", "a@b.example"), ME)
