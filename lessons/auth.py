"""Who may do what, and who did it: staff roles, the actor recorded against every change,
passwords (argon2id), sign-in throttling's arithmetic and the single sign-on settings.

Pure: no database, no Streamlit. The accounts themselves live in `lessons.accounts`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lessons.errors import NotAllowed
from lessons.wording import plural

# --- roles ---------------------------------------------------------------------------------

ROLES: dict[str, str] = {
    "facilitator": "Facilitator",
    "lead": "Programme lead",
    "admin": "Administrator",
}
# Each role may do everything the roles before it may.
_RANK = {role: rank for rank, role in enumerate(ROLES)}
_WHO = {
    "facilitator": "facilitators, programme leads and administrators",
    "lead": "programme leads and administrators",
    "admin": "administrators",
}


def may(role: str | None, needed: str) -> bool:
    """May someone with `role` use what needs `needed`?"""
    return role in _RANK and _RANK[role] >= _RANK[needed]


def who_may(needed: str) -> str:
    """The people a page or an action is for, in words."""
    return _WHO[needed]


def check_role(role: str | None, needed: str, what: str) -> None:
    """Refuse (NotAllowed) what `role` may not do: "Only <who may> may <what>."."""
    if not may(role, needed):
        raise NotAllowed({"role": f"Only {who_may(needed)} may {what}."})


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a staff account (its id, and its name and role as they were
    when it acted), or the app itself, with no account (the demo loader, the command line,
    open mode on a laptop). Never a name somebody typed."""

    account_id: int | None
    name: str
    role: str


# Changes made without an account. Each may do anything: they are the command line on the
# server itself, or a laptop with no accounts at all (see `lessons.accounts.open_mode`).
UNATTRIBUTED = Actor(None, "unknown", "admin")
COMMAND_LINE = Actor(None, "command line", "admin")
OPEN_MODE = Actor(None, "open mode", "admin")

# Rows written before accounts existed hold whatever name was typed at the time.
TYPED_NAME_MARK = " (typed name)"


def recorded_name(name: str, typed: bool) -> str:
    """A recorded actor's name as shown: a name typed before accounts existed says so."""
    return name + TYPED_NAME_MARK if typed else name


# --- emails and passwords ------------------------------------------------------------------

MAX_EMAIL_CHARS = 254
MAX_NAME_CHARS = 100
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_key(email: str) -> str:
    """The form of an email address accounts are matched on: case does not matter."""
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    email = email.strip()
    if not email:
        return "Type the person's email address."
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.match(email):
        return "That is not an email address (it should look like name@council.gov.uk)."
    return None


def looks_like_email(text: str) -> bool:
    """Worth recording as typed? A password typed into the email box is not."""
    return email_problem(text) is None


def password_problem(password: str, email: str = "") -> str | None:
    """What is wrong with a new password, if anything (NCSC: length beats complexity)."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"Use at least {MIN_PASSWORD_CHARS} characters: a short password is guessable."
    if len(password) > MAX_PASSWORD_CHARS:
        return f"Use at most {MAX_PASSWORD_CHARS} characters."
    if email and password.strip().lower() == email_key(email):
        return "Don't use the email address as the password."
    return None


# argon2id with argon2-cffi's defaults (RFC 9106's second recommendation: 64 MiB, 3 passes).
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(password: str, hashed: str | None) -> bool:
    """Does the password match the stored hash? With no hash (an account that signs in
    only by single sign-on, or no such account) the same work is done, and the answer is
    no: how long a refusal takes does not tell whether the email has an account."""
    try:
        return _HASHER.verify(hashed or _dummy_hash(), password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed: str) -> bool:
    """Was the hash made with weaker settings than today's (rehash at the next sign-in)?"""
    return _HASHER.check_needs_rehash(hashed)


@cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


# --- sign-in throttling --------------------------------------------------------------------

FAILURES_BEFORE_DELAY = 5
THROTTLE_WINDOW = timedelta(minutes=15)
FIRST_DELAY = timedelta(seconds=15)
LONGEST_DELAY = timedelta(minutes=15)


