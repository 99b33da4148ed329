"""Trends for programme leads: each chart built from a store aggregate, with a one-line
reading in plain English and its numbers as a table. Groups of fewer than MIN_GROUP_SIZE
responses (or comments) are suppressed, so no one's answers can be picked out; each chart
counts the groups it hid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from lessons import followup, store
from lessons.anonymity import enough
from lessons.charts import BRAND, SENTIMENT_COLOURS, label_axes, short_lines
from lessons.choices import (
    BALANCE_CHOICES,
    COUNCILLOR_TYPE_SHORT,
    LENGTH_CHOICES,
    MIN_GROUP_SIZE,
    STATUSES,
)
from lessons.wording import (
    HIGHER,
    SAME,
    compare_means,
    compare_shares,
    plural,
    spread_of_counts,
)

_LAYOUT = dict(
    margin=dict(l=10, r=10, t=30, b=10),
    height=360,
    font=dict(size=13),
    plot_bgcolor="white",
    # Above the chart: below it, the legend would sit on the axis' name.
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
)


@dataclass(frozen=True)
class TrendChart:
    key: str
    title: str
    reading: str
    figure: go.Figure | None  # None when everything was suppressed
    table: pd.DataFrame
    suppressed: int  # groups hidden for having fewer than MIN_GROUP_SIZE


def _empty(key: str, title: str, reading: str) -> TrendChart:
    return TrendChart(key, title, reading, None, pd.DataFrame(), 0)


def _month(frame: pd.DataFrame, column: str = "month") -> pd.Series:
    return pd.to_datetime(frame[column]).dt.strftime("%b %Y")


def rating_and_sentiment(monthly: pd.DataFrame, sentiment: pd.DataFrame) -> TrendChart:
    """Mean rating per month (bars hidden below MIN_GROUP_SIZE) and the share of critical
    comments."""
    key, title = "rating", "Rating and sentiment over time"
    if monthly.empty:
        return _empty(key, title, "No feedback in this selection.")
    shown = monthly[monthly["responses"] >= MIN_GROUP_SIZE].copy()
    suppressed = len(monthly) - len(shown)
    totals = sentiment.groupby("month")["comments"].sum()
    negative = sentiment[sentiment["label"] == "negative"].set_index("month")["comments"]
    shown["negative_share"] = [
        (negative.get(m, 0) / totals[m]) if totals.get(m, 0) >= MIN_GROUP_SIZE else None
        for m in shown["month"]
    ]
    table = pd.DataFrame(
        {
            "Month": _month(shown),
            "Responses": shown["responses"].astype(int),
            "Mean rating": shown["mean_rating"].round(2),
            "Critical comments": (shown["negative_share"].astype(float) * 100).round(0),
        }
    )
    if table.empty:
        return TrendChart(
            key,
            title,
            f"Every month had fewer than {MIN_GROUP_SIZE} responses.",
            None,
            table,
            suppressed,
        )
    figure = go.Figure()
    figure.add_bar(
        x=table["Month"], y=table["Mean rating"], name="Mean rating (1-5)", marker_color=BRAND
    )
    figure.add_scatter(
        x=table["Month"],
        y=table["Critical comments"],
        name="Critical comments (%)",
        yaxis="y2",
        mode="lines+markers",
        line=dict(color=SENTIMENT_COLOURS["negative"]),
    )
    figure.update_layout(
        yaxis=dict(range=[0, 5]),
        yaxis2=dict(
            title="% critical", overlaying="y", side="right", range=[0, 100], automargin=True
        ),
        **_LAYOUT,
    )
    label_axes(figure, "Month", "Mean rating (1-5)")
    reading = rating_reading(shown)
    return TrendChart(key, title, reading, figure, table, suppressed)


def rating_reading(shown: pd.DataFrame) -> str:
    """The first month shown against the last: up, down or about the same (lessons.wording)."""
    first, last = shown.iloc[0], shown.iloc[-1]
    first_month, last_month = (pd.Timestamp(m).strftime("%b %Y") for m in (first.month, last.month))
    if len(shown) == 1:
        return f"One month to show: a mean rating of {first.mean_rating:.1f} ({first_month})."
    sides = [(row.mean_rating, int(row.responses), row.get("rating_sd")) for row in (last, first)]
    change = compare_means(sides[0], sides[1])
    if change == SAME:
        return (
            f"The mean rating stayed about the same: {first.mean_rating:.1f} ({first_month})"
            f" and {last.mean_rating:.1f} ({last_month})."
        )
    direction = "up" if change == HIGHER else "down"
    return (
        f"The mean rating went {direction} from {first.mean_rating:.1f} ({first_month}) to"
        f" {last.mean_rating:.1f} ({last_month})."
    )


def theme_heatmap(themes: pd.DataFrame, names: Mapping[str, str]) -> TrendChart:
    """Share of each month's comments tagged with each theme; hover shows how many were critical."""
    key, title = "themes", "Themes by month (share of the day's comments)"
    if themes.empty:
        return _empty(key, title, "No tagged comments in this selection.")
    frame = themes[themes["comments"] >= MIN_GROUP_SIZE].copy()
    suppressed = themes["month"].nunique() - frame["month"].nunique()
    if frame.empty:
        return TrendChart(
            key,
            title,
            f"Every month had fewer than {MIN_GROUP_SIZE} comments.",
            None,
            pd.DataFrame(),
            suppressed,
        )
    frame["share"] = frame["tagged"] / frame["comments"] * 100
    frame["critical"] = frame["negative"] / frame["tagged"] * 100
    frame["Month"] = _month(frame)
    frame["Theme"] = [names.get(t, t) for t in frame["theme_id"]]
    share = frame.pivot_table(index="Theme", columns="month", values="share", fill_value=0)
    critical = frame.pivot_table(index="Theme", columns="month", values="critical", fill_value=0)
    months = [pd.Timestamp(m).strftime("%b %Y") for m in share.columns]
    figure = go.Figure(
        go.Heatmap(
            z=share.values.round(0),
            x=months,
            y=[short_lines(name) for name in share.index],
            customdata=critical.values.round(0),
            colorscale="Teal",
            # Across the top: at the side, it would take a phone's width from the months.
            colorbar=dict(
                title=dict(text="% of comments", side="top"),
                orientation="h",
                yanchor="bottom",
                y=1.02,
                x=1,
                xanchor="right",
                len=0.5,
                thickness=12,
            ),
            hovertemplate="%{y}, %{x}: %{z}% of comments, %{customdata}% of them critical"
            "<extra></extra>",
        )
    )
    figure.update_layout(
        **{
            **_LAYOUT,
            "height": max(360, 160 + 44 * len(share.index)),
            "margin": dict(l=10, r=10, t=70, b=10),  # room for the colour bar above
        }
    )
    label_axes(figure, "Month", "Theme")
    overall = frame.groupby("Theme")[["tagged", "negative"]].sum()
    reading = theme_reading(overall, int(frame.groupby("month")["comments"].first().sum()))
    table = frame[["Month", "Theme", "tagged", "negative", "comments"]].rename(
        columns={"tagged": "Comments on theme", "negative": "Critical", "comments": "All comments"}
    )
    return TrendChart(key, title, reading, figure, table.reset_index(drop=True), suppressed)


