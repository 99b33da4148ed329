"""The programme report for leads: self-contained HTML (charts work offline) and Markdown,
built from the same figures and charts as the Trends page, honouring its filters."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

import pandas as pd
import plotly.io as pio

from lessons import store
from lessons.anonymity import hidden_groups_note
from lessons.trends import TrendChart, TrendHeadline


def describe_filter(where: store.TrendFilter) -> str:
    parts = []
    if where.start and where.end:
        parts.append(f"sessions from {where.start:%-d %B %Y} to {where.end:%-d %B %Y}")
    for label, value in (
        ("programme", where.programme),
        ("council", where.council),
        ("facilitator", where.facilitator),
        ("format", where.format),
    ):
        if value:
            parts.append(f"{label}: {value}")
    if where.co_delivered is not None:
        parts.append("co-delivered with councillors" if where.co_delivered else "not co-delivered")
    return "; ".join(parts) or "all delivered sessions"


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (pipes in cells escaped)."""

    def cell(value: object) -> str:
        text = "" if value is None or value != value else str(value)  # NaN is not equal to itself
        return text.replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(" --- " for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def _headline_lines(headline: TrendHeadline) -> list[str]:
    """The figures the headline shows; the hidden ones are simply left out."""
    lines = [f"{headline.sessions} sessions", f"{headline.responses:,} responses"]
    if headline.response_rate is not None:
        lines.append(f"response rate {headline.response_rate:.0%}")
    if headline.mean_rating is not None:
        lines.append(f"mean rating {headline.mean_rating:.2f} out of 5")
    if headline.mean_uplift is not None:
        lines.append(f"mean confidence uplift {headline.mean_uplift:+.2f}")
    if headline.negative_share is not None:
        lines.append(f"{headline.negative_share:.0%} of {headline.comments:,} comments critical")
    return lines


def report_markdown(
    title: str,
    where: store.TrendFilter,
    headline: TrendHeadline,
    charts: Sequence[TrendChart],
    lessons_markdown: str,
    today: date,
) -> str:
    lines = [
        f"# {title}",
        "",
        f"_Covering {describe_filter(where)}. Written {today:%-d %B %Y}._",
        "",
    ]
    lines += ["## At a glance", ""] + [f"- {line}" for line in _headline_lines(headline)] + [""]
    for chart in charts:
        lines += [f"## {chart.title}", "", chart.reading, ""]
        if not chart.table.empty:
            lines += [markdown_table(chart.table), ""]
        if chart.suppressed:
            lines += [f"_{hidden_groups_note(chart.suppressed)}_", ""]
    body = (
        lessons_markdown.split("\n", 1)[1]
        if lessons_markdown.startswith("# ")
        else lessons_markdown
    )
    lines += ["## Lessons learnt", "", body.replace("\n## ", "\n### ")]
    return "\n".join(lines).rstrip() + "\n"


def report_html(
    title: str,
    where: store.TrendFilter,
    headline: TrendHeadline,
    charts: Sequence[TrendChart],
    lessons_markdown: str,
    today: date,
) -> str:
    """One HTML file with plotly.js inlined once, so it opens offline and can be emailed."""
    parts = [
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>",
        "body{font-family:Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;"
        "line-height:1.45;color:#1b1b1b;padding:0 1rem}h1,h2{color:#0b5563}"
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;"
        "padding:.25rem .5rem;text-align:left}caption{text-align:left;font-style:italic}"
        "</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p><em>Covering {html.escape(describe_filter(where))}."
        f" Written {today:%-d %B %Y}.</em></p>",
        "<h2>At a glance</h2><ul>",
        *[f"<li>{html.escape(line)}</li>" for line in _headline_lines(headline)],
        "</ul>",
    ]
    first = True
    for chart in charts:
        parts += [f"<h2>{html.escape(chart.title)}</h2>", f"<p>{html.escape(chart.reading)}</p>"]
        if chart.figure is not None:
            parts.append(
                pio.to_html(
                    chart.figure,
                    full_html=False,
                    include_plotlyjs=first,
                    config={"displaylogo": False},
                )
            )
            first = False
        if not chart.table.empty:
            parts.append(
                chart.table.to_html(index=False, border=0, escape=True).replace(
                    "<table", f"<table aria-label='{html.escape(chart.title)} in numbers'", 1
                )
            )
        if chart.suppressed:
            parts.append(
                f"<p><small>{html.escape(hidden_groups_note(chart.suppressed))}</small></p>"
            )
    parts.append("<h2>Lessons learnt</h2>")
    for line in lessons_markdown.splitlines()[1:]:
        text = html.escape(line)
        if line.startswith("## "):
            parts.append(f"<h3>{text[3:]}</h3>")
        elif line.startswith("- "):
            parts.append(f"<p>• {text[2:].replace('**', '')}</p>")
        elif line.strip():
            parts.append(f"<p>{text.replace('**', '').strip('_')}</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
