"""Requests as a reading of their own (stored, corrected, listed as "what people asked
for" in the comments, the post-mortem and the plan), and corrections that reach
everything: themes' tone, post-mortem quotes, trends and verdicts (issue 14)."""

from datetime import datetime, timedelta

from streamlit.testing.v1 import AppTest

from lessons import loop, planning, postmortem, store, tagging
from lessons.auth import Actor
from lessons.choices import MIN_GROUP_SIZE
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.register import LessonDraft, create_lesson, move_lesson
from lessons.store import migrations
from tests.conftest import (
    ROOT,
    found,
    make_account,
    make_session,
    session_draft,
    signed_in,
    table_count,
)

ANN = Actor(3, "Ann Lee", "facilitator")
LEAD = Actor(4, "Lee Lead", "lead")


def give(db, session, n, prefix="r", rating=4, **answers):
    for i in range(n):
        submit_feedback(
            db,
            session.id,
            FeedbackAnswer(overall_rating=rating, **answers),
            f"{prefix}{session.id}-{i}",
        )


def comments(db, **where) -> list[store.AnalysedComment]:
    with db.reading() as cur:
        return store.analysed_comments(cur, store.CommentFilter(**where))


def one(db, text: str) -> store.AnalysedComment:
    [comment] = [c for c in comments(db) if c.text == text][:1]
    return comment


# --- requests ------------------------------------------------------------------------------


def test_a_plain_request_is_stored_as_a_request_and_is_neutral(db):
    session = make_session(db)
    give(db, session, 1, to_change="A printed handout to take away please")
    give(db, session, 1, prefix="s", to_change="The room was far too cold")
    ask = one(db, "A printed handout to take away please")
    assert ask.request and ask.machine_request and not ask.request_corrected
    assert ask.label == "neutral"
    assert ask.asks and "handout" in ask.asks[0]
    complaint = one(db, "The room was far too cold")
    assert not complaint.request and complaint.label == "negative"
    listed = tagging.find_comments(db, requests_only=True)
    assert [c.text for c in listed] == ["A printed handout to take away please"]


def test_a_person_corrects_the_request_and_the_save_counts_as_a_review(db):
    session = make_session(db)
    give(db, session, 1, to_change="The slides were hard to read from the back")
    comment = comments(db)[0]
    assert not comment.request and not comment.reviewed
    tagging.correct_comment(db, comment.id, None, comment.themes, ANN, request=True)
    corrected = comments(db)[0]
    assert corrected.request and corrected.request_corrected and corrected.reviewed
    assert corrected.corrected_by == "Ann Lee"
    assert [c.id for c in tagging.find_comments(db, requests_only=True)] == [comment.id]
    # Agreeing with the machine again clears the correction; the review stays.
    tagging.correct_comment(db, comment.id, None, comment.themes, ANN, request=False)
    again = comments(db)[0]
    assert not again.request and not again.request_corrected and again.reviewed
    assert table_count(db, "comment_request_corrections") == 0


def test_the_post_mortem_lists_requests_only_from_the_group_size(db):
    small = make_session(db, status="delivered")
    give(db, small, MIN_GROUP_SIZE - 1, to_change="More time for questions please")
    view = postmortem.post_mortem(db, small.id, {})
    assert view.figures.hidden and view.asks == []
    give(db, small, 1, prefix="x", to_change="Could we have a break halfway")
    view = postmortem.post_mortem(db, small.id, {})
    assert not view.figures.hidden
    assert len(view.asks) == MIN_GROUP_SIZE
    assert {planning.ask_text(a) for a in view.asks} >= {"More time for questions please"}


def test_the_plan_lists_what_people_asked_for_in_comparable_sessions(db):
    past = make_session(db, status="delivered")
    give(db, past, 3, to_change="More hands-on exercises please")
    give(db, past, 3, prefix="n", to_change="Nothing, it was great")
    start = session_draft().starts_at + timedelta(days=30)
    later = make_session(db, title="Next run", starts_at=start, ends_at=start + timedelta(hours=2))
    with db.reading() as cur:
        evidence = planning.plan_evidence(cur, later, store.all_sessions(cur))
    assert [planning.ask_text(a) for a in evidence.asks] == ["More hands-on exercises please"] * 3
    assert evidence.ask_message.startswith("3 comments asked for a change")
    markdown = planning.plan_markdown(later, None, {}, evidence, {"hands_on": "Hands-on"})
    assert "What people asked for." in markdown and "More hands-on exercises please" in markdown