def _leaders(shares: list[tuple[str, int, int]]) -> list[str]:
    """The names whose share (count, out of) the numbers cannot tell apart from the largest,
    largest first."""
    ranked = sorted(shares, key=lambda s: (-(s[1] / s[2] if s[2] else 0), s[0]))
    top = ranked[0]
    return [top[0]] + [
        name
        for name, count, out_of in ranked[1:]
        if compare_shares(top[1:], (count, out_of)) == SAME
    ]


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _named(names: list[str]) -> str:
    return _listed([f"'{name}'" for name in names])


def theme_reading(overall: pd.DataFrame, comments: int) -> str:
    """Which theme comes up most often and which draws the largest share of criticism; themes
    the numbers cannot tell apart are named together (lessons.wording)."""
    often = _leaders([(str(t), int(r.tagged), comments) for t, r in overall.iterrows()])
    if len(often) > 3:
        first = "no theme comes up clearly more often than the rest"
    elif len(often) > 1:
        first = f"{_named(often)} come up about as often as each other"
    else:
        first = f"{_named(often)} comes up most often"
    if not overall["negative"].sum():
        return f"{first[0].upper()}{first[1:]}; none draws criticism."
    critical = _leaders([(str(t), int(r.negative), int(r.tagged)) for t, r in overall.iterrows()])
    if len(critical) > 3:
        second = "no theme draws clearly more criticism than the rest"
    elif len(critical) > 1:
        second = f"{_named(critical)} draw about the same share of criticism"
    else:
        second = f"{_named(critical)} draws the largest share of criticism"
    return f"{first[0].upper()}{first[1:]}; {second}."


