"""Who is using the staff pages: signing in (a password, or single sign-on through
Streamlit's `st.login`) and out, the role's lock on every page, and the sidebar that says
who is signed in.

Who is signed in lives in Streamlit's session state, checked against the database on every
run (a deactivated account, or a browser signed out elsewhere, loses its pages at once):

- a password sign-in starts a browser session (`accounts.begin_browser_session`); a
  one-time ticket, fetched by the sidebar as an image from `web_session`'s route, becomes
  an HttpOnly cookie, so a reload (which starts a new Streamlit session) stays signed in;
- single sign-on is Streamlit's own OIDC cookie, read through `st.user`: the email it
  vouches for must belong to an active account.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import streamlit as st
from streamlit.errors import StreamlitAPIException, StreamlitSecretNotFoundError

from lessons import accounts, store
from lessons.auth import (
    OPEN_MODE,
    ROLES,
    SESSION_COOKIE,
    SSO_LABEL_SECRET,
    Actor,
    may,
    oidc_email,
    who_may,
)
from lessons.downloads import DOWNLOAD_PREFIX, LIFETIME_SECONDS, OFFERS
from lessons.ui_data import database
from lessons.ui_widgets import apply_base_style, plain

# Session-state keys (this module's own namespace).
ACCOUNT = "auth_account_id"  # the signed-in account
BROWSER_SESSION = "auth_browser_session"  # its browser session, after a password sign-in
TICKET = "auth_cookie_ticket"  # the ticket the sidebar exchanges for the cookie
SSO_CHECKED = "auth_sso_checked"  # the single sign-on identity already checked
SSO_REFUSAL = "auth_sso_refusal"  # what to tell a refused single sign-on
FORGET_COOKIE = "auth_forget_cookie"  # signed out: the sidebar removes the cookie


def _text(value: object) -> str | None:
    # Outside a real browser connection (AppTest) Streamlit answers with stand-ins.
    return value if isinstance(value, str) and value else None


def client_address() -> str | None:
    """The browser's address, as the server sees it (None on this computer itself). Behind
    a reverse proxy it is the proxy's, unless the proxy passes X-Forwarded-For from an
    address the server trusts (FORWARDED_ALLOW_IPS; see the README)."""
    return _text(st.context.ip_address)


def listen_address() -> str | None:
    return st.get_option("server.address")


def open_mode() -> bool:
    """No account exists and this server answers this computer alone: a laptop demo."""
    return accounts.open_mode(database(), listen_address())


def _forget() -> None:
    for key in (ACCOUNT, BROWSER_SESSION, TICKET):
        st.session_state.pop(key, None)


def _sso_identity() -> str | None:
    """The email the identity provider vouches for, when signed in by single sign-on."""
    if not st.user.get("is_logged_in"):
        return None
    return oidc_email(dict(st.user)) or ""


def current_account() -> store.AccountRow | None:
    """The signed-in account, if any (checked against the database on every run)."""
    db = database()
    if BROWSER_SESSION in st.session_state:
        found = accounts.browser_account(db, session_id=st.session_state[BROWSER_SESSION])
        if found is None:
            _forget()
            return None
        return found[1]
    if ACCOUNT in st.session_state:
        account = accounts.account_by_id(db, st.session_state[ACCOUNT])
        if account is None or not account.active:
            _forget()
            return None
        return account
    token = _text(st.context.cookies.get(SESSION_COOKIE))
    if token:
        found = accounts.browser_account(db, token=token)
        if found is not None:
            st.session_state[BROWSER_SESSION], account = found
            st.session_state[ACCOUNT] = account.id
            return account
    sso = _sso_identity()
    if sso is not None and st.session_state.get(SSO_CHECKED) != sso:
        st.session_state[SSO_CHECKED] = sso
        outcome = accounts.sign_in_with_sso(db, sso or None, client_address())
        if outcome.account is None:
            st.session_state[SSO_REFUSAL] = outcome.refusal
            return None
        st.session_state.pop(SSO_REFUSAL, None)
        st.session_state[ACCOUNT] = outcome.account.id
        # A browser session and its cookie too, as after a password: what downloads with
        # personal data are bound to (lessons.downloads), ended by signing out.
        session_id, ticket = accounts.begin_browser_session(db, outcome.account.id)
        st.session_state[BROWSER_SESSION] = session_id
        st.session_state[TICKET] = ticket
        return outcome.account
    return None


def current_actor() -> Actor | None:
    """Who a change made now is recorded against: the signed-in account, or open mode."""
    account = current_account()
    if account is not None:
        return account.actor()
    return OPEN_MODE if open_mode() else None


def current_role() -> str | None:
    actor = current_actor()
    return actor.role if actor else None


def current_user() -> str:
    """The signed-in person's name (empty when nobody is)."""
    actor = current_actor()
    return actor.name if actor else ""