def test_the_plan_shows_no_requests_under_the_group_size(db):
    past = make_session(db, status="delivered")
    give(db, past, MIN_GROUP_SIZE - 1, to_change="More exercises please")
    start = session_draft().starts_at + timedelta(days=30)
    later = make_session(db, title="Next run", starts_at=start, ends_at=start + timedelta(hours=2))
    with db.reading() as cur:
        evidence = planning.plan_evidence(cur, later, store.all_sessions(cur))
    assert evidence.asks == () and evidence.ask_message.startswith("Too little past feedback")


def test_migration_010_marks_older_analyses_out_of_date(tmp_path, monkeypatch):
    database = store.Database(tmp_path / "before-010.duckdb")
    before = [m for m in store.MIGRATIONS if m[0] < "010"]
    monkeypatch.setattr(migrations, "MIGRATIONS", before)
    store.migrate(database)
    monkeypatch.undo()
    tagging.seed_default_themes(database)
    # A session as it was stored then (today's sessions also have a follow-up: migration 012).
    starts_at = datetime(2026, 3, 12, 18, 0)
    with database.transaction() as cur:
        [[session_id]] = cur.execute(
            "INSERT INTO sessions (title, starts_at, ends_at, council, format, feedback_token,"
            " short_code, created_at, updated_at) VALUES ('Before 010', ?, ?, 'Calderbrook',"
            " 'workshop', 'token-before-010', 'K7M4PQ', ?, ?) RETURNING id",
            [starts_at, starts_at + timedelta(hours=2), starts_at, starts_at],
        ).fetchall()
        cur.execute(
            "INSERT INTO comment_analysis (comment_id, label, score, mixed, drivers,"
            " analyser_version, analysed_at, session_id)"
            " SELECT 99, 'neutral', 0, FALSE, '', ?, ?, ?",
            [tagging.ANALYSER_VERSION, starts_at, session_id],
        )
    assert "010_requests_reviews_learning" in store.migrate(database)
    with database.reading() as cur:
        assert store.comment_ids_needing_analysis(cur, tagging.ANALYSER_VERSION) == []
        [[version]] = cur.execute("SELECT analyser_version FROM comment_analysis").fetchall()
    assert version != tagging.ANALYSER_VERSION  # read again by the next re-analysis
    database.close()


# --- corrections reach everything -------------------------------------------------------------

PRAISE = "The wifi worked brilliantly all day"


def test_a_corrected_sentiment_re_reads_its_themes_tone(db):
    session = make_session(db)
    give(db, session, 1, went_well=PRAISE)
    comment = one(db, PRAISE)
    assert comment.label == "positive" and comment.theme_labels["tech"] == "positive"
    tagging.correct_comment(db, comment.id, "negative", comment.themes, ANN)
    corrected = one(db, PRAISE)
    assert corrected.label == "negative" and corrected.theme_labels["tech"] == "negative"


def test_a_mixed_answer_keeps_its_clauses_tone_and_an_added_theme_takes_the_label(db):
    session = make_session(db)
    text = "Really useful session, but far too long"
    give(db, session, 1, went_well=text)
    comment = one(db, text)
    assert comment.mixed and comment.theme_labels["pace"] == "negative"
    tagging.correct_comment(db, comment.id, "positive", [*comment.themes, "venue"], ANN)
    corrected = one(db, text)
    assert corrected.theme_labels["pace"] == "negative"  # its own clause's tone
    assert corrected.theme_labels["venue"] == "positive"  # added by a person: the label


