"""Loads the demo programme (lessons.demo_content) into a database, in one transaction.

The demo goes through the same domain functions as the app, in the order things
happened, with the clock passed in: each session is created as planned; its
feedback is recorded and every comment analysed; the facilitators reflect (each
answer analysed as it is saved); lessons are logged and move through their
lifecycle by the register's one door, with their evidence linked when it was, at
the historical times and by the people in the story; sessions are planned from
the lessons that apply; last, each session is marked delivered (and reviewed) as
the Sessions page would.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from lessons import followup, loop, planning, privacy, store, tagging
from lessons.accounts import add_account_in, mark_demo_in
from lessons.analysis import Analysis
from lessons.auth import Actor, hash_password
from lessons.clock import today_local
from lessons.demo_content import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_PRIVACY,
    DemoLesson,
    DemoProgramme,
    DemoSession,
    DemoStatusChange,
    evidence_linked,
    generate_followups,
    generate_programme,
)
from lessons.feedback import FeedbackAnswer, Submission, record_responses_in
from lessons.loop import update_session_and_embed_in
from lessons.reflections import save_reflection_in
from lessons.register import (
    EvidenceLink,
    create_lesson_in,
    draft_from_lesson,
    link_evidence_in,
    move_lesson_in,
)
from lessons.sessions import SessionDraft, create_session_in, draft_from_row


class DatabaseNotEmpty(RuntimeError):
    pass


# (session key, response index, question) -> comment id
CommentIds = dict[tuple[str, int, str], int]
# (session key, author, prompt) -> reflection answer id
AnswerIds = dict[tuple[str, str, str], int]
# Each person of the story -> their account, as the one making a change
People = dict[str, Actor]

DEMO_LOADER = Actor(None, "demo loader", "admin")


def load_demo(database: store.Database, today: date | None = None) -> DemoProgramme:
    """Fill an empty database with the demo programme; refuse to mix it with real data."""
    day = today or today_local()
    programme = generate_programme(day)
    tagging.seed_default_themes(database)
    # Every demo account has the one demo password: hashed once, outside the transaction.
    password_hash = hash_password(DEMO_PASSWORD)
    # About a thousand statements of a few rows each: quicker on one thread.
    with database.one_thread(), database.transaction() as cur:
        if store.count_rows(cur, "sessions") or store.count_rows(cur, "accounts"):
            raise DatabaseNotEmpty(
                f"{database.path} already holds sessions or accounts; the demo only loads into"
                " an empty database. Use another LESSONS_DB file, or delete this one first."
            )
        people = _create_accounts(cur, programme, password_hash, day)
        # The council's administrator filled in its privacy notice before the programme began.
        first = min(s.starts_at for s in programme.sessions)
        administrator = next(actor for actor in people.values() if actor.role == "admin")
        privacy.save_privacy_settings_in(
            cur, DEMO_PRIVACY, administrator, first - timedelta(days=30)
        )
        session_ids = _create_sessions(cur, programme, people, day)
        comment_ids = _record_feedback(cur, programme, session_ids)
        answer_ids = _write_reflections(cur, programme, people, session_ids)
        lesson_ids = {
            lesson.key: _live_lesson(
                cur, programme, people, lesson, session_ids, comment_ids, answer_ids
            )
            for lesson in programme.lessons
        }
        _make_plans(cur, programme, people, session_ids, lesson_ids)
        _deliver_sessions(cur, programme, people, session_ids)
        _record_followups(cur, programme, people, session_ids, lesson_ids, day)
        mark_demo_in(cur, DEMO_LOADER, datetime.combine(day, time(9)))
    return programme


def _create_accounts(
    cur: store.Cursor, programme: DemoProgramme, password_hash: str, today: date
) -> People:
    """An account for each person of the story, made before their first session was."""
    created = min(
        min(s.starts_at for s in programme.sessions) - timedelta(days=35),
        datetime.combine(today, time(8)),
    )
    return {
        name: Actor(
            add_account_in(cur, email, name, role, password_hash, DEMO_LOADER, created), name, role
        )
        for name, email, role in DEMO_ACCOUNTS
    }


def _organiser(session: DemoSession, people: People) -> Actor:
    """Who looks after a session in the app: its first facilitator, else the first lead."""
    if session.facilitators:
        return people[session.facilitators[0]]
    return next(actor for actor in people.values() if actor.role == "lead")


def _create_sessions(
    cur: store.Cursor, programme: DemoProgramme, people: People, today: date
) -> dict[str, int]:
    """Every session as it was first created: planned, four weeks ahead (never in the
    future)."""
    session_ids: dict[str, int] = {}
    for demo in programme.sessions:
        created = min(demo.starts_at - timedelta(days=28), datetime.combine(today, time(9)))
        draft = _draft(demo, "planned")
        session_ids[demo.key] = create_session_in(cur, draft, _organiser(demo, people), created)
    return session_ids


def _draft(demo: DemoSession, status: str) -> SessionDraft:
    """The session as the Sessions page's form would hold it, at `status`."""
    return draft_from_row(demo, status=status, feedback_open=status != "reviewed")


