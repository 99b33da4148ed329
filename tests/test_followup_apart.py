"""The follow-up's comments, said weeks on, stay out of every figure of the day (Trends, the
programme report, the Comments page's default view) and stay findable where they belong
(the Comments page's Said filter, the comments export's `said` column, "went on to use it"),
on a real database holding both kinds."""

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from lessons import programme_report, reports, store, tagging, trends
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.followup import FollowupAnswer, submit_followup
from lessons.store import migrations
from tests.conftest import ROOT, make_account, make_session, session_draft

DAY_TEXT = "Really useful and clear"
WEEKS_ON_TEXT = "Awful, the wifi at home never works and I hate the app"


@pytest.fixture
def both(db):
    """A delivered March session: six day answers, all praise; five follow-up answers, all
    complaining about the technology."""
    start = session_draft().starts_at.replace(year=2026, month=3, day=10)
    session = make_session(
        db, starts_at=start, ends_at=start + timedelta(hours=2), status="delivered"
    )
    for i in range(6):
        submit_feedback(
            db,
            session.id,
            FeedbackAnswer(overall_rating=5, went_well=DAY_TEXT),
            f"day-{i}",
        )
    for i in range(5):
        submit_followup(
            db,
            session.id,
            FollowupAnswer(actions=("posted",), confidence_now=3, fu_barriers=WEEKS_ON_TEXT),
            f"weeks-on-{i}",
            now=start + timedelta(weeks=7),
        )
    said = {c.text: c for c in tagging.find_comments(db)}
    # What the test stands on: the follow-up's comments are critical and about technology.
    assert said[WEEKS_ON_TEXT].label == "negative" and "tech" in said[WEEKS_ON_TEXT].themes
    assert said[DAY_TEXT].label == "positive" and "tech" not in said[DAY_TEXT].themes
    return session


@pytest.mark.parametrize("source", [None, "online"])
def test_the_trends_count_the_days_comments_only(db, both, source):
    where = store.TrendFilter(source=source)
    with db.reading() as cur:
        headline = store.trend_headline(cur, where)
        sentiment = store.trend_sentiment_by_month(cur, where)
        themes = store.trend_theme_by_month(cur, where)
        went_on = store.trend_followups(cur, where)
    assert (headline.comments, headline.negative_share) == (6, 0.0)
    assert sentiment[["label", "comments"]].values.tolist() == [["positive", 6]]
    assert "tech" not in set(themes["theme_id"])
    assert set(themes["comments"]) <= {6}
    # The follow-up still counts where it belongs: who went on to use it.
    assert went_on[["responses", "did_something"]].values.tolist() == [[5, 5]]


def test_a_correction_of_a_follow_up_comment_moves_no_day_figure(db, both):
    weeks_on = tagging.find_comments(db, said="weeks_on")[0]
    priya = make_account(db, "Priya Shah", "facilitator")
    tagging.correct_comment(db, weeks_on.id, "negative", ["tech", "pace"], priya.actor())
    with db.reading() as cur:
        headline = store.trend_headline(cur, store.TrendFilter())
        themes = store.trend_theme_by_month(cur, store.TrendFilter())
    assert (headline.comments, headline.negative_share) == (6, 0.0)
    assert not {"tech", "pace"} & set(themes["theme_id"])


def test_the_programme_report_counts_the_days_comments(db, both):
    names = {"tech": "Technology & set-up"}
    overview = trends.trend_overview(db, store.TrendFilter(), names)
    text = programme_report.report_markdown(
        "Programme", store.TrendFilter(), overview.headline, overview.charts, [], date(2026, 5, 1)
    )
    assert "0% of 6 comments on the day critical" in text
    assert "Technology & set-up" not in text


def test_the_comments_export_marks_when_each_comment_was_said(db, both):
    table = reports.export_table(db, store.TrendFilter(), "comments")
    rows = table.rows
    assert [(r["said"], r["text"]) for r in rows] == [("On the day", DAY_TEXT)] * 6 + [
        ("Weeks on (follow-up)", WEEKS_ON_TEXT)
    ] * 5
    assert {r["question"] for r in rows if r["said"] == "Weeks on (follow-up)"} == {"fu_barriers"}


def comments_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "comments.py"), default_timeout=60)


def shown_texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def test_the_comments_page_shows_the_days_comments_unless_asked(db, both):
    at = comments_page().run()
    assert not at.exception
    assert at.selectbox(key="comments_said").value == "day"
    assert any(c.value.startswith("6 comments said on the day") for c in at.caption)
    assert set(shown_texts(at)) == {DAY_TEXT}
    # The follow-up's questions are not offered while the day's comments are shown.
    assert "Follow-up: what got in the way?" not in at.selectbox(key="comments_question").options

    at.selectbox(key="comments_said").set_value("weeks_on").run()
    assert not at.exception
    assert any(c.value.startswith("5 comments") for c in at.caption)
    assert set(shown_texts(at)) == {WEEKS_ON_TEXT}
    # Each card says which question, the follow-up's, it answers (escaped as typed text).
    assert all("what got in the way?" in c.value for c in at.caption[1:])

    at.selectbox(key="comments_said").select_index(0).run()  # Either
    assert not at.exception
    assert any(c.value.startswith("11 comments") for c in at.caption)


def test_the_trends_page_counts_the_days_comments(db, both):
    at = AppTest.from_file(str(ROOT / "pages" / "trends.py"), default_timeout=60).run()
    assert not at.exception
    critical = next(m for m in at.metric if m.label == "Critical comments")
    assert critical.value == "0%"
    assert "Of 6 comments on the day" in critical.help


def test_migration_016_marks_the_analyses_of_follow_up_comments(tmp_path, monkeypatch):
    """Follow-up comments analysed before 016 are marked as the follow-up's."""
    database = store.Database(tmp_path / "old.duckdb")
    before = [m for m in store.MIGRATIONS if m[0] != "016_followup_analyses_apart"]
    monkeypatch.setattr(migrations, "MIGRATIONS", before)
    store.migrate(database)
    with database.transaction() as cur:
        for comment_id, question in ((1, "went_well"), (2, "fu_barriers"), (3, "fu_help_next")):
            cur.execute(
                "INSERT INTO comments (id, response_id, session_id, question, text, created_on)"
                " VALUES (?, ?, 7, ?, 'Words', DATE '2026-03-10')",
                [comment_id, comment_id, question],
            )
            cur.execute(
                "INSERT INTO comment_analysis (comment_id, label, score, mixed, drivers,"
                " analyser_version, analysed_at, session_id)"
                " VALUES (?, 'neutral', 0, FALSE, '', 'v', TIMESTAMP '2026-03-10', 7)",
                [comment_id],
            )
            cur.execute(
                "INSERT INTO comment_themes (comment_id, theme_id, evidence, label, score,"
                " session_id) VALUES (?, 'tech', 'wifi', 'neutral', 0, 7)",
                [comment_id],
            )
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS)
    assert store.migrate(database) == ["016_followup_analyses_apart"]
    with database.reading() as cur:
        for table in ("comment_analysis", "comment_themes"):
            marked = cur.execute(f"SELECT comment_id, followup FROM {table} ORDER BY 1").fetchall()
            assert marked == [(1, False), (2, True), (3, True)]
    database.close()
