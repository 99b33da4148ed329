"""Small widgets every page uses: the house style, labels, plain text, query parameters,
and re-analysis with a progress bar."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import streamlit as st
from streamlit import config

from lessons import planning, store, tagging
from lessons.document import break_autolinks
from lessons.ui_data import clear_read_cache

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


def session_label(session: store.SessionRow) -> str:
    return f"{session.starts_at:%d %b %Y} · {session.title} · {session.council}"


def query_param(name: str) -> str | None:
    value: Any = st.query_params.get(name)
    return str(value) if value else None


def address_in_use() -> str | None:
    """The address this member of staff reached the app by (scheme, host, port and the
    server's base path), for links when LESSONS_PUBLIC_URL is not set; None if unknown."""
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    suffix = f"/{base}" if base else ""
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
            done / total if total else 1.0, text=f"Re-analysed {done:,} of {total:,} comments"
        )

    result = tagging.reanalyse(database, progress=report, everything=everything)
    bar.empty()
    clear_read_cache()
    changed = ", ".join(result.changed_themes) or "none"
    st.session_state["reanalysis_flash"] = (
        f"Re-analysed all {result.analysed:,} comments."
        if everything
        else f"Re-analysed {result.analysed:,} comments that the change could affect"
        f" (themes changed: {changed})."
    )


def show_asks(asks: list[store.AskRow], theme_names: dict[str, str]) -> None:
    """What people asked for, as its own list: each ask as typed (inert), its themes."""
    for ask in asks:
        with st.container(border=True):
            st.text(planning.ask_text(ask))
            if ask.themes:
                st.caption(plain(", ".join(theme_names.get(t, t) for t in ask.themes)))