def _record_feedback(
    cur: store.Cursor, programme: DemoProgramme, session_ids: dict[str, int]
) -> CommentIds:
    """Every session's responses, recorded as the form records them, in one batch; each
    comment analysed as it is stored (the same answer to the same question once)."""
    keys = [
        (demo.key, number, response)
        for demo in programme.sessions
        for number, response in enumerate(demo.responses)
    ]
    submissions = [
        Submission(
            session_ids[key],
            FeedbackAnswer(
                overall_rating=response.overall_rating,
                usefulness=response.usefulness,
                confidence_before=response.confidence_before,
                confidence_after=response.confidence_after,
                balance=response.balance,
                length=response.length,
                councillor_type=response.councillor_type,
                went_well=response.went_well,
                to_change=response.to_change,
                help_next=response.help_next,
                contact_opt_in=bool(response.contact_name or response.contact_detail),
                contact_name=response.contact_name or "",
                contact_detail=response.contact_detail or "",
            ),
            f"demo-{key}-{number}",
            response.submitted_at,
        )
        for key, number, response in keys
    ]
    analyse = _analyser(cur)
    comment_ids: CommentIds = {}
    analysed: list[tuple[int, Analysis]] = []
    recorded = record_responses_in(cur, submissions)
    for (key, number, _), submission, stored in zip(keys, submissions, recorded, strict=True):
        for question, comment_id in stored.comment_ids.items():
            comment_ids[(key, number, question)] = comment_id
            analysed.append((comment_id, analyse(question, getattr(submission.answer, question))))
    tagging.store_analyses(cur, analysed)
    return comment_ids


def _analyser(cur: store.Cursor) -> Callable[[str, str], Analysis]:
    """Analyse an answer as it is stored, each answer to the same question once (the demo's
    rooms repeat themselves: "Nothing" a dozen times is one reading)."""
    matcher = tagging.current_matcher(cur)
    analyses: dict[tuple[str, str], Analysis] = {}

    def analyse(question: str, text: str) -> Analysis:
        text = text.strip()
        if (question, text) not in analyses:
            analyses[(question, text)] = tagging.analyse_answer(matcher, question, text)
        return analyses[(question, text)]

    return analyse


def _write_reflections(
    cur: store.Cursor, programme: DemoProgramme, people: People, session_ids: dict[str, int]
) -> AnswerIds:
    """Each facilitator's reflection, saved (and its answers analysed) as the post-mortem
    page saves it."""
    matcher = tagging.current_matcher(cur)
    answer_ids: AnswerIds = {}
    for reflection in programme.reflections:
        _, saved = save_reflection_in(
            cur,
            session_ids[reflection.session_key],
            people[reflection.author],
            reflection.template,
            dict(reflection.answers),
            reflection.status == "final",
            reflection.written_at,
            matcher,
        )
        for prompt, answer_id in saved.items():
            answer_ids[(reflection.session_key, reflection.author, prompt)] = answer_id
    return answer_ids


