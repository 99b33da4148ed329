"""Closing the loop: the verdict logic on constructed data, and the whole loop in AppTest."""

from datetime import date, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from lessons import accounts, loop, planning, store
from lessons.auth import Actor
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.register import LessonDraft, create_lesson, move_lesson, update_lesson
from tests.conftest import ROOT, found, make_account, make_session, session_draft, signed_in

ME = Actor(1, "Priya Shah", "lead")


@pytest.mark.parametrize(
    ("before", "after", "lower_is_better", "verdict"),
    [
        ((9, 15), (0, 14), True, loop.IMPROVED),
        ((2, 15), (9, 14), True, loop.WORSE),
        ((3, 15), (3, 14), True, loop.NO_CHANGE),  # 20% → 21%: under ten points
        ((3, 15), (5, 15), False, loop.IMPROVED),  # higher is better: 20% → 33%
        ((4, 4), (0, 14), True, loop.TOO_FEW),  # only four responses before
        ((9, 15), (0, 4), True, loop.TOO_FEW),
        ((0, 0), (0, 0), True, loop.TOO_FEW),
    ],
)
def test_share_verdicts(before, after, lower_is_better, verdict):
    assert loop.share_verdict(before, after, lower_is_better) == verdict


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        ((2.3, 15), (4.3, 15), loop.IMPROVED),
        ((4.3, 15), (4.1, 15), loop.NO_CHANGE),
        ((4.3, 15), (3.5, 15), loop.WORSE),
        ((2.0, 3), (5.0, 15), loop.TOO_FEW),
    ],
)
def test_mean_verdicts(before, after, verdict):
    assert loop.mean_verdict(before, after) == verdict


def judged(*verdicts: str, themes=("tech",)) -> loop.Verdict:
    """The rule over measures with these verdicts, each tied to the theme 'tech'."""
    measures = [
        loop.Measure(f"m{i}", (1, 10), (1, 10), False, True, v, ("tech",))
        for i, v in enumerate(verdicts)
    ]
    return loop.overall_verdict(measures, themes)


@pytest.mark.parametrize(
    ("verdicts", "overall"),
    [
        ([loop.IMPROVED, loop.NO_CHANGE], loop.IMPROVED),
        ([loop.IMPROVED, loop.WORSE], loop.NO_CHANGE),
        ([loop.WORSE, loop.NO_CHANGE], loop.WORSE),
        ([loop.NO_CHANGE], loop.NO_CHANGE),
        ([loop.IMPROVED, loop.TOO_FEW], loop.IMPROVED),  # the small side is left out
        ([loop.TOO_FEW, loop.TOO_FEW], loop.TOO_FEW),
        ([loop.WORSE, loop.WORSE, loop.IMPROVED], loop.WORSE),
        ([], loop.NO_MEASURE),
    ],
)
def test_overall_verdict(verdicts, overall):
    assert judged(*verdicts).verdict == overall


def test_the_reported_case_three_improved_one_unchanged_one_worse_is_improved():
    verdict = judged(loop.IMPROVED, loop.IMPROVED, loop.IMPROVED, loop.NO_CHANGE, loop.WORSE)
    assert verdict.verdict == loop.IMPROVED
    assert (verdict.improved, verdict.unchanged, verdict.worse) == (3, 1, 1)
    assert verdict.explanation() == "3 of 5 measures improved, 1 worse → improved."


def test_the_rule_applied_reads_as_the_issue_asks():
    assert (
        judged(loop.IMPROVED, loop.IMPROVED, loop.NO_CHANGE).explanation()
        == "2 of 3 measures improved, none worse → improved."
    )
    assert (
        judged(loop.IMPROVED, loop.TOO_FEW).explanation()
        == "1 of 1 measure improved, none worse; 1 left out (too few responses) → improved."
    )


