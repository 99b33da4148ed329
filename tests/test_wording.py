"""Readings never contradict their numbers: every one-line reading, fed equal, near-equal and
clearly different figures, says "about the same" unless the numbers can show a difference."""

import re
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import planning, reports, store, trends
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.wording import (
    HIGHER,
    LOWER,
    SAME,
    compare_change,
    compare_means,
    compare_shares,
    plural,
    spread_of_counts,
)
from tests.conftest import make_session, session_draft

CLAIMS = re.compile(r"\b(higher|lower|rose|fell|went up|went down|largest|most often)\b")


def test_plural_counts_one_and_many():
    assert plural(1, "comment") == "1 comment"
    assert plural(0, "comment") == "0 comments"
    assert plural(2, "response") == "2 responses"
    assert plural(1204, "response") == "1,204 responses"
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"


def test_means_equal_or_equal_when_shown_are_about_the_same():
    assert compare_means((3.6, 500, 0.1), (3.6, 500, 0.1)) == SAME
    # 3.64 and 3.58 both read 3.6, however many answered.
    assert compare_means((3.64, 10_000, 0.1), (3.58, 10_000, 0.1)) == SAME


def test_means_a_shown_difference_within_the_noise_is_about_the_same():
    # 4.0 against 3.6 from 5 answers each, spread 1: the standard error is 0.63.
    assert compare_means((4.0, 5, 1.0), (3.6, 5, 1.0)) == SAME
    assert compare_means((4.0, 500, 1.0), (3.6, 500, 1.0)) == HIGHER
    assert compare_means((3.6, 500, 1.0), (4.0, 500, 1.0)) == LOWER


def test_means_without_a_known_spread_claim_nothing():
    assert compare_means((4.5, 1, None), (2.0, 1, None)) == SAME
    assert compare_means((4.5, 50, float("nan")), (2.0, 50, 0.5)) == SAME


def test_shares_and_paired_changes_follow_the_same_rule():
    assert compare_shares((50, 100), (50, 100)) == SAME
    assert compare_shares((501, 1000), (499, 1000)) == SAME  # 50% and 50% shown
    assert compare_shares((6, 10), (4, 10)) == SAME  # 60% against 40% of 10 is noise
    assert compare_shares((600, 1000), (400, 1000)) == HIGHER
    assert compare_shares((0, 0), (3, 10)) == SAME
    assert compare_change(3.2, 3.24, 400, 0.5) == SAME
    assert compare_change(3.2, 3.5, 4, 1.5) == SAME
    assert compare_change(3.2, 3.9, 40, 1.0) == HIGHER
    assert compare_change(3.9, 3.2, 40, 1.0) == LOWER


def test_spread_of_counts():
    mean, n, sd = spread_of_counts({1: 1, 3: 1})
    assert (mean, n) == (2, 2) and sd == pytest.approx(2**0.5)
    assert spread_of_counts({}) == (0.0, 0, None)
    assert spread_of_counts({4: 1})[2] is None


def _co_delivery(yes: float, no: float, n: int, sd: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "co_delivered": [True, False],
            "sessions": [3, 3],
            "responses": [n, n],
            "mean_rating": [yes, no],
            "rating_sd": [sd, sd],
            "mean_uplift": [0.5, 0.5],
            "wanted_more_why": [0.2, 0.2],
        }
    )


def test_the_co_delivery_reading_never_calls_3_6_higher_than_3_6():
    for yes, no in ((3.6, 3.6), (3.64, 3.58), (3.61, 3.6)):
        reading = trends.co_delivery(_co_delivery(yes, no, 200, 0.9)).reading
        assert "about the same" in reading and not CLAIMS.search(reading), reading
        assert "3.6 against 3.6" in reading
    noisy = trends.co_delivery(_co_delivery(4.0, 3.6, 6, 1.2)).reading
    assert "about the same" in noisy
    clear = trends.co_delivery(_co_delivery(4.4, 3.6, 200, 0.9)).reading
    assert clear.startswith("Co-delivered sessions were rated higher: 4.4 against 3.6")


@settings(deadline=None)
@given(
    yes=st.floats(1, 5),
    no=st.floats(1, 5),
    n=st.integers(5, 2000),
    sd=st.floats(0.01, 2),
)
def test_the_co_delivery_reading_agrees_with_its_own_figures(yes, no, n, sd):
    reading = trends.co_delivery(_co_delivery(yes, no, n, sd)).reading
    first, second = (float(x) for x in re.findall(r"(\d\.\d) against (\d\.\d)", reading)[0])
    if "higher" in reading:
        assert first > second
    elif "lower" in reading:
        assert first < second
    else:
        assert "about the same" in reading
    if first == second:
        assert "about the same" in reading