def _live_lesson(
    cur: store.Cursor,
    programme: DemoProgramme,
    people: People,
    lesson: DemoLesson,
    session_ids: dict[str, int],
    comment_ids: CommentIds,
    answer_ids: AnswerIds,
) -> int:
    """One lesson's life through the register: logged, then each move and each piece of
    evidence in the order they happened (a move before the evidence linked at it)."""
    draft = draft_from_lesson(lesson, source_session_id=session_ids[lesson.source_session_key])
    lesson_id = create_lesson_in(cur, draft, people[lesson.logged_by], lesson.logged_at)
    applied = session_ids[lesson.applied_session_key] if lesson.applied_session_key else None
    events: list[tuple[datetime, int, Actor, DemoStatusChange | EvidenceLink]] = [
        (change.at, 0, people[change.actor], change) for change in lesson.history
    ]
    for evidence in lesson.evidence:
        if evidence.kind == "comment":
            assert evidence.response_index is not None and evidence.question is not None
            link = EvidenceLink(
                comment_id=comment_ids[
                    (evidence.session_key, evidence.response_index, evidence.question)
                ],
                note=evidence.note,
            )
        elif evidence.kind == "reflection":
            assert evidence.reflection_author is not None and evidence.prompt is not None
            link = EvidenceLink(
                reflection_answer_id=answer_ids[
                    (evidence.session_key, evidence.reflection_author, evidence.prompt)
                ],
                note=evidence.note,
            )
        else:
            link = EvidenceLink(note=evidence.note)
        at, name = evidence_linked(programme, lesson, evidence)
        events.append((at, 1, people[name], link))
    for at, _, actor, event in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(event, EvidenceLink):
            link_evidence_in(cur, lesson_id, event, actor, at)
            continue
        to_status = event.to_status
        move_lesson_in(
            cur,
            lesson_id,
            to_status,
            actor,
            at,
            reason=event.reason,
            applied_session_id=applied if to_status == "embedded" else None,
            effectiveness_evidence=lesson.effectiveness_evidence
            if to_status == "validated"
            else "",
        )
    return lesson_id


def _make_plans(
    cur: store.Cursor,
    programme: DemoProgramme,
    people: People,
    session_ids: dict[str, int],
    lesson_ids: dict[str, int],
) -> None:
    """Plans that closed the loop: every session a lesson was applied in had a plan choosing
    it a week before, ticked off on the day; and the next planned session has a plan of the
    lessons that apply to it, not yet ticked. The other planned sessions are left without,
    as in life."""
    demo_sessions = {s.key: s for s in programme.sessions}
    applied: dict[str, list[int]] = {}
    for lesson in programme.lessons:
        if lesson.applied_session_key is not None:
            applied.setdefault(lesson.applied_session_key, []).append(lesson_ids[lesson.key])
    for key, chosen in applied.items():
        session = demo_sessions[key]
        author = _organiser(session, people)
        planned_at = session.starts_at - timedelta(days=7)
        planning.save_plan_in(cur, session_ids[key], sorted(chosen), "", author, planned_at)
        plan = store.plan_for_session(cur, session_ids[key])
        assert plan is not None
        for item in plan.checklist:
            planning.tick_in(cur, item.id, True, author, session.starts_at - timedelta(minutes=30))
    upcoming = sorted(
        (s for s in programme.sessions if s.status == "planned"), key=lambda s: s.starts_at
    )
    if upcoming:
        session = upcoming[0]
        all_sessions = {s.id: s for s in store.all_sessions(cur)}
        target = all_sessions[session_ids[session.key]]
        chosen = [
            x.id
            for x in store.all_lessons(cur)
            # The lessons a facilitator would pick: open actions, and proven high-priority ones.
            if (x.status == "actioned" or (x.status == "validated" and x.priority == "high"))
            and planning.lesson_applies(x, target, all_sessions)
        ]
        planning.save_plan_in(
            cur,
            target.id,
            chosen,
            "",
            _organiser(session, people),
            session.starts_at - timedelta(days=10),
        )