def test_the_post_mortem_quotes_and_counts_use_corrected_values(db):
    session = make_session(db, status="delivered")
    give(db, session, MIN_GROUP_SIZE, went_well=PRAISE)
    with db.reading() as cur:
        before = store.feedback_summary(cur, [session.id])
    [tech] = [t for t in before.themes if t.theme_id == "tech"]
    assert (tech.positive, tech.negative, tech.negative_quote) == (MIN_GROUP_SIZE, 0, None)
    for comment in comments(db):
        tagging.correct_comment(db, comment.id, "negative", comment.themes, ANN)
    view = postmortem.post_mortem(db, session.id, {})
    [tech] = [t for t in view.figures.top_themes if t.theme_id == "tech"]
    assert (tech.positive, tech.negative) == (0, MIN_GROUP_SIZE)
    assert tech.negative_quote == PRAISE and tech.positive_quote is None
    frame = found(view.figures.panels[-1].frame)
    counts = dict(zip(frame["Sentiment"], frame["Responses"], strict=True))
    assert counts["Negative"] == MIN_GROUP_SIZE and counts["Positive"] == 0


def test_trends_use_corrected_theme_tone(db):
    session = make_session(db, status="delivered")
    give(db, session, 3, went_well=PRAISE)
    with db.reading() as cur:
        heat = store.trend_theme_by_month(cur, store.TrendFilter())
    assert heat.loc[heat.theme_id == "tech", "negative"].tolist() == [0]
    first, *_ = comments(db)
    tagging.correct_comment(db, first.id, "negative", first.themes, ANN)
    with db.reading() as cur:
        heat = store.trend_theme_by_month(cur, store.TrendFilter())
        by_month = store.trend_sentiment_by_month(cur, store.TrendFilter())
    assert heat.loc[heat.theme_id == "tech", "negative"].tolist() == [1]
    assert heat.loc[heat.theme_id == "tech", "tagged"].tolist() == [3]
    assert dict(zip(by_month.label, by_month.comments, strict=True)) == {
        "negative": 1,
        "positive": 2,
    }


def test_verdicts_use_corrected_values(db):
    source = make_session(db, status="delivered")
    give(db, source, 6, rating=3, went_well=PRAISE)
    start = session_draft().starts_at + timedelta(days=60)
    later = make_session(db, title="Again", starts_at=start, ends_at=start + timedelta(hours=2))
    give(db, later, 6, rating=3, went_well=PRAISE)
    lesson_id = create_lesson(
        db,
        LessonDraft(
            title="Check the wifi",
            recommendation="Test the wifi early",
            themes=["tech"],
            action="Add a tech check",
            owner="Tom",
            due_date=start.date(),
            source_session_id=source.id,
        ),
        LEAD,
    )
    move_lesson(db, lesson_id, "identified", LEAD)
    move_lesson(db, lesson_id, "actioned", LEAD)
    move_lesson(db, lesson_id, "embedded", LEAD, applied_session_id=later.id)

    def tech_measure():
        with db.reading() as cur:
            comparison = loop.compare_lesson(cur, found(store.lesson_by_id(cur, lesson_id)), {})
        return next(m for m in found(comparison).measures if "critical" in m.name)

    assert (tech_measure().before, tech_measure().after) == ((0, 6), (0, 6))
    # People say the praise of the source session was sarcasm: it was critical after all.
    for comment in comments(db, session_id=source.id):
        tagging.correct_comment(db, comment.id, "negative", comment.themes, ANN)
    measure = tech_measure()
    assert (measure.before, measure.after, measure.verdict) == ((6, 6), (0, 6), loop.IMPROVED)


def test_the_post_mortem_and_plan_pages_list_what_people_asked_for_as_typed(db):
    past = make_session(db, status="delivered")
    ask = "A **bold** handout [link](http://example.com) please"
    give(db, past, MIN_GROUP_SIZE, to_change=ask)
    start = session_draft().starts_at + timedelta(days=30)
    later = make_session(db, title="Next run", starts_at=start, ends_at=start + timedelta(hours=2))
    account = make_account(db, LEAD.name, LEAD.role)
    for name, session in (("postmortem.py", past), ("plan.py", later)):
        at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60)
        at = signed_in(at, account)
        at.query_params["session"] = str(session.id)
        if name == "plan.py":
            at.session_state["plan_tab"] = "What the data says"  # only the open tab runs
        at.run()
        assert not at.exception, name
        assert "What people asked for" in [h.value for h in at.header], name
        # shown as typed, never as Markdown
        # the clause that asks (the analysis ends a clause at a bracket)
        assert [t.value for t in at.text].count("A **bold** handout [link]") == MIN_GROUP_SIZE