def _months(ratings: list[float], n: int, sd: float) -> pd.DataFrame:
    months = pd.date_range("2026-01-01", periods=len(ratings), freq="MS")
    return pd.DataFrame({"month": months, "responses": n, "mean_rating": ratings, "rating_sd": sd})


def test_the_rating_reading():
    sentiment = pd.DataFrame(columns=["month", "label", "comments"])
    for ratings in ([4.1, 4.1], [4.12, 4.08, 4.14], [4.0, 3.5, 4.04]):
        reading = trends.rating_and_sentiment(_months(ratings, 300, 0.8), sentiment).reading
        assert "about the same" in reading and not CLAIMS.search(reading), reading
    noisy = trends.rating_and_sentiment(_months([3.6, 4.0], 5, 1.1), sentiment).reading
    assert "about the same" in noisy
    up = trends.rating_and_sentiment(_months([3.6, 4.3], 300, 0.8), sentiment).reading
    assert up.startswith("The mean rating went up from 3.6 (Jan 2026) to 4.3 (Feb 2026)")
    down = trends.rating_and_sentiment(_months([4.3, 3.6], 300, 0.8), sentiment).reading
    assert "went down" in down
    one = trends.rating_and_sentiment(_months([4.2], 300, 0.8), sentiment).reading
    assert not CLAIMS.search(one) and "4.2" in one


def _levels(before: dict[int, int], after: dict[int, int]) -> pd.DataFrame:
    rows = [(level, "before", k) for level, k in before.items()]
    rows += [(level, "after", k) for level, k in after.items()]
    return pd.DataFrame(rows, columns=["level", "moment", "responses"])


def test_the_confidence_reading():
    same = trends.confidence(_levels({2: 20, 4: 20}, {2: 20, 4: 20})).reading
    assert "about the same before (3.0) and after (3.0)" in same
    near = trends.confidence(_levels({2: 20, 4: 20}, {2: 19, 4: 21})).reading
    assert "about the same" in near and not CLAIMS.search(near)
    rose = trends.confidence(_levels({2: 30, 3: 10}, {4: 30, 5: 10})).reading
    assert rose == "Mean confidence rose from 2.2 before to 4.2 after the sessions."
    fell = trends.confidence(_levels({4: 30, 5: 10}, {2: 30, 3: 10})).reading
    assert fell.startswith("Mean confidence fell")


def _themes(tagged: dict[str, int], negative: dict[str, int], comments: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": pd.Timestamp("2026-01-01"),
            "theme_id": list(tagged),
            "tagged": list(tagged.values()),
            "negative": [negative[t] for t in tagged],
            "comments": comments,
        }
    )


def test_the_theme_reading_names_themes_it_cannot_tell_apart_together():
    names = {"pace": "Pace", "tech": "Technology", "venue": "Venue"}
    tied = trends.theme_heatmap(
        _themes({"pace": 40, "tech": 40, "venue": 10}, {"pace": 10, "tech": 10, "venue": 10}, 200),
        names,
    ).reading
    assert tied == (
        "'Pace' and 'Technology' come up about as often as each other;"
        " 'Venue' draws the largest share of criticism."
    )
    # 10 of 40 against 9 of 40 critical: about the same.
    both = trends.theme_heatmap(
        _themes({"pace": 40, "tech": 40}, {"pace": 10, "tech": 9}, 80), names
    ).reading
    assert "'Pace' and 'Technology' draw about the same share of criticism" in both
    near = trends.theme_heatmap(
        _themes({"pace": 41, "tech": 40, "venue": 5}, {"pace": 1, "tech": 1, "venue": 0}, 200),
        names,
    ).reading
    assert "about as often" in near and "most often" not in near
    clear = trends.theme_heatmap(
        _themes({"pace": 90, "tech": 20, "venue": 5}, {"pace": 60, "tech": 1, "venue": 0}, 200),
        names,
    ).reading
    assert clear == "'Pace' comes up most often; 'Pace' draws the largest share of criticism."
    calm = trends.theme_heatmap(
        _themes({"pace": 90, "tech": 20}, {"pace": 0, "tech": 0}, 200), names
    ).reading
    assert calm.endswith("none draws criticism.")


