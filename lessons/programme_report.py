"""The programme report for leads: self-contained HTML (charts work offline) and Markdown,
built from the same figures and charts as the Trends page, honouring its filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import plotly.io as pio

from lessons import store
from lessons.anonymity import hidden_groups_note
from lessons.charts import CHART_CONFIG
from lessons.document import (
    Block,
    Bullets,
    Heading,
    Html,
    Inline,
    Paragraph,
    Span,
    Table,
    demoted,
    html_page,
    inline,
    ours,
    table_from_rows,
    to_html,
    to_markdown,
    typed,
)
from lessons.trends import TrendChart, TrendHeadline
from lessons.wording import plural


def describe_filter(where: store.TrendFilter) -> Inline:
    """The filter in words; the values chosen (a programme, council or person) are typed."""
    parts: list[Inline] = []
    if where.start and where.end:
        parts.append(
            inline(ours(f"sessions from {where.start:%-d %B %Y} to {where.end:%-d %B %Y}"))
        )
    for label, value in (
        ("programme", where.programme),
        ("council", where.council),
        ("facilitator", where.facilitator),
        ("format", where.format),
    ):
        if value:
            parts.append(inline(ours(f"{label}: "), typed(value)))
    if where.co_delivered is not None:
        parts.append(
            inline(
                ours("co-delivered with councillors" if where.co_delivered else "not co-delivered")
            )
        )
    if not parts:
        return inline(ours("all delivered sessions"))
    joined: list[Span] = []
    for number, part in enumerate(parts):
        joined += [*([ours("; ")] if number else []), *part]
    return tuple(joined)


def filter_words(where: store.TrendFilter) -> str:
    """The filter in plain words, for a page title or the first row of an export."""
    return "".join(span.text for span in describe_filter(where))


def chart_table(chart: TrendChart) -> Table:
    """A chart's numbers as a table: our own column names over cells that may hold names
    people typed (themes, sessions)."""
    frame = chart.table
    return table_from_rows(
        [str(c) for c in frame.columns],
        frame.itertuples(index=False, name=None),
        label=f"{chart.title} in numbers",
    )


def _headline_lines(headline: TrendHeadline) -> list[str]:
    """The figures the headline shows; the hidden ones are simply left out."""
    lines = [plural(headline.sessions, "session"), plural(headline.responses, "response")]
    if headline.response_rate is not None:
        lines.append(f"response rate {headline.response_rate:.0%}")
    if headline.mean_rating is not None:
        lines.append(f"mean rating {headline.mean_rating:.2f} out of 5")
    if headline.mean_uplift is not None:
        lines.append(f"mean confidence uplift {headline.mean_uplift:+.2f}")
    if headline.negative_share is not None:
        lines.append(
            f"{headline.negative_share:.0%} of {plural(headline.comments, 'comment')} on the day"
            " critical"
        )
    return lines


def report_blocks(
    title: str,
    where: store.TrendFilter,
    headline: TrendHeadline,
    charts: Sequence[TrendChart],
    lessons: Sequence[Block],
    today: date,
    figures: bool = False,
) -> list[Block]:
    """The programme report as a document (with `figures`, each chart as inline HTML,
    plotly.js once, for the HTML file)."""
    blocks: list[Block] = [
        Heading(1, inline(typed(title))),
        Paragraph(
            tuple(
                replace(span, italic=True)
                for span in (
                    ours("Covering "),
                    *describe_filter(where),
                    ours(f". Written {today:%-d %B %Y}."),
                )
            )
        ),
        Heading(2, inline(ours("At a glance"))),
        Bullets(tuple(inline(ours(line)) for line in _headline_lines(headline))),
    ]
    first = True
    for chart in charts:
        # A reading can name a theme, which someone typed.
        blocks += [Heading(2, inline(ours(chart.title))), Paragraph(inline(typed(chart.reading)))]
        if figures and chart.figure is not None:
            blocks.append(
                Html(
                    pio.to_html(
                        chart.figure,
                        full_html=False,
                        include_plotlyjs=first,
                        config=CHART_CONFIG,
                        default_width="100%",
                    )
                )
            )
            first = False
        if not chart.table.empty:
            blocks.append(chart_table(chart))
        if chart.suppressed:
            blocks.append(
                Paragraph(inline(ours(hidden_groups_note(chart.suppressed), italic=True)))
            )
    # The lessons report's own title gives way to this report's section heading.
    body = list(lessons)
    if body and isinstance(body[0], Heading) and body[0].level == 1:
        body = body[1:]
    blocks += [Heading(2, inline(ours("Lessons learnt"))), *demoted(body)]
    return blocks


def report_markdown(
    title: str,
    where: store.TrendFilter,
    headline: TrendHeadline,
    charts: Sequence[TrendChart],
    lessons: Sequence[Block],
    today: date,
) -> str:
    return to_markdown(report_blocks(title, where, headline, charts, lessons, today))


# Reads on a phone (nothing wider than the screen: a wide table scrolls inside itself, long
# words break) and on paper (no chart split across pages, headings kept with what follows).
_STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;"
    "line-height:1.45;color:#1b1b1b;padding:0 1rem;overflow-wrap:anywhere}"
    "h1,h2{color:#0b5563}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem;display:block;max-width:100%;"
    "overflow-x:auto}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;"
    "overflow-wrap:normal}caption{text-align:left;font-style:italic}"
    ".plotly-graph-div{max-width:100%}"
    "@media (max-width:40rem){body{margin:1rem auto;padding:0 .75rem}"
    "table{font-size:.85rem}td,th{padding:.2rem .3rem}}"
    "@media print{body{max-width:none;margin:0;padding:0}h1,h2,h3{break-after:avoid}"
    ".plotly-graph-div{break-inside:avoid}thead{display:table-header-group}"
    "table{display:table;overflow:visible}}"
)


def report_html(
    title: str,
    where: store.TrendFilter,
    headline: TrendHeadline,
    charts: Sequence[TrendChart],
    lessons: Sequence[Block],
    today: date,
) -> str:
    """One HTML file with plotly.js inlined once, so it opens offline and can be emailed."""
    blocks = report_blocks(title, where, headline, charts, lessons, today, figures=True)
    return html_page(title, to_html(blocks), _STYLE)
