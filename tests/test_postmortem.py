"""The post-mortem's rules: which sessions come first, what the anonymity rule lets the
feedback show, the lessons applied in a session, and promoting a comment to a lesson."""

from datetime import timedelta

from lessons import anonymity, loop, postmortem, store, trends
from lessons.auth import Actor
from lessons.choices import MIN_GROUP_SIZE
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.register import LessonDraft, create_lesson, move_lesson
from tests.conftest import make_session, session_draft

ME = Actor(1, "Priya Shah", "lead")


def on(days: int, **overrides):
    start = session_draft().starts_at + timedelta(days=days)
    return dict(starts_at=start, ends_at=start + timedelta(hours=2), **overrides)


def give(db, session, n, **answers):
    for i in range(n):
        submit_feedback(
            db, session.id, FeedbackAnswer(overall_rating=4, **answers), f"{session.id}-{i}"
        )


def summary(db, session) -> store.FeedbackSummary:
    with db.reading() as cur:
        return store.feedback_summary(cur, [session.id])


def test_sessions_awaiting_their_post_mortem_come_first_newest_first(db):
    old_reviewed = make_session(db, title="Old reviewed", **on(-40, status="reviewed"))
    old_waiting = make_session(db, title="Old waiting", **on(-30, status="delivered"))
    new_reviewed = make_session(db, title="New reviewed", **on(-5, status="reviewed"))
    new_waiting = make_session(db, title="New waiting", **on(-2, status="delivered"))
    make_session(db, title="Not yet", **on(10))
    with db.reading() as cur:
        ordered = postmortem.sessions_for_post_mortem(store.all_sessions(cur))
    assert [s.id for s in ordered] == [new_waiting.id, old_waiting.id, new_reviewed.id,
                                       old_reviewed.id]  # fmt: skip


def test_under_the_group_size_only_the_count_is_shown(db):
    session = make_session(db, status="delivered")
    give(db, session, MIN_GROUP_SIZE - 1, confidence_before=2, confidence_after=4)
    figures = postmortem.feedback_figures(summary(db, session), {})
    assert figures.hidden and figures.responses == MIN_GROUP_SIZE - 1
    assert f"appear from {MIN_GROUP_SIZE} responses" in figures.hidden_message
    assert figures.mean_rating is None and figures.uplift is None
    assert figures.panels == [] and figures.themes is None and figures.top_themes == []


def test_each_breakdown_too_small_to_show_says_so(db):
    session = make_session(db, status="delivered")
    give(db, session, MIN_GROUP_SIZE, to_change="Far too long")  # nobody says who they are
    figures = postmortem.feedback_figures(summary(db, session), {"pace": "Pace & length"})
    assert not figures.hidden and figures.mean_rating == 4
    panels = {p.key: p for p in figures.panels}
    assert panels["postmortem_confidence"].figure is None
    assert "Too few answered both" in panels["postmortem_confidence"].note
    assert panels["postmortem_types"].figure is None
    assert figures.shown.hidden_groups == 2
    assert figures.top_themes[0].theme_id == "pace"
    assert figures.themes is not None and figures.themes.frame is not None
    assert list(figures.themes.frame["Theme"]) == ["Pace & length"]


def test_the_rule_is_one_number_everywhere(db):
    session = make_session(db, status="delivered")
    give(db, session, MIN_GROUP_SIZE - 1)
    shown = anonymity.summary_shown(summary(db, session))
    assert not shown.figures and not anonymity.enough(MIN_GROUP_SIZE - 1)
    with db.reading() as cur:
        headline = trends.headline_shown(store.trend_headline(cur, store.TrendFilter()))
    assert headline.figures_hidden and headline.mean_rating is None
    assert headline.responses == MIN_GROUP_SIZE - 1  # the count itself is shown
    assert anonymity.hidden_groups_note(1).startswith(f"1 group with fewer than {MIN_GROUP_SIZE}")


def test_a_verdict_side_with_too_few_responses_is_not_shown():
    measure = loop.Measure("Said too long", (2, 3), (1, 12), False, True, loop.TOO_FEW)
    assert measure.side("before") == f"fewer than {MIN_GROUP_SIZE} responses"
    assert measure.side("after") == "1 of 12 (8%)"


def test_the_lessons_applied_in_a_session_and_no_other(db):
    source = make_session(db, status="delivered")
    here = make_session(db, title="Here", **on(30, status="delivered"))
    elsewhere = make_session(db, title="Elsewhere", **on(60, status="delivered"))
    ids = []
    for applied_in in (here, elsewhere, here):
        lesson_id = create_lesson(
            db,
            LessonDraft(title="Test the wifi", action="Arrive early", owner="Tom",
                        due_date=session_draft().starts_at.date(), source_session_id=source.id),
            ME,
        )  # fmt: skip
        for status in ("identified", "actioned"):
            move_lesson(db, lesson_id, status, ME)
        move_lesson(db, lesson_id, "embedded", ME, applied_session_id=applied_in.id)
        ids.append(lesson_id)
    view = postmortem.post_mortem(db, here.id, {})
    assert [lesson.id for lesson, _ in view.applied] == [ids[0], ids[2]]
    assert all(comparison is not None for _, comparison in view.applied)


def test_a_promoted_comment_says_what_happened_and_a_reflection_is_the_lesson():
    comment = postmortem.Promotion("comment", 7, "The wifi did not work")
    answer = postmortem.Promotion("reflection", 9, "Test the wifi before people arrive")
    assert comment.draft(3).what_happened == "The wifi did not work"
    assert comment.draft(3).lesson == "" and comment.draft(3).source_session_id == 3
    assert answer.draft(3).lesson == "Test the wifi before people arrive"
    assert comment.evidence().comment_id == 7 and comment.evidence().reflection_answer_id is None
    assert answer.evidence().reflection_answer_id == 9


def test_the_polarity_follows_the_sentiment_or_the_prompt():
    assert postmortem.polarity_for("positive") == "sustain"
    assert postmortem.polarity_for("negative") == "improve"
    assert postmortem.polarity_for("neutral") == "improve"
    assert postmortem.polarity_for(None) == "improve"
    assert postmortem.polarity_for("negative", "sustain") == "sustain"  # AAR: what to sustain
    assert postmortem.polarity_for("positive", "improve") == "improve"


def test_a_quick_capture_carries_the_items_themes_and_leaves_the_rest_for_later():
    praise = postmortem.Promotion("comment", 7, "Loved the hands-on part", "positive",
                                  ("hands_on",))  # fmt: skip
    assert praise.draft(3).polarity == "sustain" and praise.draft(3).themes == ["hands_on"]
    quick = praise.quick_draft(3, "Keep the hands-on hour", "Keep an hour of practice.",
                               "sustain", ["hands_on", "pace"])  # fmt: skip
    assert (quick.title, quick.lesson, quick.polarity) == (
        "Keep the hands-on hour", "Keep an hour of practice.", "sustain",
    )  # fmt: skip
    assert quick.themes == ["hands_on", "pace"] and quick.source_session_id == 3
    assert quick.what_happened == "Loved the hands-on part"
    assert (quick.action, quick.owner, quick.due_date) == ("", "", None)
