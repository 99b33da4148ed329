"""Small widgets every page uses: the house style, labels, plain text, query parameters,
and re-analysis with a progress bar."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import streamlit as st
from streamlit import config

from lessons import loop, planning, store, tagging
from lessons.document import break_autolinks
from lessons.ui_data import clear_read_cache
from lessons.wording import plural

# The app's icon (the browser tab's favicon), served by the app itself: a Material icon as
# page_icon would make every browser fetch it from a font server elsewhere.
APP_ICON = Path(__file__).resolve().parent / "assets" / "icon.png"

_BASE_CSS = """
<style>
/* Comfortable tap targets and readable text on a phone. */
div[data-testid="stRadio"] label { min-height: 2rem; }
div[data-testid="stForm"] { border-radius: 0.75rem; }
.block-container { padding-top: 2rem; max-width: 52rem; }
@media (max-width: 640px) { .block-container { padding-left: 1rem; padding-right: 1rem; } }
/* On a phone every tab's label shows: the tabs wrap onto a second row rather than scroll. */
@media (max-width: 640px) {
  div[role="tablist"] { flex-wrap: wrap; overflow-x: visible; gap: 0.25rem 0.9rem; }
  div[data-testid="stTab"] p { font-size: 0.9rem; }
}
/* No chart toolbar: on a phone it covers the chart's title (charts.CHART_CONFIG says the
   same to each chart; this catches any chart shown without it). */
.modebar-container { display: none !important; }
</style>
"""

LABEL_COLOURS: dict[str, Literal["green", "gray", "red"]] = {
    "positive": "green",
    "neutral": "gray",
    "negative": "red",
}
LABEL_ICONS = {
    "positive": ":material/sentiment_satisfied:",
    "neutral": ":material/sentiment_neutral:",
    "negative": ":material/sentiment_dissatisfied:",
}

# Markdown's punctuation that starts a construct (links and images, emphasis, code, HTML,
# headings, lists, tables, maths, Streamlit's :directives:). "&" stays: an entity is inert.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=])")


def plain(text: str) -> str:
    """Text a person typed, made safe to place inside our own Markdown: it shows exactly
    as typed, and can neither format the page nor make it fetch anything (nor become a
    link by itself: Streamlit links "http://", "www." and e-mails whatever the escapes)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", break_autolinks(text))


def apply_base_style() -> None:
    st.html(_BASE_CSS)


def key_columns_table(
    rows: Any,
    key_columns: Sequence[str],
    key: str,
    column_config: Mapping[str, Any] | None = None,
) -> None:
    """A table that fits a phone: its key columns, and every column one switch away."""
    columns = list(rows.columns) if hasattr(rows, "columns") else list(rows[0]) if rows else []
    every = set(columns) <= set(key_columns) or st.toggle("All columns", key=f"{key}_all_columns")
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_order=None if every else list(key_columns),
        column_config=dict(column_config or {}),
    )


def session_label(session: store.SessionRow) -> str:
    return f"{session.starts_at:%d %b %Y} · {session.title} · {session.council}"


def query_param(name: str) -> str | None:
    value: Any = st.query_params.get(name)
    return str(value) if value else None


def base_path() -> str:
    """The server's base path as a link prefix: "" or "/prefix" (`server.baseUrlPath`)."""
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def address_in_use() -> str | None:
    """The address this member of staff reached the app by (scheme, host, port and the
    server's base path), for links when LESSONS_PUBLIC_URL is not set; None if unknown."""
    suffix = base_path()
    parts = urlsplit(st.context.url or "")
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}{suffix}"
    host = st.context.headers.get("Host")
    if host:
        scheme = st.context.headers.get("X-Forwarded-Proto") or "http"
        return f"{scheme}://{host}{suffix}"
    return None


def drawn_when_open(label: str, icon: str, key: str) -> Any:
    """A popover whose content the page draws only while it is open (`if p.open:`): a
    list of cards, each with forms behind popovers, then runs and renders a fraction of
    its widgets. Opening it reruns the page."""
    return st.popover(label, icon=icon, key=key, on_change="rerun")


