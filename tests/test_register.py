"""The lessons register: lifecycle rules, evidence, audit trail, filters."""

from datetime import date, datetime, timedelta

import pytest

from lessons import store
from lessons.auth import Actor
from lessons.errors import ValidationError
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.register import (
    EvidenceLink,
    LessonDraft,
    LessonFilter,
    allowed_moves,
    create_lesson,
    filter_lessons,
    is_overdue,
    lessons_taking_evidence,
    link_evidence,
    move_lesson,
    owners,
    read_register,
    register_counts,
    sessions_to_apply_in,
    update_lesson,
)
from tests.conftest import make_session, table_count

ME = Actor(1, "Priya Shah", "lead")


def lesson(db, lesson_id) -> store.LessonRow:
    with db.reading() as cur:
        row = store.lesson_by_id(cur, lesson_id)
    assert row is not None
    return row


def history(db, lesson_id) -> list[str]:
    with db.reading() as cur:
        return [f"{e.action}: {e.detail}" for e in store.audit_for(cur, "lesson", lesson_id)]


def test_a_lesson_goes_through_every_stage_with_its_history(db):
    source = make_session(db)
    later = make_session(db, title="Second run")
    lesson_id = create_lesson(db, LessonDraft(title="Test the wifi first", themes=["tech"]), ME)
    assert lesson(db, lesson_id).status == "observed"
    move_lesson(db, lesson_id, "identified", ME)
    update_lesson(
        db,
        lesson_id,
        LessonDraft(
            title="Test the wifi first",
            themes=["tech"],
            action="Arrive 45 minutes early to test wifi and logins",
            owner="Tom Ellery",
            due_date=date(2026, 4, 1),
            source_session_id=source.id,
        ),
        ME,
    )
    move_lesson(db, lesson_id, "actioned", ME)
    move_lesson(db, lesson_id, "embedded", ME, applied_session_id=later.id)
    move_lesson(
        db, lesson_id, "validated", ME, effectiveness_evidence="No tech complaints (0 of 14)"
    )
    move_lesson(db, lesson_id, "archived", ME, reason="Now part of the standard checklist")
    final = lesson(db, lesson_id)
    assert final.status == "archived"
    assert final.applied_session_title == "Second run"
    assert final.effectiveness_evidence == "No tech complaints (0 of 14)"
    assert history(db, lesson_id) == [
        "created: Logged 'Test the wifi first'",
        "status: Observed → Identified",
        "edited: Changed action, owner, due_date, source_session_id",
        "status: Identified → Actioned",
        "status: Actioned → Embedded (applied in 'Second run')",
        "status: Embedded → Validated",
        "status: Validated → Archived: Now part of the standard checklist",
    ]


@pytest.mark.parametrize(
    ("start", "to", "kwargs", "field", "words"),
    [
        ("identified", "actioned", {}, "action", "give it an action, an owner, a due date"),
        ("actioned", "embedded", {}, "applied_session_id", "Name the later session"),
        (
            "embedded",
            "validated",
            {},
            "effectiveness_evidence",
            "Say what showed the lesson worked",
        ),
        ("observed", "rejected", {}, "reason", "Give the reason"),
        ("observed", "validated", {}, "status", "can move only to identified or rejected"),
        ("observed", "flying", {}, "status", "Unknown status"),
    ],
)
def test_each_invalid_move_is_refused_with_its_message(db, start, to, kwargs, field, words):
    later = make_session(db)
    lesson_id = create_lesson(db, LessonDraft(title="A lesson"), ME)
    path = ["identified", "actioned", "embedded"]
    if start != "observed":
        for step in path[: path.index(start) + 1]:
            if step == "actioned":
                update_lesson(
                    db,
                    lesson_id,
                    LessonDraft(
                        title="A lesson", action="Do it", owner="Me", due_date=date(2026, 1, 1)
                    ),
                    ME,
                )
            move_lesson(db, lesson_id, step, ME, applied_session_id=later.id)
    before = history(db, lesson_id)
    with pytest.raises(ValidationError) as refused:
        move_lesson(db, lesson_id, to, ME, **kwargs)
    assert words in refused.value.errors[field]
    assert lesson(db, lesson_id).status == start
    assert history(db, lesson_id) == before


