"""Chart builders: each takes a DataFrame and returns a Plotly figure; pages only show them.

Every chart's numbers are the DataFrame it was built from, so a page can offer
them as a table (for screen readers, and for anyone who wants the figures).
Pure: the frames are built from plain counts and means, never from store rows.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from lessons.choices import RATING_LABELS

SENTIMENT_COLOURS = {"positive": "#2e7d32", "neutral": "#9e9e9e", "negative": "#c62828"}
BRAND = "#0b5563"
_LAYOUT = dict(
    margin=dict(l=10, r=10, t=40, b=10),
    height=300,
    font=dict(size=13),
    plot_bgcolor="white",
    legend=dict(orientation="h", y=-0.2),
)
# How every chart is shown, in the app and in the offline report: no toolbar (on a phone it
# covers the chart's title), no logo, and as wide as the screen it is on.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}
# A label longer than this is broken onto lines, so a phone keeps room for the chart.
LABEL_CHARACTERS = 16


def label_axes(figure: go.Figure, x: str, y: str) -> go.Figure:
    """Name both axes, and let the margins grow to fit the labels, so nothing is cut off."""
    figure.update_layout(
        xaxis=dict(title=dict(text=x), automargin=True),
        yaxis=dict(title=dict(text=y), automargin=True),
    )
    return figure


def short_lines(text: str, width: int = LABEL_CHARACTERS) -> str:
    """Typed text as a Plotly label (escaped: see plotly_label) broken onto short lines."""
    lines = textwrap.wrap(str(text), width, break_long_words=False) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def counts_frame(counts: Mapping, labels: Mapping, column: str = "Answer") -> pd.DataFrame:
    """Counts in the order of `labels` (every answer shown, zeros included), with shares."""
    rows = [(labels[key], int(counts.get(key, 0))) for key in labels]
    frame = pd.DataFrame(rows, columns=[column, "Responses"])
    total = frame["Responses"].sum()
    frame["Share"] = (frame["Responses"] / total).round(3) if total else 0.0
    return frame


def rating_frame(rating_counts: Mapping[int, int]) -> pd.DataFrame:
    labels = {n: f"{n} {RATING_LABELS[n]}" for n in RATING_LABELS}
    return counts_frame(rating_counts, labels, "Rating")


def bar_chart(frame: pd.DataFrame, title: str, horizontal: bool = False) -> go.Figure:
    """A single-series bar chart of the first column against Responses."""
    label_column = frame.columns[0]
    bar = (
        go.Bar(
            y=[short_lines(label) for label in frame[label_column]],
            x=frame["Responses"],
            orientation="h",
            marker_color=BRAND,
        )
        if horizontal
        else go.Bar(x=frame[label_column], y=frame["Responses"], marker_color=BRAND)
    )
    figure = go.Figure(bar)
    figure.update_layout(title=title, **_LAYOUT)
    if horizontal:
        figure.update_yaxes(autorange="reversed")
        return label_axes(figure, "Responses", str(label_column))
    return label_axes(figure, str(label_column), "Responses")


def confidence_frame(before: float | None, after: float | None, pairs: int) -> pd.DataFrame:
    """Mean confidence before and after, from the `pairs` who answered both."""
    return pd.DataFrame(
        {
            "When": ["Before the session", "After the session"],
            "Mean confidence (1-5)": [round(before or 0, 2), round(after or 0, 2)],
            "Responses": [pairs, pairs],
        }
    )


def confidence_chart(frame: pd.DataFrame) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=frame["When"],
            y=frame["Mean confidence (1-5)"],
            marker_color=["#9fb8bd", BRAND],
            text=frame["Mean confidence (1-5)"],
            textposition="outside",
        )
    )
    figure.update_layout(title="Confidence before and after (mean, 1-5)", **_LAYOUT)
    figure.update_yaxes(range=[0, 5.5])
    return label_axes(figure, "", "Mean confidence (1-5)")


def sentiment_frame(counts: Mapping[str, int]) -> pd.DataFrame:
    return counts_frame(counts, {k: k.capitalize() for k in SENTIMENT_COLOURS}, "Sentiment")


def sentiment_chart(frame: pd.DataFrame) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=frame["Sentiment"],
            y=frame["Responses"],
            marker_color=list(SENTIMENT_COLOURS.values()),
        )
    )
    figure.update_layout(title="Comments by sentiment", **_LAYOUT)
    return label_axes(figure, "Sentiment", "Comments")


def themes_frame(themes: Iterable[tuple[str, int, int, int]]) -> pd.DataFrame:
    """(theme name, comments, positive, negative) for each theme, in the order given."""
    rows = [
        {
            "Theme": name,
            "Comments": comments,
            "Positive": positive,
            "Negative": negative,
            "Neutral": comments - positive - negative,
        }
        for name, comments, positive, negative in themes
    ]
    return pd.DataFrame(rows, columns=["Theme", "Comments", "Positive", "Neutral", "Negative"])


def themes_chart(frame: pd.DataFrame) -> go.Figure:
    figure = go.Figure(
        [
            go.Bar(
                y=[short_lines(name) for name in frame["Theme"]],
                x=frame[label.capitalize()],
                name=label.capitalize(),
                orientation="h",
                marker_color=colour,
            )
            for label, colour in SENTIMENT_COLOURS.items()
        ]
    )
    figure.update_layout(barmode="stack", title="Themes by sentiment of their comments", **_LAYOUT)
    figure.update_layout(height=max(300, 80 + 36 * len(frame)))
    figure.update_yaxes(autorange="reversed")
    return label_axes(figure, "Comments", "Theme")