def show_label(
    label: str | None, mixed: bool = False, corrected: bool = False, language: str = "en"
) -> None:
    """A sentiment label as a coloured badge; words, not colour alone, carry the meaning.
    A Welsh comment is not read by the analysis (it reads English): it says so."""
    if label is None:
        st.badge("not analysed: Welsh" if language == "cy" else "not analysed", color="gray")
        return
    text = label + (" · mixed" if mixed else "") + (" · corrected" if corrected else "")
    st.badge(text, icon=LABEL_ICONS[label], color=LABEL_COLOURS[label])


def run_reanalysis(database: store.Database, everything: bool = False) -> None:
    """Re-analyse what a taxonomy change can affect (or, `everything`, every comment, on
    both cores), with a progress bar."""
    bar = st.progress(0.0, text="Re-analysing comments…")

    def report(done: int, total: int) -> None:
        bar.progress(
            done / total if total else 1.0,
            text=f"Re-analysed {done:,} of {plural(total, 'comment')}",
        )

    result = tagging.reanalyse(database, progress=report, everything=everything)
    bar.empty()
    clear_read_cache()
    changed = ", ".join(result.changed_themes) or "none"
    st.session_state["reanalysis_flash"] = (
        f"Re-analysed all {plural(result.analysed, 'comment')}."
        if everything
        else f"Re-analysed {plural(result.analysed, 'comment')} that the change could affect"
        f" (themes changed: {changed})."
    )


def show_asks(asks: list[store.AskRow], theme_names: dict[str, str]) -> None:
    """What people asked for, as its own list: each ask as typed (inert), its themes."""
    for ask in asks:
        with st.container(border=True):
            st.text(planning.ask_text(ask))
            if ask.themes:
                st.caption(plain(", ".join(theme_names.get(t, t) for t in ask.themes)))


def show_comparison(comparison: loop.Comparison, theme_names: dict[str, str]) -> None:
    """A lesson's before/after verdict people can follow: the sessions compared and why,
    the rule applied in one line, and every measure with whether it counted."""
    if comparison.before_sessions:
        st.markdown(
            f"Compared **{plain(comparison.after_label)}**, where the lesson was applied, with "
            + "; ".join(f"**{plain(name)}**" for name in comparison.before_sessions)
            + f" ({plain(comparison.basis)})."
        )
    if comparison.note:
        st.caption(plain(comparison.note))
    st.markdown(f"**Verdict: {comparison.verdict}.** {comparison.judged.explanation()}")
    if comparison.measures:
        st.dataframe(
            [
                {
                    "Measure": m.name,
                    "Tied to": ", ".join(theme_names.get(t, t) for t in m.themes) or "—",
                    "Before": m.side("before"),
                    "After": m.side("after"),
                    "Verdict": m.verdict,
                    "Counted": "yes"
                    if comparison.counts(m) and m.verdict != loop.TOO_FEW
                    else "no (too few)"
                    if comparison.counts(m)
                    else "no (context)",
                }
                for m in comparison.measures
            ],
            hide_index=True,
            width="stretch",
        )
    with st.expander("How the verdict is reached"):
        st.markdown(loop.RULE)


def show_flash(key: str) -> None:
    """What the last action did, as a toast: it shows wherever the person is on the page,
    and moves nothing, so they keep their place."""
    if message := st.session_state.pop(key, None):
        st.toast(message, icon=":material/check:")


def popover_key(name: str) -> str:
    """The key of the popover `name`: it changes when `close_popover(name)` is called, so
    the popover comes back closed after its form is saved (and never lingers elsewhere)."""
    return f"{name}_{st.session_state.get(f'{name}_closed', 0)}"


def close_popover(name: str) -> None:
    st.session_state[f"{name}_closed"] = st.session_state.get(f"{name}_closed", 0) + 1