def test_changes_need_a_name(db):
    with pytest.raises(ValidationError) as refused:
        create_lesson(db, LessonDraft(title="Anonymous"), Actor(None, " ", "lead"))
    assert "Say who you are" in refused.value.errors["actor"]


def test_rejected_and_archived_lessons_go_nowhere_else():
    assert allowed_moves("rejected") == []
    assert allowed_moves("archived") == []
    assert allowed_moves("embedded") == ["validated", "rejected"]


def test_evidence_links_comments_and_shows_on_the_comment(db):
    session = make_session(db)
    submit_feedback(
        db, session.id, FeedbackAnswer(overall_rating=2, to_change="The wifi failed"), "k"
    )
    with db.reading() as cur:
        [comment] = store.analysed_comments(cur, store.CommentFilter())
    lesson_id = create_lesson(
        db, LessonDraft(title="Test the wifi"), ME, EvidenceLink(comment_id=comment.id)
    )
    link_evidence(db, lesson_id, EvidenceLink(comment_id=comment.id), ME)  # twice: kept once
    link_evidence(db, lesson_id, EvidenceLink(note="3 of 12 could not log in"), ME)
    with db.reading() as cur:
        evidence = store.evidence_for_lesson(cur, lesson_id)
        supports = store.lessons_for_comments(cur, [comment.id])[comment.id]
    assert [(e.kind, e.text or e.note) for e in evidence] == [
        ("comment", "The wifi failed"),
        ("note", "3 of 12 could not log in"),
    ]
    assert supports == [(lesson_id, "Test the wifi", "observed")]
    with pytest.raises(ValidationError):
        link_evidence(db, lesson_id, EvidenceLink(comment_id=999), ME)
    assert table_count(db, "lesson_evidence") == 2


def test_overdue_means_an_open_action_past_its_date(db):
    today = date(2026, 11, 25)
    overdue_id = create_lesson(
        db,
        LessonDraft(title="Late", action="x", owner="Ann", due_date=today - timedelta(days=1)),
        ME,
    )
    move_lesson(db, overdue_id, "identified", ME)
    on_time = create_lesson(
        db,
        LessonDraft(title="Soon", action="x", owner="Bo", due_date=today + timedelta(days=3)),
        ME,
    )
    move_lesson(db, on_time, "identified", ME)
    never = create_lesson(db, LessonDraft(title="Observed only", due_date=date(2020, 1, 1)), ME)
    assert is_overdue(lesson(db, overdue_id), today)
    assert not is_overdue(lesson(db, on_time), today)
    assert not is_overdue(lesson(db, never), today)
    with db.reading() as cur:
        register = store.all_lessons(cur)
    assert [x.id for x in filter_lessons(register, LessonFilter(overdue_only=True), today)] == [
        overdue_id
    ]
    assert [x.id for x in filter_lessons(register, LessonFilter(owner="Bo"), today)] == [on_time]
    assert [x.id for x in filter_lessons(register, LessonFilter(text="observed"), today)] == [never]
    by_due = filter_lessons(register, LessonFilter(sort="due"), today)
    assert [x.id for x in by_due] == [never, overdue_id, on_time]


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (LessonDraft(title=""), "title"),
        (LessonDraft(title="x" * 151), "title"),
        (LessonDraft(title="ok", polarity="maybe"), "polarity"),
        (LessonDraft(title="ok", themes=["nonsense"]), "themes"),
        (LessonDraft(title="ok", lesson="x" * 4001), "lesson"),
    ],
)
def test_invalid_lessons_are_refused_and_nothing_is_saved(db, draft, field):
    with pytest.raises(ValidationError) as refused:
        create_lesson(db, draft, ME)
    assert field in refused.value.errors
    assert table_count(db, "lessons") == 0
    assert table_count(db, "audit_log") == 0


def test_the_lessons_of_a_page_of_comments_come_in_one_query(db):
    session = make_session(db)
    for n, text in enumerate(["Wifi failed", "Too long", "Great"]):
        submit_feedback(db, session.id, FeedbackAnswer(overall_rating=3, went_well=text), f"k{n}")
    with db.reading() as cur:
        ids = [c.id for c in store.analysed_comments(cur, store.CommentFilter())]
    wifi, long_one, _ = sorted(ids)
    first = create_lesson(db, LessonDraft(title="Wifi"), ME, EvidenceLink(comment_id=wifi))
    second = create_lesson(db, LessonDraft(title="Both"), ME, EvidenceLink(comment_id=wifi))
    link_evidence(db, second, EvidenceLink(comment_id=long_one), ME)
    with db.reading() as cur:
        found = store.lessons_for_comments(cur, ids)
    assert [i for i, _, _ in found[wifi]] == [first, second]
    assert [i for i, _, _ in found[long_one]] == [second]
    assert found[sorted(ids)[2]] == []


