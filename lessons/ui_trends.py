"""The trend widgets of the Trends and Reports pages: the shared filters (remembered
between the two pages), the cached overview and one chart with its numbers."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lessons import store, trends
from lessons.anonymity import hidden_groups_note
from lessons.charts import CHART_CONFIG
from lessons.choices import SESSION_FORMATS
from lessons.import_sheet import SOURCES
from lessons.ui_data import (
    READ_CACHE_SECONDS,
    data_version,
    database_at,
    database_key,
    theme_names,
)
from lessons.ui_forms import any_or_one
from lessons.ui_widgets import key_columns_table, plain


@st.cache_data(ttl=READ_CACHE_SECONDS, show_spinner="Working out the trends…", max_entries=64)
def _trend_overview(
    path: str,
    where: store.TrendFilter,
    names: tuple[tuple[str, str], ...],
    version: tuple[object, ...],
) -> trends.TrendOverview:
    return trends.trend_overview(database_at(path), where, dict(names))


def trend_overview(where: store.TrendFilter) -> trends.TrendOverview:
    """Headline figures and charts for a filter, cached until the data changes."""
    path = database_key()
    version = trends.data_version(database_at(path))
    return _trend_overview(path, where, tuple(sorted(theme_names().items())), version)


@st.cache_data(ttl=READ_CACHE_SECONDS, max_entries=8, show_spinner=False)
def _filter_choices(path: str, version: int) -> trends.FilterChoices:
    return trends.filter_choices(database_at(path))


FILTER_PREFIXES = ("trends", "reports")
_FILTER_FIELDS = (
    "period",
    "programme",
    "council",
    "facilitator",
    "format",
    "co_delivered",
    "source",
)


def clear_trend_filters() -> None:
    """Back to every delivered session, on both pages (a button's callback)."""
    st.session_state.pop("trends_filter_values", None)
    for prefix in FILTER_PREFIXES:
        for field in _FILTER_FIELDS:
            st.session_state.pop(f"{prefix}_{field}", None)


def trend_filter_controls(
    prefix: str, by_source: bool = False, expanded: bool = False
) -> store.TrendFilter:
    """The filters shared by the Trends and Reports pages (remembered between them); with
    `by_source`, also where the responses came from (the online form, paper, an import)."""
    choices = _filter_choices(database_key(), data_version())
    remembered: dict[str, Any] = st.session_state.setdefault("trends_filter_values", {})
    with st.expander("Filters", icon=":material/filter_list:", expanded=expanded):
        left, right = st.columns(2)
        period = left.date_input(
            "Sessions between",
            value=remembered.get("period", (choices.first, choices.last) if choices.first else ()),
            format="DD/MM/YYYY",
            key=f"{prefix}_period",
        )
        programme = any_or_one(
            right, "Programme", choices.programme, "All programmes", f"{prefix}_programme",
            chosen=remembered.get("programme"),
        )  # fmt: skip
        left, right = st.columns(2)
        council = any_or_one(
            left, "Council", choices.council, "All councils", f"{prefix}_council",
            chosen=remembered.get("council"),
        )  # fmt: skip
        facilitator = any_or_one(
            right, "Facilitator", choices.facilitator, "Anyone", f"{prefix}_facilitator",
            chosen=remembered.get("facilitator"),
        )  # fmt: skip
        left, right = st.columns(2)
        session_format = any_or_one(
            left, "Format", choices.format, "All formats", f"{prefix}_format",
            show=lambda v: SESSION_FORMATS.get(v, v), chosen=remembered.get("format"),
        )  # fmt: skip
        co = any_or_one(
            right, "Co-delivered with councillors", [True, False], "Either",
            f"{prefix}_co_delivered", show=lambda v: "Yes" if v else "No",
            chosen=remembered.get("co_delivered"),
        )  # fmt: skip
        source = None
        if by_source:
            source = any_or_one(
                left, "Responses sent through", list(SOURCES), "Every way", f"{prefix}_source",
                show=lambda v: SOURCES.get(v, v),
            )  # fmt: skip
        st.button(
            "Clear the filters",
            key=f"{prefix}_clear_filters",
            on_click=clear_trend_filters,
            icon=":material/filter_list_off:",
        )
    start, end = (
        (period[0], period[1]) if isinstance(period, tuple) and len(period) == 2 else (None, None)
    )
    if (start, end) == (choices.first, choices.last):
        start = end = None  # the whole span: no date filter, and none named
    remembered.update(
        period=(start, end) if start else (),
        programme=programme,
        council=council,
        facilitator=facilitator,
        format=session_format,
        co_delivered=co,
    )
    return store.TrendFilter(
        start, end, programme, council, facilitator, session_format, co, source
    )


def show_trend_chart(chart: trends.TrendChart) -> None:
    """One chart: its reading, the figure, and its numbers as a table."""
    st.header(chart.title)
    st.markdown(plain(chart.reading))  # a reading can name a theme, which someone typed
    if chart.figure is not None:
        st.plotly_chart(chart.figure, key=f"trend_{chart.key}", config=CHART_CONFIG)
    if not chart.table.empty:
        with st.expander("The numbers"):
            columns = [str(c) for c in chart.table.columns]
            # Wide tables show their first three columns on a phone; the rest a switch away.
            key_columns_table(chart.table, columns[:3], key=f"trend_{chart.key}_numbers")
    if chart.suppressed:
        st.caption(hidden_groups_note(chart.suppressed))
