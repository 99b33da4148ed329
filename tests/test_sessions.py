import re
from datetime import timedelta

import pytest

from lessons import store
from lessons.auth import Actor
from lessons.errors import ValidationError
from lessons.loop import update_session_and_embed as update_session
from lessons.sessions import (
    CODE_ALPHABET,
    create_session,
    mark_reviewed,
    nearest_session,
    normalise_code,
    split_names,
    validate_session,
)
from tests.conftest import found, make_session, session_draft, table_count

PRIYA = Actor(1, "Priya Shah", "facilitator")


def test_a_created_session_reads_back_with_its_people(db):
    session = make_session(db)
    assert session.title == "Social media for councillors"
    assert session.facilitators == ("Priya Shah", "Tom Ellery")
    assert session.councillor_facilitators == ("Cllr Ruth Abbott",)
    assert session.status == "planned"
    assert session.feedback_open
    assert session.response_count == 0


def test_tokens_are_unguessable_and_codes_typable(db):
    sessions = [make_session(db) for _ in range(30)]
    tokens = {s.feedback_token for s in sessions}
    codes = {s.short_code for s in sessions}
    assert len(tokens) == len(codes) == 30
    for s in sessions:
        # token_urlsafe(16): 22 characters of base64, 128 bits.
        assert len(s.feedback_token) >= 22
        assert re.fullmatch(r"[A-Za-z0-9_-]+", s.feedback_token)
        assert len(s.short_code) == 6
        assert set(s.short_code) <= set(CODE_ALPHABET)
    assert not set("O0I1L") & set(CODE_ALPHABET)


def test_end_before_start_is_refused_with_a_clear_message(db):
    draft = session_draft()
    draft.ends_at = draft.starts_at - timedelta(minutes=30)
    with pytest.raises(ValidationError) as refused:
        create_session(db, draft)
    assert "must end after it starts" in refused.value.errors["ends_at"]
    assert table_count(db, "sessions") == 0


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"title": "  "}, "title", "Give the session a title"),
        ({"title": "x" * 201}, "title", "200 characters"),
        ({"council": ""}, "council", "which council"),
        ({"venue": "", "online": False}, "venue", "tick 'Online'"),
        (
            {"context_minutes": 100, "hands_on_minutes": 100},
            "context_minutes",
            "more than the session's 120 minutes",
        ),
        ({"context_minutes": -5}, "context_minutes", "cannot be negative"),
        ({"expected_attendees": 5000}, "expected_attendees", "between 1 and 1000"),
        ({"format": "rave"}, "format", "listed formats"),
        ({"facilitators": ["x"] * 13}, "facilitators", "at most 12"),
    ],
)
def test_each_invalid_field_is_named_with_what_to_fix(overrides, field, words):
    errors = validate_session(session_draft(**overrides))
    assert field in errors
    assert words in errors[field]


def test_an_online_session_needs_no_venue():
    assert validate_session(session_draft(venue="", online=True)) == {}


def test_update_changes_fields_and_people(db):
    session = make_session(db)
    update_session(
        db,
        session.id,
        session_draft(
            title="Staying safe online",
            facilitators=["Ann Lee"],
            councillor_facilitators=[],
            status="delivered",
        ),
    )
    with db.reading() as cur:
        updated = store.session_by_id(cur, session.id)
    assert updated is not None
    assert updated.title == "Staying safe online"
    assert updated.facilitators == ("Ann Lee",)
    assert updated.councillor_facilitators == ()
    assert updated.status == "delivered"
    assert updated.feedback_token == session.feedback_token


def test_updating_a_missing_session_says_so(db):
    with pytest.raises(ValidationError) as refused:
        update_session(db, 999, session_draft())
    assert "no longer exists" in refused.value.errors["session"]


def test_codes_are_read_generously():
    assert normalise_code(" k7m-4pq ") == "K7M4PQ"


def test_names_split_on_commas_semicolons_and_lines():
    assert split_names("Ann Lee, Bo Khan; Cy Day\n , ") == ["Ann Lee", "Bo Khan", "Cy Day"]


def test_the_nearest_session_is_the_one_starting_closest_to_now(db):
    start = session_draft().starts_at
    past = make_session(
        db, starts_at=start - timedelta(days=30), ends_at=start - timedelta(days=30, hours=-2)
    )
    soon = make_session(
        db, starts_at=start + timedelta(days=2), ends_at=start + timedelta(days=2, hours=2)
    )
    make_session(
        db, starts_at=start + timedelta(days=60), ends_at=start + timedelta(days=60, hours=2)
    )
    with db.reading() as cur:
        sessions = store.all_sessions(cur)
    assert found(nearest_session(sessions, start)).id == soon.id
    assert found(nearest_session(sessions, start - timedelta(days=29))).id == past.id
    assert nearest_session([], start) is None


def test_marking_reviewed_needs_a_delivered_session(db):
    planned = make_session(db)
    with pytest.raises(ValidationError) as refused:
        mark_reviewed(db, planned.id, PRIYA)
    assert "Only a delivered session" in refused.value.errors["status"]
    delivered = make_session(db, status="delivered")
    mark_reviewed(db, delivered.id, PRIYA)
    with db.reading() as cur:
        reviewed = store.session_by_id(cur, delivered.id)
        [created, edited] = store.audit_for(cur, "session", delivered.id)
    assert reviewed is not None and reviewed.status == "reviewed"
    assert reviewed.title == delivered.title and reviewed.feedback_open == delivered.feedback_open
    assert (edited.actor, edited.detail) == ("Priya Shah", "Changed status")
    assert (edited.from_status, edited.to_status) == ("delivered", "reviewed")
    with pytest.raises(ValidationError) as missing:
        mark_reviewed(db, 999, PRIYA)
    assert "no longer exists" in missing.value.errors["session"]


def test_an_edit_without_a_name_is_recorded_as_unknown(db):
    session = make_session(db)
    update_session(db, session.id, session_draft(title="Renamed"))
    with db.reading() as cur:
        entries = store.audit_for(cur, "session", session.id)
    assert [(e.actor, e.action, e.detail) for e in entries] == [
        ("unknown", "created", "Social media for councillors"),
        ("unknown", "edited", "Changed title"),
    ]