def test_only_measures_tied_to_the_lessons_themes_count():
    risk_worse = loop.Measure("Critical about risks", (1, 10), (5, 10), False, True, loop.WORSE,
                              ("risk",))  # fmt: skip
    tech_better = loop.Measure("Critical about tech", (5, 10), (0, 10), False, True,
                               loop.IMPROVED, ("tech",))  # fmt: skip
    rating_better = loop.Measure("Mean rating", (3.0, 10), (4.5, 10), True, False, loop.IMPROVED)
    measures = [risk_worse, tech_better, rating_better]
    assert loop.overall_verdict(measures, ["risk"]).verdict == loop.WORSE
    assert loop.overall_verdict(measures, ["tech"]).verdict == loop.IMPROVED
    # The rating is tied to no theme: context only, so a lesson without themes has no verdict.
    assert loop.overall_verdict(measures, []).verdict == loop.NO_MEASURE
    # A new kind of measure joins by carrying its themes; the rule is unchanged.
    survey = loop.Measure("Follow-up: still posting", (2, 10), (8, 10), False, False,
                          loop.IMPROVED, ("risk",))  # fmt: skip
    both = loop.overall_verdict([*measures, survey], ["risk"])
    assert (both.verdict, both.explanation()) == (
        loop.NO_CHANGE,
        "1 of 2 measures improved, 1 worse → no change.",
    )


def row(db, **overrides) -> store.SessionRow:
    return make_session(db, status="delivered", **overrides)


def test_the_lessons_own_session_is_compared_when_comparable(db):
    source = row(db, title="First")
    other = row(db, title="Other topic", programme="Ward work", starts_at=datetime(2026, 4, 1, 18),
                ends_at=datetime(2026, 4, 1, 20))  # fmt: skip
    after = row(db, title="After", starts_at=datetime(2026, 5, 1, 18),
                ends_at=datetime(2026, 5, 1, 20))  # fmt: skip
    chosen = loop.comparable_before(after, [source, other, after], source.id)
    assert [s.title for s in chosen.sessions] == ["First"]
    assert chosen.basis == "the same programme, Councillors and Social Media"


def test_a_session_on_another_topic_is_never_compared(db):
    source = row(db, title="Risks briefing", programme="Ward work")
    same_earlier = row(db, title="Earlier social", starts_at=datetime(2026, 4, 1, 18),
                       ends_at=datetime(2026, 4, 1, 20))  # fmt: skip
    later_same = row(db, title="Later social", starts_at=datetime(2026, 6, 1, 18),
                     ends_at=datetime(2026, 6, 1, 20))  # fmt: skip
    after = row(db, title="After", starts_at=datetime(2026, 5, 1, 18),
                ends_at=datetime(2026, 5, 1, 20))  # fmt: skip
    sessions = [source, same_earlier, later_same, after]
    chosen = loop.comparable_before(after, sessions, source.id)
    # The risks session is in another programme: earlier sessions of this one stand in.
    assert [s.title for s in chosen.sessions] == ["Earlier social"]
    assert "Risks briefing" in chosen.note and "not comparable" in chosen.note
    only_other = loop.comparable_before(after, [source, after], source.id)
    assert only_other.sessions == () and only_other.basis == loop.NO_COMPARABLE


def test_outside_any_programme_the_format_decides(db):
    workshop = row(db, title="Workshop", programme="")
    webinar = row(db, title="Webinar", programme="", format="webinar")
    after = row(db, title="After", programme="", starts_at=datetime(2026, 5, 1, 18),
                ends_at=datetime(2026, 5, 1, 20))  # fmt: skip
    chosen = loop.comparable_before(after, [workshop, webinar, after], None)
    assert [s.title for s in chosen.sessions] == ["Workshop"]
    assert chosen.basis == "the same format, workshop (in person)"


def give(db, session, n, rating, to_change, length="about_right", prefix="r"):
    for i in range(n):
        submit_feedback(
            db,
            session.id,
            FeedbackAnswer(overall_rating=rating, to_change=to_change, length=length),
            f"{prefix}{session.id}-{i}",
        )


