"""Trends and reports: aggregates on constructed data, suppression, filters, the pages."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lessons import document, programme_report, store, trends
from lessons.auth import Actor
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.register import LessonDraft, create_lesson, move_lesson
from tests.conftest import ROOT, make_session, person, session_draft, signed_in

ME = Actor(1, "Me", "facilitator")


def session_on(db, day: date, **overrides):
    start = session_draft().starts_at.replace(year=day.year, month=day.month, day=day.day)
    return make_session(
        db, starts_at=start, ends_at=start + timedelta(hours=2), status="delivered", **overrides
    )


def answer(db, session, n, rating, **fields):
    for i in range(n):
        submit_feedback(
            db,
            session.id,
            FeedbackAnswer(overall_rating=rating, **fields),
            f"{session.id}-{rating}-{i}",
        )


@pytest.fixture
def programme(db):
    """Two councils; one co-delivered session in March, one plain one in April."""
    march = session_on(
        db, date(2026, 3, 10), council="Ashdale", councillor_facilitators=["Cllr Ruth Abbott"]
    )
    april = session_on(
        db,
        date(2026, 4, 14),
        council="Brackenmoor",
        councillor_facilitators=[],
        facilitators=["Sam Okafor"],
        context_minutes=90,
        hands_on_minutes=20,
    )
    answer(
        db,
        march,
        6,
        5,
        confidence_before=2,
        confidence_after=4,
        balance="about_right",
        went_well="Really useful and clear",
    )
    answer(
        db,
        april,
        6,
        2,
        confidence_before=3,
        confidence_after=3,
        balance="more_how",
        length="too_long",
        to_change="Far too long and the wifi did not work",
    )
    return march, april


def test_the_headline_follows_the_filters(db, programme):
    with db.reading() as cur:
        everything = store.trend_headline(cur, store.TrendFilter())
        ashdale = store.trend_headline(cur, store.TrendFilter(council="Ashdale"))
        not_co = store.trend_headline(cur, store.TrendFilter(co_delivered=False))
        tom = store.trend_headline(cur, store.TrendFilter(facilitator="Sam Okafor"))
        april_on = store.trend_headline(cur, store.TrendFilter(start=date(2026, 4, 1)))
    assert (everything.sessions, everything.responses, everything.mean_rating) == (2, 12, 3.5)
    assert (ashdale.sessions, ashdale.responses, ashdale.mean_rating, ashdale.mean_uplift) == (
        1,
        6,
        5,
        2,
    )
    assert not_co.mean_rating == 2 and tom.mean_rating == 2 and april_on.mean_rating == 2
    assert everything.response_rate == pytest.approx(12 / 24)
    assert ashdale.negative_share == 0 and not_co.negative_share == 1


def test_monthly_figures_and_the_rating_chart(db, programme):
    with db.reading() as cur:
        chart = trends.rating_and_sentiment(
            store.trend_by_month(cur, store.TrendFilter()),
            store.trend_sentiment_by_month(cur, store.TrendFilter()),
        )
    assert list(chart.table["Month"]) == ["Mar 2026", "Apr 2026"]
    assert list(chart.table["Mean rating"]) == [5.0, 2.0]
    assert list(chart.table["Critical comments"]) == [0.0, 100.0]
    assert chart.figure is not None and chart.figure.data[0].y.tolist() == [5.0, 2.0]
    assert "went down from 5.0 (Mar 2026) to 2.0 (Apr 2026)" in chart.reading


def test_small_groups_are_suppressed(db, programme):
    may = session_on(db, date(2026, 5, 12))
    answer(db, may, 4, 1, councillor_type="sceptic")
    with db.reading() as cur:
        chart = trends.rating_and_sentiment(
            store.trend_by_month(cur, store.TrendFilter()),
            store.trend_sentiment_by_month(cur, store.TrendFilter()),
        )
        types = trends.type_mix(store.trend_types_by_quarter(cur, store.TrendFilter()))
        may_only = store.trend_headline(cur, store.TrendFilter(start=date(2026, 5, 1)))
    assert "May 2026" not in list(chart.table["Month"]) and chart.suppressed == 1
    assert types.figure is None and types.suppressed == 1
    assert may_only.responses == 4  # the page hides figures below five; the store still counts


def test_answers_by_planned_hands_on_share(db, programme):
    with db.reading() as cur:
        frame = store.trend_answers_by_hands_on(cur, store.TrendFilter())
    chart = trends.answers_by_hands_on(frame)
    # March planned 70 of 110 minutes hands-on (64%); April 20 of 110 (18%).
    rows = {(r.band, r.answer): r.responses for r in frame.itertuples()}
    assert rows[("50-69%", "about_right")] == 6 and rows[("under 30%", "more_how")] == 6
    assert chart.figure is not None


def test_co_delivery_comparison(db, programme):
    with db.reading() as cur:
        chart = trends.co_delivery(store.trend_co_delivery(cur, store.TrendFilter()))
    assert list(chart.table["Co-delivered"]) == ["Yes", "No"]
    assert list(chart.table["Mean rating"]) == [5.0, 2.0]
    assert "rated higher: 5.0 against 2.0" in chart.reading


def test_theme_heatmap_shares(db, programme):
    with db.reading() as cur:
        chart = trends.theme_heatmap(
            store.trend_theme_by_month(cur, store.TrendFilter()), {"tech": "Tech"}
        )
    tech = chart.table[chart.table["Theme"] == "Tech"]
    assert list(tech["Month"]) == ["Apr 2026"]
    assert int(tech["Critical"].iloc[0]) == 6 and int(tech["All comments"].iloc[0]) == 6


def test_chart_builders_cope_with_nothing():
    empty = pd.DataFrame()
    assert trends.confidence(pd.DataFrame(columns=["moment", "level", "responses"])).figure is None
    assert trends.co_delivery(pd.DataFrame(columns=["co_delivered", "responses"])).figure is None
    assert trends.lessons_over_time(empty).figure is None


def test_the_report_honours_the_filter(db, programme):
    where = store.TrendFilter(council="Ashdale")
    with db.reading() as cur:
        headline = trends.headline_shown(store.trend_headline(cur, where))
        charts = trends.all_charts(cur, where, {})
    lessons = [document.Heading(1, document.inline("x"))]
    text = programme_report.report_markdown(
        "Ashdale report", where, headline, charts, lessons, date(2026, 6, 1)
    )
    page = programme_report.report_html(
        "Ashdale <report>", where, headline, charts, lessons, date(2026, 6, 1)
    )
    assert "council: Ashdale" in text and "- 6 responses" in text
    assert "| Month | Responses | Mean rating | Critical comments |" in text
    assert "Ashdale &lt;report&gt;" in page and "<script" in page  # plotly inlined once, offline
    assert page.count("plotly.js v") <= 2


def trends_page(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / name), default_timeout=120)


def test_the_trends_and_reports_pages_on_the_demo(demo_copy):
    db, _ = demo_copy(date(2026, 11, 25))
    joanne = person(db, "Joanne Whitaker")  # the programme lead
    at = signed_in(trends_page("trends.py"), joanne).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) >= 6
    assert any(m.label == "Responses" for m in at.metric)
    at = signed_in(trends_page("reports.py"), joanne).run()
    assert not at.exception
    at.button(key="reports_write").click().run()
    assert not at.exception
    assert len(at.get("download_button")) >= 2
    at.button(key="reports_prepare").click().run()
    assert not at.exception


def test_time_axes_stay_in_time_order_whatever_the_trace_order():
    frame = pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-04-01", "2025-04-01", "2025-05-01"]),
            "status": ["validated", "identified", "identified"],
            "lessons": [1, 2, 3],
        }
    )
    chart = trends.lessons_over_time(frame)
    assert chart.figure is not None
    assert list(chart.figure.layout.xaxis.categoryarray) == ["Apr 2025", "May 2025", "Apr 2026"]


def test_analysis_rows_carry_their_comments_session(db, programme):
    """The trends group analysis rows by the session stored beside them: it must be right."""
    with db.reading() as cur:
        wrong = cur.execute(
            "SELECT count(*) FROM comment_analysis a JOIN comments m ON m.id = a.comment_id"
            " WHERE a.session_id IS DISTINCT FROM m.session_id"
        ).fetchall()[0][0]
        wrong += cur.execute(
            "SELECT count(*) FROM comment_themes t JOIN comments m ON m.id = t.comment_id"
            " WHERE t.session_id IS DISTINCT FROM m.session_id"
        ).fetchall()[0][0]
        analysed = store.count_rows(cur, "comment_analysis")
    assert analysed == 12 and wrong == 0


def test_lessons_by_status_reads_the_status_columns_not_the_wording(db):
    lesson_id = create_lesson(db, LessonDraft(title="A lesson"), ME, now=datetime(2026, 1, 5))
    move_lesson(db, lesson_id, "identified", ME, now=datetime(2026, 2, 5))
    with db.transaction() as cur:
        # A move whose wording no regex would read: the columns say what happened.
        store.append_audit(
            cur, ME, "lesson", lesson_id, "status", "moved on", datetime(2026, 3, 5),
            from_status="identified", to_status="rejected",
        )  # fmt: skip
    with db.reading() as cur:
        frame = store.trend_lessons_by_status(cur)
    rows = [(m.strftime("%Y-%m"), s, n) for m, s, n in frame.itertuples(index=False)]
    assert rows == [("2026-01", "observed", 1), ("2026-02", "identified", 1),
                    ("2026-03", "rejected", 1)]  # fmt: skip
