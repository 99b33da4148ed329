"""Loads the demo programme (lessons.demo_content) into a database, in one transaction.

Sessions, responses and comments first; then the facilitators' reflections (each answer
analysed as it is saved); then the lessons register with its evidence and the audit trail
of every status change, at the historical times and by the people in the story; last,
the plans that applied those lessons, so the loop shows closed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from lessons import planning, store, tagging
from lessons.analysis import analyse
from lessons.choices import QUESTIONS, STATUSES
from lessons.demo_content import DemoLesson, DemoProgramme, evidence_linked, generate_programme
from lessons.reflections import TEMPLATES
from lessons.sessions import new_feedback_token, new_short_code
from lessons.themes import ThemeMatcher


class DatabaseNotEmpty(RuntimeError):
    pass


# (session key, response index, question) -> comment id
CommentIds = dict[tuple[str, int, str], int]
# (session key, author, prompt) -> reflection answer id
AnswerIds = dict[tuple[str, str, str], int]


def load_demo(database: store.Database, today: date | None = None) -> DemoProgramme:
    """Fill an empty database with the demo programme; refuse to mix it with real data."""
    programme = generate_programme(today or date.today())
    with database.transaction() as cur:
        if store.count_rows(cur, "sessions"):
            raise DatabaseNotEmpty(
                f"{database.path} already holds sessions; the demo only loads into an empty"
                " database. Use another LESSONS_DB file, or delete this one first."
            )
        session_ids, comment_ids = _load_sessions(cur, programme)
        answer_ids = _load_reflections(cur, programme, session_ids, tagging.current_matcher(cur))
        lesson_ids = {
            lesson.key: _load_lesson(cur, programme, lesson, session_ids, comment_ids, answer_ids)
            for lesson in programme.lessons
        }
        _load_plans(cur, programme, session_ids, lesson_ids)
    # One process is quicker than starting a pool for a few hundred comments.
    tagging.reanalyse(database, workers=1)
    return programme


def _load_sessions(
    cur: store.Cursor, programme: DemoProgramme
) -> tuple[dict[str, int], CommentIds]:
    session_ids: dict[str, int] = {}
    comment_ids: CommentIds = {}
    for demo_session in programme.sessions:
        code = new_short_code()
        while store.short_code_taken(cur, code):
            code = new_short_code()
        session_id = store.insert_session(
            cur,
            {
                "title": demo_session.title,
                "starts_at": demo_session.starts_at,
                "ends_at": demo_session.ends_at,
                "venue": demo_session.venue,
                "online": demo_session.online,
                "council": demo_session.council,
                "programme": demo_session.programme,
                "format": demo_session.format,
                "context_minutes": demo_session.context_minutes,
                "hands_on_minutes": demo_session.hands_on_minutes,
                "expected_attendees": demo_session.expected_attendees,
                "status": demo_session.status,
                "feedback_open": demo_session.status != "reviewed",
            },
            facilitators=demo_session.facilitators,
            councillor_facilitators=demo_session.councillor_facilitators,
            feedback_token=new_feedback_token(),
            short_code=code,
            now=demo_session.starts_at,
        )
        session_ids[demo_session.key] = session_id
        for number, response in enumerate(demo_session.responses):
            has_contact = bool(response.contact_name or response.contact_detail)
            response_id = store.insert_response(
                cur,
                session_id,
                f"demo-{demo_session.key}-{number}",
                response.submitted_at,
                {
                    "overall_rating": response.overall_rating,
                    "usefulness": response.usefulness,
                    "confidence_before": response.confidence_before,
                    "confidence_after": response.confidence_after,
                    "balance": response.balance,
                    "length": response.length,
                    "councillor_type": response.councillor_type,
                    "contact_opt_in": has_contact,
                    "contact_name": response.contact_name,
                    "contact_detail": response.contact_detail,
                },
            )
            for question in QUESTIONS:
                text = getattr(response, question).strip()
                if text:
                    comment_ids[(demo_session.key, number, question)] = store.insert_comment(
                        cur, response_id, session_id, question, text, response.submitted_at
                    )
    return session_ids, comment_ids


def _load_reflections(
    cur: store.Cursor,
    programme: DemoProgramme,
    session_ids: dict[str, int],
    matcher: ThemeMatcher,
) -> AnswerIds:
    """Save each reflection with its answers analysed as the reflections page would."""
    for reflection in programme.reflections:
        kinds = {p.key: p.question_kind for p in TEMPLATES[reflection.template].prompts}
        reflection_id = store.insert_reflection(
            cur,
            session_ids[reflection.session_key],
            reflection.author,
            reflection.template,
            reflection.status,
            reflection.written_at,
        )
        for prompt, text in reflection.answers:
            analysis = analyse(text.strip(), kinds[prompt], matcher)
            store.save_reflection_answer(
                cur,
                reflection_id,
                prompt,
                text.strip(),
                analysis.label,
                analysis.score,
                analysis.mixed,
                analysis.drivers,
                [t.theme_id for t in analysis.themes],
            )
    answer_ids: AnswerIds = {}
    for key in dict.fromkeys(r.session_key for r in programme.reflections):
        for row in store.reflections_for_session(cur, session_ids[key]):
            for answer in row.answers:
                answer_ids[(key, row.author, answer.prompt)] = answer.id
    return answer_ids


def _load_lesson(
    cur: store.Cursor,
    programme: DemoProgramme,
    lesson: DemoLesson,
    session_ids: dict[str, int],
    comment_ids: CommentIds,
    answer_ids: AnswerIds,
) -> int:
    """One lesson at its final status, its themes, evidence and the audit trail of its life."""
    titles = {s.key: s.title for s in programme.sessions}
    values = {
        "title": lesson.title,
        "what_happened": lesson.what_happened,
        "effect": lesson.effect,
        "cause": lesson.cause,
        "lesson": lesson.lesson,
        "recommendation": lesson.recommendation,
        "polarity": lesson.polarity,
        "scope": lesson.scope,
        "priority": lesson.priority,
        "action": lesson.action,
        "owner": lesson.owner,
        "due_date": lesson.due_date,
        "source_session_id": session_ids[lesson.source_session_key],
    }
    lesson_id = store.insert_lesson(cur, values, lesson.status, lesson.logged_by, lesson.logged_at)
    store.set_lesson_themes(cur, lesson_id, lesson.themes)
    if lesson.history:
        later: dict[str, object] = {"status": lesson.status}
        if lesson.applied_session_key is not None:
            later["applied_session_id"] = session_ids[lesson.applied_session_key]
        if lesson.effectiveness_evidence:
            later["effectiveness_evidence"] = lesson.effectiveness_evidence
        if lesson.rejection_reason:
            later["rejection_reason"] = lesson.rejection_reason
        store.update_lesson(cur, lesson_id, later, lesson.history[-1].at)

    # The audit trail, in the order things happened: logged, then each move, with each
    # piece of evidence linked when it was (at logging, or at the move it supported).
    events: list[tuple[datetime, int, str, str, str]] = [
        (lesson.logged_at, 0, lesson.logged_by, "created", f"Logged '{lesson.title}'")
    ]
    previous = "observed"
    for change in lesson.history:
        detail = f"{STATUSES[previous]} → {STATUSES[change.to_status]}"
        if change.to_status == "embedded" and lesson.applied_session_key is not None:
            detail += f" (applied in '{titles[lesson.applied_session_key]}')"
        if change.reason.strip():
            detail += f": {change.reason.strip()}"
        events.append((change.at, 1, change.actor, "status", detail))
        previous = change.to_status
    for evidence in lesson.evidence:
        comment_id = answer_id = None
        if evidence.kind == "comment":
            assert evidence.response_index is not None and evidence.question is not None
            comment_id = comment_ids[
                (evidence.session_key, evidence.response_index, evidence.question)
            ]
            linked = f"comment {comment_id}"
        elif evidence.kind == "reflection":
            assert evidence.reflection_author is not None and evidence.prompt is not None
            answer_id = answer_ids[
                (evidence.session_key, evidence.reflection_author, evidence.prompt)
            ]
            linked = f"reflection answer {answer_id}"
        else:
            linked = "a note"
        at, actor = evidence_linked(programme, lesson, evidence)
        store.insert_lesson_evidence(
            cur, lesson_id, comment_id, answer_id, evidence.note, actor, at
        )
        events.append((at, 2, actor, "evidence", f"Linked {linked}"))
    for at, _, actor, action, detail in sorted(events, key=lambda e: (e[0], e[1])):
        store.append_audit(cur, actor, "lesson", lesson_id, action, detail, at)
    return lesson_id


def _load_plans(
    cur: store.Cursor,
    programme: DemoProgramme,
    session_ids: dict[str, int],
    lesson_ids: dict[str, int],
) -> None:
    """Plans that closed the loop: every session a lesson was applied in had a plan choosing
    it, ticked off on the day; and the next planned session has a plan of the lessons that
    apply to it, not yet ticked. The other planned sessions are left without, as in life."""
    demo_sessions = {s.key: s for s in programme.sessions}
    applied: dict[str, list[int]] = {}
    for lesson in programme.lessons:
        if lesson.applied_session_key is not None:
            applied.setdefault(lesson.applied_session_key, []).append(lesson_ids[lesson.key])
    rows = {x.id: x for x in store.all_lessons(cur)}
    for key, chosen in applied.items():
        session = demo_sessions[key]
        author = (session.facilitators or ("Programme team",))[0]
        _plan(
            cur,
            session_ids[key],
            chosen,
            rows,
            author,
            session.starts_at - timedelta(days=7),
            ticked_at=session.starts_at - timedelta(minutes=30),
        )
    upcoming = sorted(
        (s for s in programme.sessions if s.status == "planned"), key=lambda s: s.starts_at
    )
    if upcoming:
        session = upcoming[0]
        all_sessions = {s.id: s for s in store.all_sessions(cur)}
        target = all_sessions[session_ids[session.key]]
        chosen = [
            x.id
            for x in rows.values()
            # The lessons a facilitator would pick: open actions, and proven high-priority ones.
            if (x.status == "actioned" or (x.status == "validated" and x.priority == "high"))
            and planning.lesson_applies(x, target, all_sessions)
        ]
        author = (session.facilitators or ("Programme team",))[0]
        _plan(cur, target.id, chosen, rows, author, session.starts_at - timedelta(days=10), None)


def _plan(
    cur: store.Cursor,
    session_id: int,
    lesson_ids: list[int],
    lessons: dict[int, store.LessonRow],
    author: str,
    written_at: datetime,
    ticked_at: datetime | None,
) -> None:
    plan_id = store.insert_plan(cur, session_id, "", author, written_at)
    store.set_plan_lessons(cur, plan_id, lesson_ids)
    for position, lesson_id in enumerate(sorted(lesson_ids), start=1):
        item_id = store.insert_checklist_item(
            cur, plan_id, lesson_id, position, planning.checklist_text(lessons[lesson_id])
        )
        if ticked_at is not None:
            store.set_checklist_done(cur, item_id, True, author, ticked_at)
    store.append_audit(cur, author, "session", session_id, "planned", "Plan created", written_at)
