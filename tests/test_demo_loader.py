"""The demo loader: reflections, the lessons register, its evidence and audit trail in the DB."""

from __future__ import annotations

import dataclasses
import datetime as dt

from lessons import store, tagging
from lessons.analysis import ANALYSER_VERSION
from lessons.choices import STATUSES
from lessons.demo import load_demo
from lessons.demo_content import DemoProgramme, evidence_linked
from lessons.reflections import TEMPLATES
from lessons.register import is_overdue, move_errors

TODAY = dt.date(2025, 11, 25)


def _session_ids(cur: store.Cursor, programme: DemoProgramme) -> dict[str, int]:
    """Demo session keys to database ids (titles repeat, so match on start time too)."""
    rows = {(s.title, s.starts_at): s.id for s in store.all_sessions(cur)}
    return {s.key: rows[(s.title, s.starts_at)] for s in programme.sessions}


def test_older_sessions_have_follow_ups_that_validate_a_lesson(demo_copy) -> None:
    db, programme = demo_copy(TODAY)
    with db.reading() as cur:
        ids = _session_ids(cur, programme)
        first = store.followup_summary(cur, [ids["calderbrook-intro-social-media"]])
        recent = store.followup_summary(cur, [ids["wharfeside-surgery-ward-facebook"]])
        rows = {r.title: r for r in store.all_lessons(cur)}
        lesson = rows["Shorter sessions with the hands-on at the heart"]
        notes = [e.note for e in store.evidence_for_lesson(cur, lesson.id)]
    assert first.responses >= 5 and recent.responses == 0  # its follow-up has not opened
    assert any(n.startswith("Follow-up evidence, 6 weeks after") for n in notes)


def test_the_lessons_register_is_loaded_with_evidence_history_and_audit(demo_copy) -> None:
    db, programme = demo_copy(TODAY)
    sessions = {s.key: s for s in programme.sessions}
    with db.reading() as cur:
        ids = _session_ids(cur, programme)
        rows = store.all_lessons(cur)
        assert len(rows) == len(programme.lessons) >= 15
        assert {r.status for r in rows} == set(STATUSES)
        assert any(is_overdue(r, TODAY) for r in rows)

        for lesson, row in zip(programme.lessons, rows, strict=True):
            # The lesson as written, at its final status and historical times.
            assert row.title == lesson.title
            assert row.status == lesson.status
            assert row.logged_at == lesson.logged_at and row.logged_by == lesson.logged_by
            assert row.updated_at == (lesson.history[-1].at if lesson.history else row.logged_at)
            assert set(row.themes) == set(lesson.themes)
            assert row.due_date == lesson.due_date
            assert row.source_session_id == ids[lesson.source_session_key]
            expected_applied = (
                ids[lesson.applied_session_key] if lesson.applied_session_key else None
            )
            assert row.applied_session_id == expected_applied
            assert row.effectiveness_evidence == lesson.effectiveness_evidence
            assert row.rejection_reason == lesson.rejection_reason

            # Every lesson rests on evidence, resolved to the comment or answer intended.
            evidence = store.evidence_for_lesson(cur, row.id)
            # A validated lesson whose session's follow-up shows it also carries the
            # follow-up's figures, linked once its answers were in (issue 16).
            from_followup = [e for e in evidence if e.note.startswith("Follow-up evidence")]
            evidence = [e for e in evidence if e not in from_followup]
            assert not from_followup or lesson.status == "validated"
            assert row.evidence_count == len(evidence) + len(from_followup)
            assert len(evidence) == len(lesson.evidence) >= 1
            by_time = sorted(
                lesson.evidence, key=lambda e: evidence_linked(programme, lesson, e)[0]
            )
            for demo_evidence, stored in zip(by_time, evidence, strict=True):
                assert stored.kind == demo_evidence.kind
                assert stored.note == demo_evidence.note
                assert (stored.added_at, stored.added_by) == evidence_linked(
                    programme, lesson, demo_evidence
                )
                session = sessions[demo_evidence.session_key]
                if demo_evidence.kind == "comment":
                    assert demo_evidence.response_index is not None
                    assert demo_evidence.question is not None
                    response = session.responses[demo_evidence.response_index]
                    assert stored.text == getattr(response, demo_evidence.question).strip()
                    assert stored.source.startswith(session.title)
                    assert f"({demo_evidence.question})" in stored.source
                elif demo_evidence.kind == "reflection":
                    assert stored.reflection_answer_id is not None
                    found = store.reflection_answer_by_id(cur, stored.reflection_answer_id)
                    assert found is not None
                    answer, session_id, author = found
                    assert session_id == ids[demo_evidence.session_key]
                    assert author == demo_evidence.reflection_author
                    assert answer.prompt == demo_evidence.prompt
                    reflection = next(
                        r
                        for r in programme.reflections
                        if r.session_key == demo_evidence.session_key and r.author == author
                    )
                    assert stored.text == dict(reflection.answers)[answer.prompt]
                else:
                    assert stored.comment_id is None and stored.reflection_answer_id is None

            # The audit trail: logged, every move (who, when, why) and every link.
            audit = store.audit_for(cur, "lesson", row.id)
            assert audit[0].action == "created"
            assert (audit[0].changed_at, audit[0].actor) == (lesson.logged_at, lesson.logged_by)
            assert audit[0].detail == f"Logged '{lesson.title}'"
            moves = [a for a in audit if a.action == "status"]
            assert len(moves) == len(lesson.history)
            previous = "observed"
            for change, entry in zip(lesson.history, moves, strict=True):
                assert (entry.changed_at, entry.actor) == (change.at, change.actor)
                assert entry.detail.startswith(
                    f"{STATUSES[previous]} → {STATUSES[change.to_status]}"
                )
                if change.reason:
                    assert entry.detail.endswith(f": {change.reason}")
                if change.to_status == "embedded":
                    assert f"(applied in '{row.applied_session_title}')" in entry.detail
                previous = change.to_status
            links = [a for a in audit if a.action == "evidence"]
            assert len(links) == len(evidence) + len(from_followup)
            links = links[: len(evidence)]  # the follow-up's figures come last
            assert {a.detail for a in links} == {
                f"Linked comment {e.comment_id}"
                if e.comment_id is not None
                else f"Linked reflection answer {e.reflection_answer_id}"
                if e.reflection_answer_id is not None
                else "Linked a note"
                for e in evidence
            }
            assert [a.changed_at for a in audit] == sorted(a.changed_at for a in audit)

            # The demo obeys the lifecycle rules the Lessons page enforces.
            status = "observed"
            for change in lesson.history:
                before = dataclasses.replace(row, status=status)
                assert (
                    move_errors(
                        before,
                        change.to_status,
                        reason=change.reason,
                        applied_session_id=row.applied_session_id,
                        effectiveness_evidence=row.effectiveness_evidence,
                    )
                    == {}
                ), (lesson.key, status, change.to_status)
                status = change.to_status

    tech = next(r for r in rows if r.title.startswith("Get there early"))
    with db.reading() as cur:
        texts = [e.text.lower() for e in store.evidence_for_lesson(cur, tech.id)]
    assert any("wifi" in t for t in texts)


