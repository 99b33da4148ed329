from datetime import date, datetime, timedelta

from lessons import reports, store
from lessons.attention import needs_attention
from lessons.register import LessonDraft, create_lesson, move_lesson
from tests.conftest import make_session

NOW = datetime(2026, 3, 1, 12, 0)


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
        db, LessonDraft(title="Late", action="a", owner="o", due_date=date(2026, 2, 1)), "Me"
    )
    move_lesson(db, overdue, "identified", "Me")
    with db.reading() as cur:
        attention = needs_attention(store.all_sessions(cur), store.all_lessons(cur), {soon.id}, NOW)
    assert [s.id for s in attention.awaiting_post_mortem] == [earlier.id, later.id]
    assert [x.id for x in attention.overdue_actions] == [overdue]
    assert [s.id for s in attention.upcoming] == [soon.id]
    assert attention.upcoming_without_plan == 0


def test_register_columns_are_the_export_rows_keys(db):
    create_lesson(db, LessonDraft(title="A lesson"), "Me")
    with db.reading() as cur:
        rows = reports.register_rows(store.all_lessons(cur), {})
    assert tuple(rows[0]) == reports.REGISTER_COLUMNS
    assert reports.register_csv(store_lessons(db), {}).decode("utf-8-sig").startswith("id,title,")


def store_lessons(db):
    with db.reading() as cur:
        return store.all_lessons(cur)