def confidence(levels: pd.DataFrame) -> TrendChart:
    key, title = "confidence", "Confidence before and after"
    if levels.empty:
        return _empty(key, title, "No confidence answers in this selection.")
    pivot = levels.pivot_table(index="level", columns="moment", values="responses", fill_value=0)
    pivot = pivot.reindex(range(1, 6), fill_value=0)
    table = pd.DataFrame(
        {
            "Confidence (1-5)": pivot.index,
            "Before": pivot.get("before", 0),
            "After": pivot.get("after", 0),
        }
    ).reset_index(drop=True)
    if table[["Before", "After"]].to_numpy().sum() < MIN_GROUP_SIZE:
        return TrendChart(
            key, title, f"Fewer than {MIN_GROUP_SIZE} confidence answers.", None, pd.DataFrame(), 1
        )
    figure = go.Figure(
        [
            go.Bar(
                x=table["Confidence (1-5)"],
                y=table["Before"],
                name="Before",
                marker_color="#9fb8bd",
            ),
            go.Bar(x=table["Confidence (1-5)"], y=table["After"], name="After", marker_color=BRAND),
        ]
    )
    figure.update_layout(barmode="group", **_LAYOUT)
    label_axes(figure, "Confidence (1 = not at all, 5 = very)", "Responses")
    figure.update_xaxes(dtick=1)
    return TrendChart(key, title, confidence_reading(table), figure, table, 0)


def confidence_reading(table: pd.DataFrame) -> str:
    """Mean confidence before and after, from the answers at each level (lessons.wording)."""
    levels = table["Confidence (1-5)"]
    before = spread_of_counts(dict(zip(levels, table["Before"], strict=True)))
    after = spread_of_counts(dict(zip(levels, table["After"], strict=True)))
    change = compare_means(after, before)
    if change == SAME:
        return (
            f"Mean confidence was about the same before ({before[0]:.1f}) and after"
            f" ({after[0]:.1f}) the sessions."
        )
    verb = "rose" if change == HIGHER else "fell"
    return (
        f"Mean confidence {verb} from {before[0]:.1f} before to {after[0]:.1f} after the sessions."
    )


def type_mix(types: pd.DataFrame) -> TrendChart:
    key, title = "types", "Councillor types over time (by quarter)"
    if types.empty:
        return _empty(key, title, "No one described themselves in this selection.")
    totals = types.groupby("quarter")["responses"].sum()
    keep = totals[totals >= MIN_GROUP_SIZE].index
    frame = types[types["quarter"].isin(keep)].copy()
    suppressed = len(totals) - len(keep)
    if frame.empty:
        return TrendChart(
            key,
            title,
            f"Every quarter had fewer than {MIN_GROUP_SIZE} answers.",
            None,
            pd.DataFrame(),
            suppressed,
        )
    frame["Quarter"] = [
        f"{q.year} Q{(q.month - 1) // 3 + 1}" for q in pd.to_datetime(frame["quarter"])
    ]
    frame["share"] = frame["responses"] / frame["quarter"].map(totals) * 100
    figure = go.Figure(
        [
            go.Bar(
                x=frame[frame["councillor_type"] == t]["Quarter"],
                y=frame[frame["councillor_type"] == t]["share"].round(0),
                name=label,
            )
            for t, label in COUNCILLOR_TYPE_SHORT.items()
        ]
    )
    figure.update_layout(barmode="stack", **_LAYOUT)
    label_axes(figure, "Quarter", "% of answers")
    # Traces each hold only their own quarters: keep the axis in time order.
    figure.update_xaxes(categoryorder="array", categoryarray=sorted(set(frame["Quarter"])))
    reading = type_reading(frame.groupby("councillor_type")["responses"].sum())
    table = frame.assign(Type=[COUNCILLOR_TYPE_SHORT.get(t, t) for t in frame["councillor_type"]])[
        ["Quarter", "Type", "responses"]
    ].rename(columns={"responses": "Responses"})
    return TrendChart(key, title, reading, figure, table.reset_index(drop=True), suppressed)


def type_reading(overall: pd.Series) -> str:
    """The largest group of councillor types, or the groups the numbers cannot tell apart."""
    total = int(overall.sum())
    shares = [(COUNCILLOR_TYPE_SHORT.get(t, t), int(n), total) for t, n in overall.items()]
    largest = _leaders(shares)
    share = overall.max() / total
    if len(largest) == 1:
        return f"'{largest[0]}' is the largest group overall ({share:.0%} of answers)."
    if len(largest) > 3:
        return "No group is clearly larger than the others."
    counted = {name: n for name, n, _ in shares}
    each = _listed([f"{counted[name] / total:.0%}" for name in largest])
    return (
        f"{_named(largest)} are about as large as each other, the largest groups overall"
        f" ({each} of answers)."
    )