def actioned_lesson(db, source, themes=("tech",)) -> int:
    lesson_id = create_lesson(
        db,
        LessonDraft(
            title="Test the wifi before people arrive",
            recommendation="Arrive 45 minutes early to test the wifi and logins",
            themes=list(themes),
            action="Add a tech check to the session checklist",
            owner="Tom Ellery",
            due_date=date(2027, 1, 1),
            source_session_id=source.id,
        ),
        ME,
    )
    move_lesson(db, lesson_id, "identified", ME)
    move_lesson(db, lesson_id, "actioned", ME)
    return lesson_id


def later_planned_session(db):
    start = session_draft().starts_at + timedelta(days=60)
    return make_session(db, title="Second run", starts_at=start, ends_at=start + timedelta(hours=2))


def test_the_comparison_on_constructed_data(db):
    source = make_session(db, status="delivered")
    give(db, source, 6, 2, "The wifi did not work and the laptops froze")
    give(db, source, 4, 3, "Nothing", prefix="n")
    later = later_planned_session(db)
    give(db, later, 8, 5, "Nothing")
    lesson_id = actioned_lesson(db, source, themes=("tech", "pace"))
    move_lesson(db, lesson_id, "embedded", ME, applied_session_id=later.id)
    with db.reading() as cur:
        lesson = found(store.lesson_by_id(cur, lesson_id))
        comparison = loop.compare_lesson(cur, lesson, {"tech": "Technology & set-up"})
    assert comparison is not None
    by_name = {m.name: m for m in comparison.measures}
    tech = by_name["Responses with a critical 'Technology & set-up' comment"]
    too_long = by_name["Said the session was too long"]
    rating = by_name["Mean overall rating (1-5)"]
    assert (tech.before, tech.after, tech.verdict) == ((6, 10), (0, 8), loop.IMPROVED)
    assert too_long.verdict == loop.NO_CHANGE  # nobody said too long either time
    assert rating.verdict == loop.IMPROVED
    assert comparison.verdict == loop.IMPROVED
    assert not comparison.counts(rating)  # tied to no theme: shown for context only
    assert comparison.judged.explanation() == "1 of 3 measures improved, none worse → improved."
    assert comparison.before_sessions == ("Social media for councillors (12 Mar 2026)",)
    assert "6 of 10 (60%) before → 0 of 8 (0%) after: improved" in comparison.summary()


def test_the_comparison_says_when_there_are_too_few_responses(db):
    source = make_session(db, status="delivered")
    give(db, source, 6, 2, "The wifi failed")
    later = later_planned_session(db)
    give(db, later, 3, 5, "Nothing")
    lesson_id = actioned_lesson(db, source)
    move_lesson(db, lesson_id, "embedded", ME, applied_session_id=later.id)
    with db.reading() as cur:
        comparison = loop.compare_lesson(cur, found(store.lesson_by_id(cur, lesson_id)), {})
    assert found(comparison).verdict == loop.TOO_FEW


def page(db, name: str) -> AppTest:
    """A page run signed in as ME (made the database's first account if it is not yet)."""
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60)
    account = accounts.account_by_id(db, ME.account_id or 0) or make_account(db, ME.name, ME.role)
    assert account.id == ME.account_id
    return signed_in(at, account)