def throttle_wait(failures: int, last_failure: datetime | None, now: datetime) -> timedelta:
    """How long until the next attempt may be checked, after `failures` failed sign-ins in
    the window (for one account, or from one address). The fifth failure brings a wait of
    15 seconds, and each failure after it doubles the wait, up to 15 minutes."""
    if failures < FAILURES_BEFORE_DELAY or last_failure is None:
        return timedelta(0)
    delay = min(FIRST_DELAY * 2 ** (failures - FAILURES_BEFORE_DELAY), LONGEST_DELAY)
    return max(last_failure + delay - now, timedelta(0))


def wait_in_words(wait: timedelta) -> str:
    seconds = max(1, round(wait.total_seconds()))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return plural(round(seconds / 60), "minute")


# --- tokens --------------------------------------------------------------------------------


# The cookie that keeps a browser signed in after a password sign-in (see web_session).
SESSION_COOKIE = "lessons_session"


def new_token() -> str:
    """A secret for a sign-in ticket or a browser's session cookie (256 random bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256, so a copy of the database holds
    no usable cookie."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- where the server listens ----------------------------------------------------------------


def is_loopback(address: str | None) -> bool:
    """Does a server listening on `address` answer only this machine? Streamlit listens on
    every interface when no address is given."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


# --- single sign-on ------------------------------------------------------------------------

OIDC_ENV = {
    "client_id": "LESSONS_OIDC_CLIENT_ID",
    "client_secret": "LESSONS_OIDC_CLIENT_SECRET",
    "server_metadata_url": "LESSONS_OIDC_METADATA_URL",
    "cookie_secret": "LESSONS_OIDC_COOKIE_SECRET",
}
OIDC_REDIRECT_ENV = "LESSONS_OIDC_REDIRECT_URI"
OIDC_LABEL_ENV = "LESSONS_OIDC_LABEL"
# The sign-in button's words, e.g. "Sign in with Microsoft": a top-level secret, beside
# (not inside) `[auth]`, whose keys Streamlit hands to the OIDC library.
SSO_LABEL_SECRET = "lessons_sso_label"


class SingleSignOnMisconfigured(ValueError):
    """Some LESSONS_OIDC_* variables are set, but not all that are needed."""


def oidc_secrets(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """Streamlit's `[auth]` secrets built from LESSONS_OIDC_* environment variables, so a
    deployment needs no secrets file; None when none is set. The redirect address defaults
    to LESSONS_PUBLIC_URL followed by /oauth2callback."""
    values = {key: environ.get(name, "").strip() for key, name in OIDC_ENV.items()}
    if not any(values.values()):
        return None
    missing = [OIDC_ENV[key] for key, value in values.items() if not value]
    if missing:
        raise SingleSignOnMisconfigured(
            "Single sign-on is half set up: set " + ", ".join(missing) + " too (see the README)."
        )
    public = environ.get("LESSONS_PUBLIC_URL", "").strip().rstrip("/")
    redirect = environ.get(OIDC_REDIRECT_ENV, "").strip() or (
        f"{public}/oauth2callback" if public else ""
    )
    if not redirect:
        raise SingleSignOnMisconfigured(
            f"Single sign-on needs the address to come back to: set {OIDC_REDIRECT_ENV}"
            " (or LESSONS_PUBLIC_URL)."
        )
    secrets: dict[str, Any] = {"auth": {**values, "redirect_uri": redirect}}
    if label := environ.get(OIDC_LABEL_ENV, "").strip():
        secrets[SSO_LABEL_SECRET] = label
    return secrets


def oidc_email(claims: Mapping[str, object]) -> str | None:
    """The email address an identity provider vouches for: `email` (Google, and Entra ID
    with the optional claim), else Entra ID's `preferred_username` when it is an address.
    An address the provider says is not verified is no address."""
    if claims.get("email_verified") is False:
        return None
    for claim in ("email", "preferred_username"):
        value = claims.get(claim)
        if isinstance(value, str) and looks_like_email(value):
            return value.strip()
    return None