def answers_by_hands_on(answers: pd.DataFrame) -> TrendChart:
    """Balance and length answers against the planned share of hands-on minutes."""
    key, title = "hands_on", "Balance and length answers by planned hands-on time"
    if answers.empty:
        return _empty(key, title, "No balance or length answers in this selection.")
    bands = [label for _, _, label in store.HANDS_ON_BANDS]
    totals = answers.groupby(["band", "question"])["responses"].sum()
    pairs = zip(answers["band"], answers["question"], strict=True)
    keep = answers[[totals.get(pair, 0) >= MIN_GROUP_SIZE for pair in pairs]]
    suppressed = int((totals < MIN_GROUP_SIZE).sum())
    if keep.empty:
        return TrendChart(
            key,
            title,
            f"Every band had fewer than {MIN_GROUP_SIZE} answers.",
            None,
            pd.DataFrame(),
            suppressed,
        )
    keep = keep.copy()
    keep["share"] = [
        r / totals[(b, q)] * 100
        for r, b, q in zip(keep["responses"], keep["band"], keep["question"], strict=True)
    ]
    labels = {**BALANCE_CHOICES, **LENGTH_CHOICES}
    short = {
        "more_why": "More why",
        "more_how": "More how",
        "too_long": "Too long",
        "too_short": "Too short",
    }
    figure = go.Figure()
    for answer, colour in (("more_why", "#7b5ea7"), ("more_how", BRAND), ("too_long", "#c62828")):
        rows = keep[keep["answer"] == answer].set_index("band").reindex(bands)
        figure.add_bar(
            x=bands,
            y=rows["share"].round(0),
            name=f"% {short[answer].lower()}",
            marker_color=colour,
        )
    figure.update_layout(barmode="group", **_LAYOUT)
    label_axes(figure, "Planned hands-on share of the session", "% of answers")
    how = keep[keep["answer"] == "more_how"].set_index("band")
    reading = hands_on_reading(
        {
            str(band): (int(row.responses), int(totals[(band, "balance")]))
            for band, row in how.iterrows()
        }
    )
    table = keep.assign(Answer=[labels.get(a, a) for a in keep["answer"]])[
        ["band", "question", "Answer", "responses"]
    ].rename(columns={"band": "Planned hands-on", "question": "Question", "responses": "Responses"})
    return TrendChart(key, title, reading, figure, table.reset_index(drop=True), suppressed)


def hands_on_reading(wanted_how: Mapping[str, tuple[int, int]]) -> str:
    """The planned hands-on bands where most and fewest still wanted more of the how (each
    band: answers wanting more how, out of its balance answers), or about the same."""
    if len(wanted_how) < 2:
        return "Too few bands with enough answers to compare."
    ranked = sorted(wanted_how.items(), key=lambda item: item[1][0] / item[1][1])
    (low, fewest), (high, most) = ranked[0], ranked[-1]
    low_share, high_share = (f"{x / n:.0%}" for x, n in (fewest, most))
    if compare_shares(most, fewest) == SAME:
        return (
            "About the same share still wanted more of the how whatever the hands-on time"
            f" planned ({low_share} where sessions planned {low}, {high_share} where they"
            f" planned {high})."
        )
    return (
        f"Where sessions planned {high} hands-on, {high_share} still wanted more of the how;"
        f" where they planned {low}, {low_share} did."
    )


def co_delivery(frame: pd.DataFrame) -> TrendChart:
    key, title = "co_delivery", "Co-delivered with councillors, or not"
    if frame.empty:
        return _empty(key, title, "No sessions in this selection.")
    shown = frame[frame["responses"] >= MIN_GROUP_SIZE]
    suppressed = len(frame) - len(shown)
    table = pd.DataFrame(
        {
            "Co-delivered": ["Yes" if c else "No" for c in shown["co_delivered"]],
            "Sessions": shown["sessions"].astype(int),
            "Responses": shown["responses"].astype(int),
            "Mean rating": shown["mean_rating"].round(2),
            "Mean confidence uplift": shown["mean_uplift"].round(2),
            "Wanted more why (%)": (shown["wanted_more_why"] * 100).round(0),
        }
    )
    if table.empty:
        return TrendChart(key, title, "Too few responses to compare.", None, table, suppressed)
    figure = go.Figure(
        [
            go.Bar(
                x=table["Co-delivered"],
                y=table["Mean rating"],
                name="Mean rating",
                marker_color=BRAND,
            ),
            go.Bar(
                x=table["Co-delivered"],
                y=table["Mean confidence uplift"],
                name="Mean uplift",
                marker_color="#9fb8bd",
            ),
        ]
    )
    figure.update_layout(barmode="group", **_LAYOUT)
    label_axes(figure, "Co-delivered with councillors", "Mean (rating 1-5; uplift in points)")
    reading = co_delivery_reading(shown)
    return TrendChart(key, title, reading, figure, table.reset_index(drop=True), suppressed)


