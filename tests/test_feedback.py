import threading
from datetime import datetime, timedelta
from typing import Any

import pytest

from lessons import store, tagging
from lessons.errors import ValidationError
from lessons.feedback import (
    FeedbackAnswer,
    RoomOfPhones,
    SessionUnavailable,
    Submission,
    record_responses_in,
    session_for_link,
    submit_feedback,
)
from lessons.loop import update_session_and_embed as update_session
from tests.conftest import found, make_session, session_draft, table_count

# During the default test session (conftest.session_draft: 12 March 2026, 18:00-20:00).
DURING = datetime(2026, 3, 12, 19, 0)


def full_answer(**overrides: Any) -> FeedbackAnswer:
    values: dict[str, Any] = dict(
        overall_rating=4,
        usefulness=5,
        confidence_before=2,
        confidence_after=4,
        balance="more_how",
        length="too_long",
        councillor_type="cautious",
        went_well="Seeing real councillors' accounts",
        to_change="Less time on slides, more time trying it",
        help_next="",
    )
    values.update(overrides)
    return FeedbackAnswer(**values)


def test_submission_through_the_token_stores_a_response_and_its_comments(db):
    session = make_session(db)
    found = session_for_link(db, token=session.feedback_token, now=DURING)
    response_id = submit_feedback(db, found.id, full_answer(), "render-1")
    with db.reading() as cur:
        [response] = store.responses_for_session(cur, session.id)
        comments = store.comments_for_response(cur, response_id)
    assert response.id == response_id
    assert (response.overall_rating, response.confidence_before, response.confidence_after) == (
        4,
        2,
        4,
    )
    assert response.balance == "more_how" and response.length == "too_long"
    assert response.contact_name is None and not response.contact_opt_in
    # The blank third answer makes no comment row.
    assert [(c.question, c.text) for c in comments] == [
        ("went_well", "Seeing real councillors' accounts"),
        ("to_change", "Less time on slides, more time trying it"),
    ]


def test_only_the_overall_rating_is_required(db):
    session = make_session(db)
    submit_feedback(db, session.id, FeedbackAnswer(overall_rating=5), "k")
    assert table_count(db, "responses") == 1
    assert table_count(db, "comments") == 0
    with pytest.raises(ValidationError) as refused:
        submit_feedback(db, session.id, FeedbackAnswer(overall_rating=None), "k2")
    assert "required" in refused.value.errors["overall_rating"]


def test_the_code_finds_the_session_whatever_the_case(db):
    session = make_session(db)
    assert session_for_link(db, code=session.short_code.lower(), now=DURING).id == session.id


@pytest.mark.parametrize(
    ("token", "code", "words"),
    [
        ("not-a-real-token", None, "not recognised"),
        (None, "ABC", "6 letters and numbers"),
        (None, "ZZZZZZ", "No session has the code ZZZZZZ"),
        (None, None, "6 letters and numbers"),
    ],
)
def test_unknown_or_mistyped_links_get_a_clear_message(db, token, code, words):
    make_session(db)
    with pytest.raises(SessionUnavailable) as refused:
        session_for_link(db, token=token, code=code)
    assert words in refused.value.message


def test_a_closed_session_refuses_feedback_and_stores_nothing(db):
    session = make_session(db)
    update_session(db, session.id, session_draft(feedback_open=False))
    with pytest.raises(SessionUnavailable) as refused:
        session_for_link(db, token=session.feedback_token)
    assert "has closed" in refused.value.message
    with pytest.raises(SessionUnavailable):
        submit_feedback(db, session.id, full_answer(), "late")
    assert table_count(db, "responses") == 0


def test_an_over_long_answer_is_refused_and_nothing_is_stored(db):
    session = make_session(db)
    with pytest.raises(ValidationError) as refused:
        submit_feedback(db, session.id, full_answer(to_change="x" * 2001), "long")
    assert "2,001 characters" in refused.value.errors["to_change"]
    assert "2,000 or fewer" in refused.value.errors["to_change"]
    assert table_count(db, "responses") == 0
    assert table_count(db, "comments") == 0
    submit_feedback(db, session.id, full_answer(to_change="x" * 2000), "exactly")
    assert table_count(db, "responses") == 1