def test_reflections_are_loaded_with_analysed_answers(demo_copy) -> None:
    db, programme = demo_copy(TODAY)
    with db.reading() as cur:
        ids = _session_ids(cur, programme)
        loaded = {key: store.reflections_for_session(cur, ids[key]) for key in ids}
    assert sum(len(rows) for rows in loaded.values()) == len(programme.reflections)
    assert sum(bool(rows) for rows in loaded.values()) >= 6
    themed = 0
    labels = set()
    for reflection in programme.reflections:
        row = next(r for r in loaded[reflection.session_key] if r.author == reflection.author)
        assert (row.template, row.status) == (reflection.template, reflection.status)
        assert row.created_at == row.updated_at == reflection.written_at
        prompts = {p.key for p in TEMPLATES[row.template].prompts}
        assert [(a.prompt, a.text) for a in row.answers] == list(reflection.answers)
        for answer in row.answers:
            assert answer.prompt in prompts
            assert answer.label in ("positive", "neutral", "negative")
            assert answer.score is not None and -1 <= answer.score <= 1
            themed += bool(answer.themes)
            labels.add(answer.label)
    assert labels == {"positive", "neutral", "negative"}
    assert themed >= 0.6 * sum(len(r.answers) for r in programme.reflections)

    wifi = next(r for r in loaded["haverleigh-getting-started"] if r.author == "Priya Sandhu")
    happened = next(a for a in wifi.answers if a.prompt == "happened")
    assert "tech" in happened.themes


def test_the_demo_shows_the_loop_closed_through_a_plan(demo_copy):
    db, _ = demo_copy(dt.date(2026, 11, 25))
    with db.reading() as cur:
        lessons = store.all_lessons(cur)
        sessions = store.all_sessions(cur)
        plans = {s.id: p for s in sessions if (p := store.plan_for_session(cur, s.id))}

    def closed_by_its_plan(x: store.LessonRow) -> bool:
        plan = plans.get(x.applied_session_id) if x.applied_session_id else None
        return plan is not None and x.id in plan.lesson_ids and all(i.done for i in plan.checklist)

    closed = [x for x in lessons if x.status == "validated" and closed_by_its_plan(x)]
    assert closed, "no validated lesson was chosen in the plan of the session it was applied in"
    upcoming = [s for s in sessions if s.status == "planned"]
    with_plan = [s for s in upcoming if s.id in plans]
    assert len(with_plan) == 1 and len(upcoming) > 1  # the Home page shows both kinds
    assert plans[with_plan[0].id].lesson_ids
    assert not any(i.done for i in plans[with_plan[0].id].checklist)


def test_every_demo_move_went_through_the_lifecycle_door(db) -> None:
    programme = load_demo(db, today=TODAY)
    with db.reading() as cur:
        rows = store.all_lessons(cur)
        for lesson, row in zip(programme.lessons, rows, strict=True):
            moves = [
                (a.from_status, a.to_status)
                for a in store.audit_for(cur, "lesson", row.id)
                if a.to_status is not None
            ]
            statuses = ["observed", *(change.to_status for change in lesson.history)]
            assert moves == [(None, "observed"), *zip(statuses, statuses[1:], strict=False)]
        # Sessions were created planned and marked delivered (and reviewed) as the app does.
        for demo, session in zip(
            programme.sessions, sorted(store.all_sessions(cur), key=lambda s: s.id), strict=True
        ):
            changes = [
                a.to_status
                for a in store.audit_for(cur, "session", session.id)
                if a.to_status is not None
            ]
            expected = {
                "planned": ["planned"],
                "delivered": ["planned", "delivered"],
                "reviewed": ["planned", "delivered", "reviewed"],
            }
            assert changes == expected[demo.status]
            assert session.feedback_open == (demo.status != "reviewed")


def test_every_demo_comment_is_analysed_by_the_current_rules(db) -> None:
    load_demo(db, today=TODAY)
    with db.reading() as cur:
        assert store.comment_ids_needing_analysis(cur, ANALYSER_VERSION) == []
        assert store.count_rows(cur, "comment_analysis") == store.count_rows(cur, "comments")
    assert tagging.reanalyse(db, workers=1).analysed == 0  # nothing left to bring up to date