def co_delivery_reading(shown: pd.DataFrame) -> str:
    """Co-delivered sessions' mean rating against the others': higher, lower or about the
    same (lessons.wording)."""
    if len(shown) != 2:
        return "Only one kind of session in this selection."
    yes = shown[shown["co_delivered"].astype(bool)].iloc[0]
    no = shown[~shown["co_delivered"].astype(bool)].iloc[0]
    sides = [(row.mean_rating, int(row.responses), row.get("rating_sd")) for row in (yes, no)]
    figures = (
        f"{yes.mean_rating:.1f} against {no.mean_rating:.1f}"
        f" ({plural(int(yes.responses), 'response')} and {plural(int(no.responses), 'response')})"
    )
    change = compare_means(sides[0], sides[1])
    if change == SAME:
        return f"Co-delivered sessions were rated about the same as the others: {figures}."
    better = "higher" if change == HIGHER else "lower"
    return f"Co-delivered sessions were rated {better}: {figures}."


def lessons_over_time(frame: pd.DataFrame) -> TrendChart:
    key, title = "lessons", "Lessons by status over time"
    if frame.empty:
        return _empty(key, title, "No lessons logged yet.")
    frame = frame.copy()
    frame["Month"] = _month(frame)
    figure = go.Figure(
        [
            go.Bar(
                x=frame[frame["status"] == s]["Month"],
                y=frame[frame["status"] == s]["lessons"],
                name=label,
            )
            for s, label in STATUSES.items()
        ]
    )
    figure.update_layout(barmode="stack", **_LAYOUT)
    label_axes(figure, "Month", "Lessons")
    months = sorted(set(frame["month"]))
    figure.update_xaxes(
        categoryorder="array", categoryarray=[pd.Timestamp(m).strftime("%b %Y") for m in months]
    )
    last = frame[frame["month"] == frame["month"].max()]
    proven = int(last[last["status"].isin(["validated", "archived"])]["lessons"].sum())
    total = int(last["lessons"].sum())
    reading = (
        f"At the latest month, {proven} of {plural(total, 'lesson')}"
        f" {'was' if total == 1 else 'were'} validated or archived."
    )
    table = frame.assign(Status=[STATUSES.get(s, s) for s in frame["status"]])[
        ["Month", "Status", "lessons"]
    ]
    return TrendChart(key, title, reading, figure, table.rename(columns={"lessons": "Lessons"}), 0)


def went_on_over_time(went: followup.WentOn) -> TrendChart:
    """The share of follow-up answers that did something since the session, by the month of
    the session (months with fewer than MIN_GROUP_SIZE follow-up answers hidden)."""
    key, title = "went_on_month", "Went on to use it, over time (follow-ups)"
    frame = went.by_month
    if frame.empty:
        return _empty(key, title, "No follow-up has enough answers to show yet.")
    table = pd.DataFrame(
        {
            "Month of session": _month(frame),
            "Follow-up answers": frame["responses"].astype(int),
            "Did something since": frame["did_something"].astype(int),
            "Went on to use it (%)": (frame["share"] * 100).round(0),
        }
    )
    figure = go.Figure(
        go.Scatter(
            x=table["Month of session"],
            y=table["Went on to use it (%)"],
            mode="lines+markers",
            name="Went on to use it",
            line=dict(color=BRAND, width=3),
        )
    )
    figure.update_layout(yaxis=dict(title="% of follow-up answers", range=[0, 100]), **_LAYOUT)
    label_axes(figure, "Month of session", "% of follow-up answers")
    answers, did = int(table["Follow-up answers"].sum()), int(table["Did something since"].sum())
    reading = (
        f"Of {answers} follow-up answers, {did} ({did / answers:.0%}) said they went on to do"
        " something with what they learnt (rather than 'nothing yet')."
    )
    return TrendChart(key, title, reading, figure, table, went.hidden_months)


