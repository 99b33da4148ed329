"""What a person sees when a page fails: a short apology with a reference code, never a
traceback. The full traceback goes to the server's log under the same code, so whoever
runs the app can find it from what the person quotes."""

from __future__ import annotations

import logging
import secrets

import streamlit as st

from lessons.errors import DatabaseUnavailable

log = logging.getLogger("lessons.errors")


def reference_code() -> str:
    """8 hex characters: enough to find one failure in a log, nothing to learn from."""
    return secrets.token_hex(4).upper()


def on_script_error(problem: Exception) -> bool:
    """st.App's handler for an uncaught error in a page: log it, apologise, and tell
    Streamlit not to show its own error box (True)."""
    code = reference_code()
    log.error("Page failed, reference %s", code, exc_info=problem)
    if isinstance(problem, DatabaseUnavailable):
        st.error(
            "Sorry — the app cannot reach its records just now. Nothing already saved is"
            f" lost; please try again in a few minutes. Reference: {code}",
            icon=":material/cloud_off:",
        )
    else:
        st.error(
            "Sorry — something went wrong on our side. Please try again; if it keeps"
            f" happening, tell the organisers and quote this reference: {code}",
            icon=":material/error:",
        )
    return True