def test_each_move_is_one_audit_row_with_its_from_and_to_status_in_columns(db):
    later = make_session(db, title="Second run")
    lesson_id = create_lesson(
        db,
        LessonDraft(title="Test the wifi first", action="Arrive early", owner="Tom Ellery",
                    due_date=date(2027, 1, 1)),
        ME,
    )  # fmt: skip
    move_lesson(db, lesson_id, "identified", ME)
    move_lesson(db, lesson_id, "actioned", ME)
    move_lesson(db, lesson_id, "embedded", ME, applied_session_id=later.id)
    move_lesson(db, lesson_id, "rejected", ME, reason="Superseded")
    with db.reading() as cur:
        audit = store.audit_for(cur, "lesson", lesson_id)
    assert [(a.action, a.from_status, a.to_status) for a in audit] == [
        ("created", None, "observed"),
        ("status", "observed", "identified"),
        ("status", "identified", "actioned"),
        ("status", "actioned", "embedded"),
        ("status", "embedded", "rejected"),
    ]


def test_a_refused_move_writes_nothing(db):
    lesson_id = create_lesson(db, LessonDraft(title="A lesson"), ME)
    with pytest.raises(ValidationError):
        move_lesson(db, lesson_id, "actioned", ME)  # observed cannot jump to actioned
    assert lesson(db, lesson_id).status == "observed"
    assert [a.action for a in audit_rows(db, lesson_id)] == ["created"]


def test_a_move_takes_the_clock_it_is_given(db):
    lesson_id = create_lesson(db, LessonDraft(title="A lesson"), ME, now=datetime(2025, 1, 6, 9))
    move_lesson(db, lesson_id, "identified", ME, now=datetime(2025, 2, 3, 14, 30))
    row = lesson(db, lesson_id)
    assert row.logged_at == datetime(2025, 1, 6, 9)
    assert row.updated_at == datetime(2025, 2, 3, 14, 30)
    assert [a.changed_at for a in audit_rows(db, lesson_id)] == [
        datetime(2025, 1, 6, 9),
        datetime(2025, 2, 3, 14, 30),
    ]


def audit_rows(db, lesson_id) -> list[store.AuditEntry]:
    with db.reading() as cur:
        return store.audit_for(cur, "lesson", lesson_id)


def test_the_register_figures_and_owners(db):
    late = create_lesson(
        db, LessonDraft(title="Late", action="a", owner="Tom", due_date=date(2020, 1, 1)), ME
    )
    move_lesson(db, late, "identified", ME)
    create_lesson(db, LessonDraft(title="Noted", owner="Ann", due_date=date(2020, 1, 1)), ME)
    counts = register_counts(read_register(db), date(2026, 1, 1))
    assert (counts.lessons, counts.open_actions, counts.validated) == (2, 1, 0)
    # An observed lesson past its date is not an overdue action: only agreed actions are.
    assert [x.id for x in counts.overdue] == [late]
    assert owners(read_register(db)) == ["Ann", "Tom"]


def test_only_lessons_still_open_take_evidence(db):
    kept = create_lesson(db, LessonDraft(title="Kept"), ME)
    dropped = create_lesson(db, LessonDraft(title="Dropped"), ME)
    move_lesson(db, dropped, "rejected", ME, reason="Not for us")
    assert lessons_taking_evidence(db) == {kept: "Kept"}


def test_a_lesson_is_applied_in_any_session_but_its_own(db):
    source = make_session(db)
    later = make_session(db, title="Second run")
    lesson_id = create_lesson(db, LessonDraft(title="A", source_session_id=source.id), ME)
    with db.reading() as cur:
        sessions = store.all_sessions(cur)
    assert [s.id for s in sessions_to_apply_in(lesson(db, lesson_id), sessions)] == [later.id]