def require_role(needed: str) -> Actor:
    """Start a staff page: the house style, then the lock. Someone not signed in, or whose
    role may not use the page (a URL typed by hand), is told so and sees nothing else."""
    apply_base_style()
    actor = current_actor()
    if actor is None:
        st.error(f"Sign in first: this page is for {who_may(needed)}.")
        st.markdown(f"[Go to the sign-in page]({_base_path()}/sign_in)")
        st.stop()
    if not may(actor.role, needed):
        st.error(
            f"This page is for {who_may(needed)}. You are signed in as"
            f" {plain(actor.name)}, {ROLES[actor.role].lower()}: ask an administrator if you"
            " need it."
        )
        st.stop()
    return actor


# --- signing in and out ----------------------------------------------------------------------


def sign_in_with_password(email: str, password: str) -> str:
    """Sign in; return what to tell the person if refused (empty on success)."""
    db = database()
    outcome = accounts.sign_in_with_password(db, email, password, client_address())
    if outcome.account is None:
        return outcome.refusal
    session_id, ticket = accounts.begin_browser_session(db, outcome.account.id)
    st.session_state[ACCOUNT] = outcome.account.id
    st.session_state[BROWSER_SESSION] = session_id
    st.session_state[TICKET] = ticket
    return ""


def sign_out() -> None:
    """Sign out: the browser session ends (its cookie opens nothing any more); after single
    sign-on, Streamlit forgets the identity too (and the provider, when it can)."""
    if BROWSER_SESSION in st.session_state:
        accounts.end_browser_session(database(), st.session_state[BROWSER_SESSION])
        st.session_state[FORGET_COOKIE] = True
    via_sso = st.user.get("is_logged_in")
    _forget()
    st.session_state.pop(SSO_CHECKED, None)
    st.session_state.pop(SSO_REFUSAL, None)
    if via_sso:
        st.logout()
        return
    try:
        st.switch_page("pages/sign_in.py")
    except StreamlitAPIException:
        # A page run on its own, outside app.py's navigation (as AppTest runs pages).
        st.rerun()


def browser_session_id() -> int | None:
    """The signed-in browser's session (after a password sign-in)."""
    value = st.session_state.get(BROWSER_SESSION)
    return int(value) if value is not None else None


def sso_refusal() -> str:
    return str(st.session_state.get(SSO_REFUSAL, ""))


def sso_available() -> bool:
    """Is single sign-on set up (`[auth]` in the secrets, or LESSONS_OIDC_* variables)?"""
    try:
        return bool(st.secrets.get("auth"))
    except StreamlitSecretNotFoundError:
        return False


def sso_label() -> str:
    label = st.secrets.get(SSO_LABEL_SECRET) if sso_available() else None
    return str(label or "Sign in with your organisation account")


def start_sso() -> None:
    st.login()


def _base_path() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _fetch_quietly(route: str) -> None:
    """Have the browser fetch one of web_session's routes (as a 1-pixel image): the way a
    page sets or removes an HttpOnly cookie."""
    st.sidebar.html(f'<img src="{_base_path()}/_lessons/{route}" alt="" width="1" height="1">')


def identity_sidebar() -> None:
    """Who is signed in, and signing out; in open mode, a banner that says so. After a
    password sign-in, the sidebar fetches the cookie that keeps the browser signed in."""
    if TICKET in st.session_state:
        _fetch_quietly(f"session?ticket={quote(st.session_state[TICKET])}")
    elif st.session_state.pop(FORGET_COOKIE, False):
        _fetch_quietly("forget")
    account = current_account()
    if account is not None:
        st.sidebar.text(f"Signed in as {account.display_name}\n{ROLES[account.role]}")
        if st.sidebar.button("Sign out", key="sidebar_sign_out", icon=":material/logout:"):
            sign_out()
        return
    if open_mode():
        st.sidebar.caption(
            ":material/lock_open: Open mode: this database has no staff account yet and the"
            " server answers only this computer, so every page is open. Create the first"
            " account on the Set up page (or with `lessons users add`) to require sign-in."
        )


def private_download(
    label: str,
    make: Callable[[], bytes | str],
    filename: str,
    mime: str,
    key: str,
    disabled: bool = False,
) -> None:
    """Download a file that carries personal data: a button prepares it (`make` runs, and
    audits, only then) and offers it at a one-time link that works for 90 seconds, only in
    this signed-in browser session (lessons.downloads, lessons.web_downloads). In open mode
    (no accounts yet, this computer only) there is no session to bind to: Streamlit's own
    download button."""
    session = browser_session_id()
    if session is None:
        st.download_button(
            label, make, filename, mime, icon=":material/download:", disabled=disabled,
            width="stretch", key=key,
        )  # fmt: skip
        return
    if st.button(label, icon=":material/download:", disabled=disabled, width="stretch", key=key):
        data = make()
        token = OFFERS.offer(
            data.encode() if isinstance(data, str) else data, filename, mime, session
        )
        st.session_state[f"{key}_link"] = f"{_base_path()}{DOWNLOAD_PREFIX}{token}"
    link = st.session_state.get(f"{key}_link")
    if link:
        st.link_button(f"Save {filename}", link, icon=":material/save:", width="stretch")
        st.caption(
            f"The link works once, for {LIFETIME_SECONDS:.0f} seconds, and only while you are"
            " signed in here."
        )