def test_the_whole_loop_in_the_app(db):
    source = make_session(db, status="delivered")
    give(db, source, 8, 2, "The wifi did not work")
    later = later_planned_session(db)
    lesson_id = actioned_lesson(db, source)

    # Choose the lesson in the plan of the next session: it becomes a checklist item.
    at = page(db, "plan.py")
    at.query_params["session"] = str(later.id)
    at.run()
    assert not at.exception
    at.checkbox(key=f"plan_pick_{later.id}_{lesson_id}").check()
    at.button(key=f"FormSubmitter:plan_form_{later.id}-Save plan").click().run()
    assert "Plan saved" in at.toast[0].value
    with db.reading() as cur:
        plan = found(store.plan_for_session(cur, later.id))
    assert plan.lesson_ids == (lesson_id,)
    assert [i.text for i in plan.checklist] == [
        "Arrive 45 minutes early to test the wifi and logins"
    ]
    at.session_state["plan_tab"] = "Checklist"  # only the open tab runs
    at.run()
    at.checkbox(key=f"plan_item_{plan.checklist[0].id}").check().run()
    with db.reading() as cur:
        assert found(store.plan_for_session(cur, later.id)).checklist[0].done

    # The session happens; councillors answer; it is marked delivered on the Sessions page.
    give(db, later, 7, 5, "Nothing, it all worked")
    at = page(db, "sessions.py")
    at.session_state["sessions_selected_id"] = later.id
    at.session_state["sessions_tab_0"] = "Edit session"  # only the open tab runs
    at.run()
    key = f"sessions_edit_{later.id}"
    at.selectbox(key=f"{key}_status").set_value("delivered")
    at.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    assert "1 planned lesson now embedded" in at.success[0].value
    with db.reading() as cur:
        lesson = found(store.lesson_by_id(cur, lesson_id))
        history = [e.detail for e in store.audit_for(cur, "lesson", lesson_id)]
    assert (lesson.status, lesson.applied_session_id) == ("embedded", later.id)
    assert "Actioned → Embedded (applied in 'Second run', marked delivered)" in history

    # Its post-mortem shows the comparison; the facilitator validates the lesson with it.
    at = page(db, "postmortem.py")
    at.query_params["session"] = str(later.id)
    at.session_state["postmortem_tab"] = "Lessons applied"  # only the open tab runs
    at.run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    applied = "**Verdict: improved.** 1 of 1 measure improved, none worse → improved."
    assert applied in shown
    assert any(
        "Compared **Second run" in m
        and "where the lesson was applied" in m
        and "**Social media for councillors" in m
        for m in shown
    )
    at.button(key=f"postmortem_validate_{lesson_id}").click().run()
    assert "validated" in at.toast[0].value
    with db.reading() as cur:
        lesson = found(store.lesson_by_id(cur, lesson_id))
        evidence = store.evidence_for_lesson(cur, lesson_id)
    assert lesson.status == "validated"
    assert "8 of 8 (100%) before → 0 of 7 (0%) after: improved" in lesson.effectiveness_evidence
    assert evidence[-1].note == lesson.effectiveness_evidence
    assert "Rule applied: 1 of 1 measure improved, none worse → improved." in evidence[-1].note

    # The register's "Did it work?" tab states the rule and applies it the same way.
    at = page(db, "lessons.py")
    at.session_state["lessons_selected"] = lesson_id
    at.session_state["lessons_tab"] = "Did it work?"  # only the open tab runs
    at.run()
    assert not at.exception
    assert applied in [m.value for m in at.markdown]
    assert any("more of those measures improved than got worse" in m.value for m in at.markdown)


def test_plan_data_says_when_there_is_too_little(db):
    later = later_planned_session(db)
    with db.reading() as cur:
        evidence = planning.plan_evidence(cur, later, store.all_sessions(cur))
    assert not evidence.balance.enough
    assert "Too little data to suggest a split: 0 balance answers" in evidence.balance.message
    assert not evidence.mix.enough
    assert evidence.complaints == ()


def test_plan_suggests_a_split_from_past_balance_answers(db):
    for n in range(2):
        start = session_draft().starts_at + timedelta(days=n)
        past = make_session(
            db,
            status="delivered",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            context_minutes=60,
            hands_on_minutes=60,
        )
        for i in range(6):
            submit_feedback(
                db,
                past.id,
                FeedbackAnswer(
                    overall_rating=3,
                    balance="more_how" if i < 4 else "about_right",
                    councillor_type="cautious" if i % 2 else "sceptic",
                ),
                f"b{n}-{i}",
            )
    later = later_planned_session(db)
    with db.reading() as cur:
        evidence = planning.plan_evidence(cur, later, store.all_sessions(cur))
    balance = evidence.balance
    assert balance.enough and balance.answers == 12
    # Past sessions planned 50% hands-on; net 8 of 12 wanted more how: suggest 50% + 33% = 83%.
    assert balance.suggested_share == pytest.approx(0.5 + (8 / 12) / 2)
    # The next session plans 110 minutes: 83% of it, to the nearest 5, is 90 hands-on.
    assert balance.hands_on_minutes == 90 and balance.context_minutes == 20
    assert len(balance.sessions) == 2
    assert evidence.mix.enough and evidence.mix.shares["cautious"] == pytest.approx(0.5)