def test_a_double_submit_is_stored_once(db):
    session = make_session(db)
    first = submit_feedback(db, session.id, full_answer(), "same-render")
    second = submit_feedback(db, session.id, full_answer(), "same-render")
    assert first == second
    assert table_count(db, "responses") == 1
    assert table_count(db, "comments") == 2


def test_contact_details_need_an_explicit_opt_in(db):
    session = make_session(db)
    with pytest.raises(ValidationError) as refused:
        submit_feedback(db, session.id, full_answer(contact_name="Cllr Jo Holt"), "a")
    assert "tick the box" in refused.value.errors["contact_opt_in"]
    assert table_count(db, "responses") == 0
    submit_feedback(
        db,
        session.id,
        full_answer(
            contact_name="Cllr Jo Holt", contact_detail="jo@example.gov.uk", contact_opt_in=True
        ),
        "b",
    )
    # Ticking the box with nothing to keep keeps nothing.
    submit_feedback(db, session.id, full_answer(contact_opt_in=True), "c")
    with db.reading() as cur:
        first, second = store.responses_for_session(cur, session.id)
    assert (first.contact_name, first.contact_detail, first.contact_opt_in) == (
        "Cllr Jo Holt",
        "jo@example.gov.uk",
        True,
    )
    assert (second.contact_name, second.contact_opt_in) == (None, False)


@pytest.mark.parametrize(
    ("field", "value"),
    [("overall_rating", 6), ("usefulness", 0), ("balance", "lots"), ("councillor_type", "troll")],
)
def test_values_outside_the_form_choices_are_refused(db, field, value):
    session = make_session(db)
    with pytest.raises(ValidationError) as refused:
        submit_feedback(db, session.id, full_answer(**{field: value}), "x")
    assert field in refused.value.errors