def went_on_by_programme(went: followup.WentOn) -> TrendChart:
    key, title = "went_on_programme", "Went on to use it, by programme (follow-ups)"
    frame = went.by_programme
    if frame.empty:
        return _empty(key, title, "No programme's follow-ups have enough answers to show yet.")
    frame = frame.sort_values("share")
    table = pd.DataFrame(
        {
            "Programme": frame["programme"],
            "Follow-up answers": frame["responses"].astype(int),
            "Did something since": frame["did_something"].astype(int),
            "Went on to use it (%)": (frame["share"] * 100).round(0),
        }
    ).reset_index(drop=True)
    figure = go.Figure(
        go.Bar(
            x=table["Went on to use it (%)"],
            y=[short_lines(p) for p in table["Programme"]],
            orientation="h",
            marker_color=BRAND,
        )
    )
    figure.update_layout(xaxis=dict(title="% of follow-up answers", range=[0, 100]), **_LAYOUT)
    label_axes(figure, "% of follow-up answers", "Programme")
    best = table.iloc[-1]
    reading = (
        f"Highest in '{best['Programme']}': {best['Went on to use it (%)']:.0f}% of"
        f" {int(best['Follow-up answers'])} follow-up answers."
    )
    return TrendChart(key, title, reading, figure, table, went.hidden_programmes)


def all_charts(
    cur: store.Cursor, where: store.TrendFilter, names: Mapping[str, str]
) -> list[TrendChart]:
    """Every chart of the Trends page, for one filter."""
    return [
        rating_and_sentiment(
            store.trend_by_month(cur, where), store.trend_sentiment_by_month(cur, where)
        ),
        theme_heatmap(store.trend_theme_by_month(cur, where), names),
        confidence(store.trend_confidence(cur, where)),
        *_went_on_charts(followup.went_on(cur, where)),
        type_mix(store.trend_types_by_quarter(cur, where)),
        answers_by_hands_on(store.trend_answers_by_hands_on(cur, where)),
        co_delivery(store.trend_co_delivery(cur, where)),
        lessons_over_time(store.trend_lessons_by_status(cur)),
    ]


def _went_on_charts(went: followup.WentOn) -> list[TrendChart]:
    return [went_on_over_time(went), went_on_by_programme(went)]


@dataclass(frozen=True)
class TrendHeadline:
    """The headline figures as the anonymity rule allows them: a figure is None when it is
    hidden (too few responses, or comments, behind it) or unknown."""

    sessions: int
    responses: int
    comments: int
    response_rate: float | None
    mean_rating: float | None
    mean_uplift: float | None
    negative_share: float | None
    figures_hidden: bool  # fewer than MIN_GROUP_SIZE responses: no rating or uplift
    critical_hidden: bool  # fewer than MIN_GROUP_SIZE comments: no share of critical ones


def headline_shown(headline: store.Headline) -> TrendHeadline:
    figures = enough(headline.responses)
    critical = enough(headline.comments)
    return TrendHeadline(
        sessions=headline.sessions,
        responses=headline.responses,
        comments=headline.comments,
        response_rate=headline.response_rate,
        mean_rating=headline.mean_rating if figures else None,
        mean_uplift=headline.mean_uplift if figures else None,
        negative_share=headline.negative_share if critical else None,
        figures_hidden=not figures,
        critical_hidden=not critical,
    )


@dataclass(frozen=True)
class TrendOverview:
    headline: TrendHeadline
    charts: list[TrendChart]


def trend_overview(
    database: store.Database, where: store.TrendFilter, names: Mapping[str, str]
) -> TrendOverview:
    """The Trends page for one filter: the headline and every chart."""
    with database.reading() as cur:
        headline = headline_shown(store.trend_headline(cur, where))
        return TrendOverview(headline, all_charts(cur, where, names))


def data_version(database: store.Database) -> tuple[object, ...]:
    """Changes whenever anything the trends read changes (a cache key)."""
    with database.reading() as cur:
        return store.data_version(cur)


@dataclass(frozen=True)
class FilterChoices:
    """The values each trend filter can take, and the span of delivered sessions."""

    programme: list[str]
    council: list[str]
    facilitator: list[str]
    format: list[str]
    first: date | None
    last: date | None


def filter_choices(database: store.Database) -> FilterChoices:
    with database.reading() as cur:
        values = store.trend_choices(cur)
        first, last = store.trend_date_range(cur)
    return FilterChoices(
        values["programme"], values["council"], values["facilitator"], values["format"], first, last
    )