def _deliver_sessions(
    cur: store.Cursor, programme: DemoProgramme, people: People, session_ids: dict[str, int]
) -> None:
    """Each session that took place is marked delivered when it ended, and a reviewed one
    reviewed (its feedback closed) after its post-mortem, through the Sessions page's door."""
    for demo in programme.sessions:
        if demo.status == "planned":
            continue
        steps = [("delivered", demo.ends_at)]
        if demo.status == "reviewed":
            steps.append(("reviewed", _reviewed_at(programme, demo)))
        for status, at in steps:
            update_session_and_embed_in(
                cur, session_ids[demo.key], _draft(demo, status), _organiser(demo, people), at
            )


def _record_followups(
    cur: store.Cursor,
    programme: DemoProgramme,
    people: People,
    session_ids: dict[str, int],
    lesson_ids: dict[str, int],
    today: date,
) -> None:
    """The follow-ups weeks after the older sessions, stored as the follow-up form stores
    them (their comments analysed, the same answer to the same question once); then each
    validated lesson whose follow-up measures (its source session's follow-up against its
    applied session's) show an improvement gets the follow-up's figures as evidence too,
    linked by the lead who validated it once the follow-up had its answers."""
    answers = generate_followups(programme, today)
    if not answers:
        return
    analysed = _analyser(cur)
    submissions = []
    for number, demo in enumerate(answers):
        answer = followup.checked_followup(
            followup.FollowupAnswer(
                actions=demo.actions,
                frequency=demo.frequency,
                barriers=demo.barriers,
                fu_barriers=demo.fu_barriers,
                confidence_now=demo.confidence_now,
                fu_help_next=demo.fu_help_next,
            ),
            f"demo-followup-{number}",
        )
        texts = {q: getattr(answer, q).strip() for q in ("fu_barriers", "fu_help_next")}
        submissions.append(
            followup.FollowupSubmission(
                session_ids[demo.session_key],
                answer,
                f"demo-followup-{number}",
                demo.submitted_at.date(),
                {q: analysed(q, text) for q, text in texts.items() if text},
            )
        )
    followup.record_followups_in(cur, submissions, datetime.combine(today, time()))
    last_answer = {s.session_id: s.day for s in sorted(submissions, key=lambda s: s.day)}
    names = {t.id: t.name for t in store.all_themes(cur)}
    for lesson in programme.lessons:
        if lesson.status != "validated" or lesson.applied_session_key is None:
            continue
        row = store.lesson_by_id(cur, lesson_ids[lesson.key])
        evidence = loop.followup_evidence(cur, row, names) if row is not None else None
        if row is None or evidence is None or row.source_session_id is None:
            continue
        assert row.applied_session_id is not None  # it has follow-up evidence
        measures = loop.followup_measures(
            cur, [row.source_session_id], [row.applied_session_id], row.themes, names
        )
        if loop.overall_verdict(measures, row.themes).verdict != loop.IMPROVED:
            continue
        validated_by = next(c.actor for c in lesson.history if c.to_status == "validated")
        day = last_answer[session_ids[lesson.applied_session_key]] + timedelta(days=1)
        link_evidence_in(
            cur,
            lesson_ids[lesson.key],
            EvidenceLink(note=evidence.summary()),
            people[validated_by],
            datetime.combine(min(day, today), time(10)),
        )


def _reviewed_at(programme: DemoProgramme, session: DemoSession) -> datetime:
    """The post-mortem: the day after the last reflection on the session, else three days
    after it."""
    written = [r.written_at for r in programme.reflections if r.session_key == session.key]
    return max(written) + timedelta(days=1) if written else session.ends_at + timedelta(days=3)