def test_eight_threads_of_a_hundred_submissions_store_exactly_eight_hundred(db):
    session = make_session(db)
    errors: list[BaseException] = []

    def submit_many(thread: int) -> None:
        for i in range(100):
            try:
                submit_feedback(
                    db, session.id, full_answer(overall_rating=1 + i % 5), f"t{thread}-{i}"
                )
            except BaseException as error:  # collected, so the test reports every failure
                errors.append(error)

    threads = [threading.Thread(target=submit_many, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert table_count(db, "responses") == 800
    assert table_count(db, "comments") == 1600


def test_a_batch_of_responses_is_recorded_with_its_comments_in_one_go(db):
    session = make_session(db)
    at = session.starts_at
    submit_feedback(db, session.id, full_answer(), "seen-before")
    batch = [
        Submission(session.id, full_answer(help_next="A session on Instagram"), "paper-1", at),
        Submission(session.id, FeedbackAnswer(overall_rating=3), "paper-2", at),
        Submission(session.id, full_answer(), "seen-before", at),  # found, not repeated
    ]
    with db.transaction() as cur:
        first, second, again = record_responses_in(cur, batch)
    assert first.new and second.new and not again.new
    assert set(first.comment_ids) == {"went_well", "to_change", "help_next"}
    assert second.comment_ids == {}
    with db.reading() as cur:
        stored = store.comments_for_response(cur, first.response_id)
        responses = store.responses_for_session(cur, session.id)
    assert {c.question: c.id for c in stored} == first.comment_ids
    assert [c.text for c in stored][-1] == "A session on Instagram"
    assert len(responses) == 3 and table_count(db, "comments") == 5


def test_a_bad_answer_in_a_batch_is_named_and_nothing_is_stored(db):
    session = make_session(db)
    at = session.starts_at
    batch = [
        Submission(session.id, FeedbackAnswer(overall_rating=4), "paper-1", at),
        Submission(session.id, FeedbackAnswer(overall_rating=9), "paper-2", at),
    ]
    with pytest.raises(ValidationError) as refused, db.transaction() as cur:
        record_responses_in(cur, batch)
    assert refused.value.errors["response"] == "Response 2 of 2."
    assert "from 1 to 5" in refused.value.errors["overall_rating"]
    assert table_count(db, "responses") == 0


def test_a_planned_session_takes_feedback_from_30_minutes_before_until_it_closes(db):
    session = make_session(db)  # planned, 12 March 2026 18:00-20:00
    start = session.starts_at
    with pytest.raises(SessionUnavailable) as early:
        session_for_link(db, token=session.feedback_token, now=start - timedelta(minutes=31))
    assert early.value.reason == "not_yet"
    assert session_for_link(db, token=session.feedback_token, now=start - timedelta(minutes=30))
    # By default the form closes 14 days after the session ends.
    last = session.ends_at + timedelta(days=14) - timedelta(seconds=1)
    assert session_for_link(db, token=session.feedback_token, now=last)
    with pytest.raises(SessionUnavailable) as late:
        session_for_link(db, token=session.feedback_token, now=last + timedelta(seconds=1))
    assert late.value.reason == "closed" and "has closed" in late.value.message


def test_a_closing_time_set_on_the_session_wins_and_the_form_refuses_after_it(db):
    closes = datetime(2026, 3, 13, 9, 0)
    session = make_session(db, feedback_closes_at=closes)
    assert session_for_link(db, token=session.feedback_token, now=closes - timedelta(minutes=1))
    with pytest.raises(SessionUnavailable):
        submit_feedback(db, session.id, full_answer(), "late", now=closes, within_window=True)
    assert table_count(db, "responses") == 0
    submit_feedback(db, session.id, full_answer(), "in-time", now=DURING, within_window=True)
    assert table_count(db, "responses") == 1


def test_a_closing_time_before_the_start_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        make_session(db, feedback_closes_at=datetime(2026, 3, 1, 9, 0))
    assert "close after the session starts" in refused.value.errors["feedback_closes_at"]


def test_marking_a_session_delivered_before_its_date_needs_confirming(db):
    session = make_session(db)
    before_it = session.starts_at - timedelta(days=2)
    with pytest.raises(ValidationError) as asked:
        update_session(db, session.id, session_draft(status="delivered"), now=before_it)
    assert "still to come" in asked.value.errors["status"]
    update_session(
        db, session.id, session_draft(status="delivered"), now=before_it, confirmed_early=True
    )
    with db.reading() as cur:
        assert found(store.session_by_id(cur, session.id)).status == "delivered"


def test_welsh_answers_are_stored_as_written_marked_and_left_unanalysed(db):
    session = make_session(db)
    text = "Roedd y sesiwn yn ddefnyddiol iawn, diolch"
    response_id = submit_feedback(
        db, session.id, full_answer(went_well=text, to_change="", language="cy"), "cy-1"
    )
    with db.reading() as cur:
        [response] = store.responses_for_session(cur, session.id)
        [comment] = store.comments_for_response(cur, response_id)
        language = cur.execute("SELECT language FROM comments").fetchall()
        analysed = cur.execute("SELECT count(*) FROM comment_analysis").fetchall()
    assert response.language == "cy" and comment.text == text
    assert language == [("cy",)] and analysed == [(0,)]
    # Re-analysis leaves it alone too.
    tagging.reanalyse(db, workers=1)
    with db.reading() as cur:
        assert cur.execute("SELECT count(*) FROM comment_analysis").fetchall() == [(0,)]


def test_a_room_of_phones_sending_at_once_stores_each_answer_once(db):
    session = make_session(db)
    room = RoomOfPhones(db)
    keys = [f"phone-{n % 25}" for n in range(40)]  # 15 phones send twice
    ids: list[int] = []
    problems: list[BaseException] = []

    def phone(key: str) -> None:
        try:
            ids.append(room.submit(session.id, full_answer(), key, now=DURING))
        except BaseException as problem:  # noqa: BLE001 (reported below)
            problems.append(problem)

    threads = [threading.Thread(target=phone, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems
    assert len(ids) == 40 and len(set(ids)) == 25
    assert table_count(db, "responses") == 25 and table_count(db, "comment_analysis") == 50


def test_a_room_refuses_a_session_not_taking_feedback_and_a_bad_answer(db):
    session = make_session(db)
    room = RoomOfPhones(db)
    with pytest.raises(SessionUnavailable):
        room.submit(session.id, full_answer(), "too-late", now=DURING + timedelta(days=30))
    with pytest.raises(ValidationError):
        room.submit(session.id, full_answer(overall_rating=None), "no-rating", now=DURING)
    assert table_count(db, "responses") == 0