def _types(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": pd.Timestamp("2026-01-01"),
            "councillor_type": list(counts),
            "responses": list(counts.values()),
        }
    )


def test_the_type_reading():
    tied = trends.type_mix(_types({"sceptic": 30, "cautious": 30, "evangelist": 5})).reading
    assert "about as large as each other" in tied and "46% and 46%" in tied
    near = trends.type_mix(_types({"sceptic": 31, "cautious": 30, "evangelist": 5})).reading
    assert "about as large" in near
    clear = trends.type_mix(_types({"sceptic": 80, "cautious": 10, "evangelist": 10})).reading
    assert clear.endswith("is the largest group overall (80% of answers).")


def test_the_hands_on_reading():
    same = trends.hands_on_reading({"under a third": (20, 100), "over half": (20, 100)})
    assert same.startswith("About the same share") and "20%" in same
    near = trends.hands_on_reading({"under a third": (21, 100), "over half": (19, 100)})
    assert near.startswith("About the same share")
    clear = trends.hands_on_reading({"under a third": (60, 100), "over half": (10, 100)})
    assert clear == (
        "Where sessions planned under a third hands-on, 60% still wanted more of the how;"
        " where they planned over half, 10% did."
    )


def test_the_lessons_reading_counts_in_words():
    frame = pd.DataFrame(
        {"month": [pd.Timestamp("2026-01-01")], "status": ["validated"], "lessons": [1]}
    )
    assert trends.lessons_over_time(frame).reading == (
        "At the latest month, 1 of 1 lesson was validated or archived."
    )


def _summary(before: float, after: float, pairs: int, sd: float) -> store.FeedbackSummary:
    return store.FeedbackSummary(
        responses=pairs, expected=None, rating_counts={}, mean_rating=4.0, mean_usefulness=None,
        confidence_pairs=pairs, mean_confidence_before=before, mean_confidence_after=after,
        share_gained_confidence=0.4, balance_counts={}, length_counts={}, type_counts={},
        sentiment_counts={}, comments=0, themes=(), sd_confidence_change=sd,
    )  # fmt: skip


def test_the_report_confidence_sentence():
    for before, after in ((3.2, 3.2), (3.21, 3.24)):
        sentence = reports.confidence_sentence(_summary(before, after, 300, 0.7))
        assert "about the same" in sentence and not CLAIMS.search(sentence), sentence
    assert "about the same" in reports.confidence_sentence(_summary(3.0, 3.4, 5, 1.2))
    assert reports.confidence_sentence(_summary(2.5, 3.9, 60, 1.0)).startswith(
        "Their confidence in using social media rose from 2.5 to 3.9"
    )


def test_the_plan_suggestion_moves_only_for_a_demand_it_can_show(db):
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
        for i, said in enumerate(["more_how"] * 3 + ["more_why"] * 3 + ["about_right"] * 2):
            answer = FeedbackAnswer(overall_rating=3, balance=said)
            submit_feedback(db, past.id, answer, f"p{n}-{i}")
    start = session_draft().starts_at + timedelta(days=30)
    later = make_session(db, starts_at=start, ends_at=start + timedelta(hours=2))
    with db.reading() as cur:
        balance = planning.plan_evidence(cur, later, store.all_sessions(cur)).balance
    assert balance.enough and balance.suggested_share == pytest.approx(0.5)
    assert "no change" in balance.message and "more hands-on" not in balance.message


NOUNS = (
    "comments|responses|sessions|lessons|answers|rows|themes|cards|items|councils|phrases"
    "|accounts|files|backups|days|minutes|hours|seconds|attempts|changes|records|corrections"
    "|requests|reflections|plans|tables|groups|months|weeks|examples|duplicates"
)
# A count put straight before a plural noun in an f-string: "{n} comments" reads "1 comments".
COUNT_THEN_NOUN = re.compile(r"\{(?![A-Z_]+[}:])[^{}]+\} (?:" + NOUNS + r")\b")


def test_no_count_is_written_before_a_plural_noun_without_plural():
    root = Path(__file__).resolve().parents[1]
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted([*(root / "lessons").rglob("*.py"), *(root / "pages").glob("*.py")])
        if path.name not in {"demo_content.py"}
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if COUNT_THEN_NOUN.search(line)
        and not line.rstrip().endswith("# always many")
        and 't("{count}' not in line  # translated: one message per number (privacy_notice)
    ]
    assert not found, "\n".join(found)