def test_which_lessons_apply(db):
    source = make_session(db, status="delivered", programme="Social media", council="Ashdale")
    other_council = make_session(db, council="Brackenmoor", programme="Social media")
    other_programme = make_session(db, council="Ashdale", programme="Digital ward work")
    lesson_id = actioned_lesson(db, source)
    with db.reading() as cur:
        lesson = found(store.lesson_by_id(cur, lesson_id))
        sessions = {s.id: s for s in store.all_sessions(cur)}
    assert planning.lesson_applies(lesson, other_council, sessions)  # programme scope
    assert not planning.lesson_applies(lesson, other_programme, sessions)
    update_lesson(
        db,
        lesson_id,
        LessonDraft(
            title=lesson.title,
            scope="organisation",
            action="a",
            owner="o",
            due_date=date(2027, 1, 1),
            source_session_id=source.id,
        ),
        ME,
    )
    with db.reading() as cur:
        lesson = found(store.lesson_by_id(cur, lesson_id))
    assert planning.lesson_applies(lesson, other_programme, sessions)
    observed = create_lesson(db, LessonDraft(title="Just noticed"), ME)
    with db.reading() as cur:
        assert not planning.lesson_applies(
            found(store.lesson_by_id(cur, observed)), other_council, sessions
        )


def test_the_plan_exports_escape_what_people_typed(db):
    later = later_planned_session(db)
    planning.save_plan(db, later.id, [], "<script>alert(1)</script> **bring** laptops", ME)
    with db.reading() as cur:
        plan = found(store.plan_for_session(cur, later.id))
        evidence = planning.plan_evidence(cur, later, store.all_sessions(cur))
    text = planning.plan_markdown(later, plan, {}, evidence, {})
    assert text.startswith("# Plan: Second run")
    page_html = planning.plan_html(planning.plan_document(later, plan, {}, evidence, {}), "Plan")
    assert "<script>" not in page_html and "&lt;script&gt;" in page_html
    # Typed text is data (issue 10): the notes' "**bring**" stays as typed, in both formats.
    assert "**bring**" in page_html and "<b>bring</b>" not in page_html
    assert r"\*\*bring\*\*" in text


def test_marking_delivered_embeds_through_the_lifecycle_door(db):
    source = make_session(db, status="delivered")
    later = later_planned_session(db)
    lesson_id = actioned_lesson(db, source)
    planning.save_plan(db, later.id, [lesson_id], "", ME)
    moved = loop.update_session_and_embed(
        db, later.id, session_draft(title="Second run", status="delivered",
                                    starts_at=later.starts_at, ends_at=later.ends_at), ME
    )  # fmt: skip
    assert moved == [lesson_id]
    with db.reading() as cur:
        last = store.audit_for(cur, "lesson", lesson_id)[-1]
        session_edit = store.audit_for(cur, "session", later.id)[-1]
    assert (last.actor, last.from_status, last.to_status) == (ME.name, "actioned", "embedded")
    assert (session_edit.from_status, session_edit.to_status) == ("planned", "delivered")
    # Saving the delivered session again moves nothing more.
    assert loop.update_session_and_embed(
        db, later.id, session_draft(title="Second run, again", status="delivered",
                                    starts_at=later.starts_at, ends_at=later.ends_at), ME
    ) == []  # fmt: skip
