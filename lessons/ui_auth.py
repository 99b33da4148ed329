"""Who is using the app: signing staff in and out, their name, and the lock on staff pages."""

from __future__ import annotations

import streamlit as st

from lessons.auth import configured_secret
from lessons.ui_widgets import apply_base_style


def staff_signed_in() -> bool:
    """Staff pages are open when no staff password is set (the demo), else after sign-in."""
    return configured_secret() is None or bool(st.session_state.get("staff_signed_in"))


def staff_page() -> None:
    """Start a staff page: the house style, and a second lock behind app.py's navigation
    (which already hides staff pages before sign-in), for a server started another way."""
    apply_base_style()
    if not staff_signed_in():
        st.error("Sign in first: this page is for facilitators and programme leads.")
        st.markdown("[Go to the sign-in page](/)")
        st.stop()


def sign_in(name: str) -> None:
    st.session_state["staff_signed_in"] = True
    st.session_state["user_name"] = name.strip()


def sign_out() -> None:
    st.session_state["staff_signed_in"] = False
    st.session_state["user_name"] = ""


def identity_sidebar() -> None:
    """Ask for the facilitator's name once; every change records it."""
    if configured_secret() is None:
        st.sidebar.caption(
            ":material/lock_open: Open mode: anyone who can reach this server sees every page."
            " Set LESSONS_STAFF_PASSWORD for real use."
        )
    elif st.session_state.get("staff_signed_in"):
        st.sidebar.text(f"Signed in as {current_user()}")
        if st.sidebar.button("Sign out", key="sidebar_sign_out"):
            sign_out()
            st.rerun()
        return
    st.session_state.setdefault("user_name", "")
    typed = st.sidebar.text_input(
        "Your name",
        value=st.session_state["user_name"],
        max_chars=100,
        help="Recorded against the changes you make (lessons, reflections).",
        key="sidebar_user_name",
    )
    st.session_state["user_name"] = typed.strip()


def current_user() -> str:
    return str(st.session_state.get("user_name", "")).strip()


def ask_for_name_if_missing() -> bool:
    """Changes need a name: say so plainly where the change would be made."""
    if current_user():
        return True
    st.warning("Type your name in the sidebar first: it is recorded against every change.")
    return False
