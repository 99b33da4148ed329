from datetime import date, datetime, timedelta

from streamlit.testing.v1 import AppTest

from lessons import attention, reports, store
from lessons.attention import needs_attention
from lessons.auth import Actor
from lessons.clock import today_local
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.register import LessonDraft, create_lesson, move_lesson
from tests.conftest import ROOT, make_account, make_session, signed_in

NOW = datetime(2026, 3, 1, 12, 0)
ME = Actor(1, "Me", "facilitator")


def on(days: int, **overrides):
    start = NOW + timedelta(days=days)
    return dict(starts_at=start, ends_at=start + timedelta(hours=2), **overrides)


def test_what_needs_attention_in_the_order_to_work_through_it(db):
    later = make_session(db, title="Later delivered", **on(-3, status="delivered"))
    earlier = make_session(db, title="Earlier delivered", **on(-10, status="delivered"))
    make_session(db, title="Reviewed", **on(-20, status="reviewed"))
    soon = make_session(db, title="Soon", **on(5))
    make_session(db, title="Past but still planned", **on(-1))
    overdue = create_lesson(
        db, LessonDraft(title="Late", action="a", owner="o", due_date=date(2026, 2, 1)), ME
    )
    move_lesson(db, overdue, "identified", ME)
    with db.reading() as cur:
        attention = needs_attention(store.all_sessions(cur), store.all_lessons(cur), {soon.id}, NOW)
    assert [s.id for s in attention.awaiting_post_mortem] == [earlier.id, later.id]
    assert [x.id for x in attention.overdue_actions] == [overdue]
    assert [s.id for s in attention.upcoming] == [soon.id]
    assert attention.upcoming_without_plan == 0


def test_register_columns_are_the_export_rows_keys(db):
    create_lesson(db, LessonDraft(title="A lesson"), ME)
    with db.reading() as cur:
        rows = reports.register_rows(store.all_lessons(cur), {})
    assert tuple(rows[0]) == reports.REGISTER_COLUMNS
    assert reports.register_csv(store_lessons(db), {}).decode("utf-8-sig").startswith("id,title,")


def store_lessons(db):
    with db.reading() as cur:
        return store.all_lessons(cur)


def test_a_visit_is_recorded_and_the_last_one_returned(db):
    first = datetime(2026, 3, 1, 9, 0)
    priya, tom = make_account(db, "Priya Shah"), make_account(db, "Tom Ellery")
    assert attention.record_visit(db, priya.id, first) is None
    last = attention.record_visit(db, priya.id, first + timedelta(days=1))
    assert last is not None and last.seen_at == first
    assert attention.record_visit(db, tom.id, first) is None  # each person their own


def test_new_feedback_since_a_visit(db):
    # Responses keep no time of day (issue 10): what is new is counted from the newest
    # response there was at the last visit.
    session = make_session(db, status="delivered")
    priya = make_account(db, "Priya Shah")
    now = datetime.combine(today_local(), datetime.min.time())
    attention.record_visit(db, priya.id, now - timedelta(days=1))
    before = attention.record_visit(db, priya.id, now)
    assert before is not None
    submit_feedback(db, session.id, FeedbackAnswer(overall_rating=4), "one")
    submit_feedback(db, session.id, FeedbackAnswer(overall_rating=5), "two")
    assert attention.new_feedback_since(db, before) == [(session.id, session.title, 2)]
    attention.record_visit(db, priya.id, now)  # this visit sees the two
    with db.reading() as cur:
        latest = store.last_visit(cur, priya.id)
    assert latest is not None
    assert attention.new_feedback_since(db, latest) == []


def test_what_needs_attention_reads_the_database(db):
    soon = make_session(db, title="Soon", **on(5))
    found = attention.what_needs_attention(db, NOW)
    assert [s.id for s in found.upcoming] == [soon.id]
    assert found.upcoming_without_plan == 1


def test_the_home_page_records_the_visit_once_per_browser_session(db):
    priya = make_account(db, "Priya Shah")
    at = signed_in(AppTest.from_file(str(ROOT / "pages" / "home.py"), default_timeout=30), priya)
    at.run()
    assert not at.exception
    assert any("first visit" in c.value for c in at.caption)
    with db.reading() as cur:
        first = store.last_visit(cur, priya.id)
    assert first is not None
    at.run()  # a rerun in the same browser session keeps the list it showed
    with db.reading() as cur:
        assert store.last_visit(cur, priya.id) == first
