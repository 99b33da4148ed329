"""The people who use the staff pages: their accounts and roles, signing in (a password, or
single sign-on) with throttling, the browsers signed in, and when the app may run open.

Every change to an account is audited (entity 'account'); no password, and no hash of
one, ever leaves this module except into the accounts table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from lessons import store
from lessons.auth import (
    COMMAND_LINE,
    MAX_NAME_CHARS,
    ROLES,
    THROTTLE_WINDOW,
    Actor,
    check_role,
    email_key,
    email_problem,
    hash_password,
    is_loopback,
    looks_like_email,
    needs_rehash,
    new_token,
    password_matches,
    password_problem,
    throttle_wait,
    token_digest,
    wait_in_words,
)
from lessons.clock import now_local
from lessons.errors import NotAllowed, ValidationError
from lessons.typed_text import clean, clean_fields

# A browser stays signed in for a working day at most, and its one-time ticket (exchanged
# for the cookie) lasts two minutes.
SESSION_LENGTH = timedelta(hours=12)
TICKET_LENGTH = timedelta(minutes=2)
DEMO_SETTING = "demo_mode"
SIGN_IN_REFUSED = "That email address and password don't match an active account."


def _need_admin(actor: Actor, what: str) -> None:
    check_role(actor.role, "admin", what)


def _account(cur: store.Cursor, account_id: int) -> store.AccountRow:
    account = store.account_by_id(cur, account_id)
    if account is None:
        raise ValidationError({"account": "That account no longer exists."})
    return account


def account_errors(email: str, display_name: str, role: str, password: str | None) -> dict:
    errors: dict[str, str] = {}
    if problem := email_problem(email):
        errors["email"] = problem
    if not display_name.strip():
        errors["name"] = "Type the person's name, as colleagues know them."
    elif len(display_name) > MAX_NAME_CHARS:
        errors["name"] = f"Shorten the name to {MAX_NAME_CHARS} characters or fewer."
    if role not in ROLES:
        errors["role"] = "Choose facilitator, programme lead or administrator."
    if password is not None and (problem := password_problem(password, email)):
        errors["password"] = problem
    return errors


def _as_kept(email: str, display_name: str) -> tuple[str, str]:
    """The email and name as they are kept (lessons.typed_text: what people type)."""
    kept = clean_fields({"email": email, "name": display_name})
    return kept["email"], kept["name"]


def _taken(existing: store.AccountRow) -> str:
    return f"{existing.display_name} already has an account with that address."


def _insert_account(
    cur: store.Cursor,
    email: str,
    display_name: str,
    role: str,
    password_hash: str | None,
    now: datetime,
) -> int:
    existing = store.account_by_email(cur, email_key(email))
    if existing is not None:
        raise ValidationError({"email": _taken(existing)})
    return store.insert_account(
        cur, email.strip(), email_key(email), display_name.strip(), role, password_hash, now
    )


def add_account(
    database: store.Database,
    email: str,
    display_name: str,
    role: str,
    password: str | None = None,
    actor: Actor = COMMAND_LINE,
    now: datetime | None = None,
) -> int:
    """Add a person (an administrator's job). Without a password they sign in only by
    single sign-on, until one is set."""
    email, display_name = _as_kept(email, display_name)
    errors = account_errors(email, display_name, role, password)
    existing = account_by_email(database, email) if "email" not in errors else None
    if existing is not None:
        errors["email"] = _taken(existing)
    if errors:
        raise ValidationError(errors)
    # Hashed before the transaction: it takes a fifth of a second.
    hashed = hash_password(password) if password is not None else None
    with database.transaction() as cur:
        return add_account_in(cur, email, display_name, role, hashed, actor, now or now_local())


def add_account_in(
    cur: store.Cursor,
    email: str,
    display_name: str,
    role: str,
    password_hash: str | None,
    actor: Actor,
    now: datetime,
) -> int:
    """Add a person inside the caller's transaction, with their password already hashed."""
    _need_admin(actor, "add people")
    email, display_name = _as_kept(email, display_name)
    errors = account_errors(email, display_name, role, None)
    if errors:
        raise ValidationError(errors)
    account_id = _insert_account(cur, email, display_name, role, password_hash, now)
    store.append_audit(cur, actor, "account", account_id, "created", _described(email, role), now)
    return account_id


def _described(email: str, role: str) -> str:
    return f"{email.strip()} as {ROLES[role].lower()}"


def create_first_account(
    database: store.Database,
    email: str,
    display_name: str,
    password: str,
    now: datetime | None = None,
) -> int:
    """The one-time set-up: the first account, an administrator, made by the person at the
    keyboard of a database with no accounts; refused once any account exists."""
    email, display_name = _as_kept(email, display_name)
    errors = account_errors(email, display_name, "admin", password)
    if errors:
        raise ValidationError(errors)
    hashed = hash_password(password)
    when = now or now_local()
    with database.transaction() as cur:
        if store.account_count(cur):
            raise NotAllowed(
                {"account": "This app is set up already: sign in, or ask an administrator."}
            )
        account_id = _insert_account(cur, email, display_name, "admin", hashed, when)
        me = Actor(account_id, display_name.strip(), "admin")
        store.append_audit(
            cur, me, "account", account_id, "created", _described(email, "admin"), when
        )
    return account_id


def _keep_an_admin(cur: store.Cursor, account: store.AccountRow, what: str) -> None:
    if account.role == "admin" and account.active and store.account_count(cur, "admin", True) < 2:
        raise NotAllowed(
            {
                "role": f"{account.display_name} is the only active administrator: make someone"
                f" else an administrator before you {what}."
            }
        )


def set_role(
    database: store.Database,
    account_id: int,
    role: str,
    actor: Actor,
    now: datetime | None = None,
) -> None:
    _need_admin(actor, "change roles")
    if role not in ROLES:
        raise ValidationError({"role": "Choose facilitator, programme lead or administrator."})
    when = now or now_local()
    with database.transaction() as cur:
        account = _account(cur, account_id)
        if account.role == role:
            return
        if role != "admin":
            _keep_an_admin(cur, account, "change their role")
        store.update_account(cur, account_id, {"role": role}, when)
        store.append_audit(
            cur,
            actor,
            "account",
            account_id,
            "role",
            f"{ROLES[account.role]} → {ROLES[role]}",
            when,
        )


def set_active(
    database: store.Database,
    account_id: int,
    active: bool,
    actor: Actor,
    now: datetime | None = None,
) -> None:
    """Deactivate an account (its browsers are signed out at once, its history stays), or
    reactivate it."""
    _need_admin(actor, "deactivate or reactivate accounts")
    when = now or now_local()
    with database.transaction() as cur:
        account = _account(cur, account_id)
        if account.active == active:
            return
        if not active:
            _keep_an_admin(cur, account, "deactivate them")
            store.end_sessions(cur, when, account_id=account_id)
        store.update_account(cur, account_id, {"active": active}, when)
        store.append_audit(
            cur,
            actor,
            "account",
            account_id,
            "reactivated" if active else "deactivated",
            account.email,
            when,
        )


def rename_account(
    database: store.Database,
    account_id: int,
    display_name: str,
    actor: Actor,
    now: datetime | None = None,
) -> None:
    """Change the name shown for an account (what it recorded before keeps the old name)."""
    _need_admin(actor, "rename accounts")
    display_name = clean(display_name, "name")
    if not display_name.strip() or len(display_name) > MAX_NAME_CHARS:
        raise ValidationError({"name": f"Type a name of 1 to {MAX_NAME_CHARS} characters."})
    when = now or now_local()
    with database.transaction() as cur:
        account = _account(cur, account_id)
        store.update_account(cur, account_id, {"display_name": display_name.strip()}, when)
        store.append_audit(
            cur,
            actor,
            "account",
            account_id,
            "renamed",
            f"{account.display_name} → {display_name.strip()}",
            when,
        )


def reset_password(
    database: store.Database,
    account_id: int,
    password: str,
    actor: Actor,
    now: datetime | None = None,
    keep_session_id: int | None = None,
) -> None:
    """Set a new password (an administrator for anyone, or a person for themselves). Every
    browser signed in to the account is signed out, except `keep_session_id`'s."""
    if actor.account_id != account_id:
        _need_admin(actor, "set other people's passwords")
    when = now or now_local()
    with database.transaction() as cur:
        account = _account(cur, account_id)
    if problem := password_problem(password, account.email):
        raise ValidationError({"password": problem})
    hashed = hash_password(password)
    with database.transaction() as cur:
        store.update_account(cur, account_id, {"password_hash": hashed}, when)
        store.end_sessions(cur, when, account_id=account_id, keep_session_id=keep_session_id)
        store.append_audit(cur, actor, "account", account_id, "password", "Password set", when)


def list_accounts(database: store.Database) -> list[store.AccountRow]:
    with database.reading() as cur:
        return store.all_accounts(cur)


def account_by_email(database: store.Database, email: str) -> store.AccountRow | None:
    with database.reading() as cur:
        return store.account_by_email(cur, email_key(email))


def account_by_id(database: store.Database, account_id: int) -> store.AccountRow | None:
    with database.reading() as cur:
        return store.account_by_id(cur, account_id)


def any_accounts(database: store.Database) -> bool:
    with database.reading() as cur:
        return store.account_count(cur) > 0


# --- signing in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the account, or what to tell the person."""

    account: store.AccountRow | None
    refusal: str = ""


def _log(
    database: store.Database,
    now: datetime,
    method: str,
    typed: str,
    account: store.AccountRow | None,
    address: str | None,
    succeeded: bool,
    reason: str,
) -> None:
    email = typed.strip() if looks_like_email(typed) else ""
    with database.transaction() as cur:
        store.insert_sign_in_event(
            cur,
            now,
            method,
            email,
            email_key(email),
            account.id if account else None,
            address,
            succeeded,
            reason,
        )


def _wait(database: store.Database, key: str, address: str | None, now: datetime) -> timedelta:
    with database.reading() as cur:
        by_email, by_address = store.failures_since(cur, now - THROTTLE_WINDOW, key, address)
    return max(
        throttle_wait(by_email.failures, by_email.last_failure, now),
        throttle_wait(by_address.failures, by_address.last_failure, now),
    )


def sign_in_with_password(
    database: store.Database,
    email: str,
    password: str,
    address: str | None = None,
    now: datetime | None = None,
) -> SignIn:
    """Check an email and password. After 5 failures in 15 minutes for one email, or from one
    address, each further attempt must wait (15 seconds, doubling up to 15 minutes); an
    attempt made too soon is refused unchecked and says how long to wait. Every attempt is
    logged, never with the password (nor the typed email, unless it looks like one)."""
    when = now or now_local()
    key = email_key(email) if looks_like_email(email) else ""
    wait = _wait(database, key, address, when)
    if wait:
        _log(database, when, "password", email, None, address, False, "throttled")
        return SignIn(
            None,
            "Too many failed sign-ins for this account or from this address."
            f" Wait {wait_in_words(wait)}, then try again.",
        )
    with database.reading() as cur:
        account = store.account_by_email(cur, key) if key else None
        hashed = store.password_hash_for(cur, account.id) if account else None
    # The hash is checked outside any transaction: it takes a fifth of a second.
    matches = password_matches(password, hashed)
    if matches and account is not None and account.active:
        _log(database, when, "password", email, account, address, True, "")
        if hashed is not None and needs_rehash(hashed):
            with database.transaction() as cur:
                store.update_account(
                    cur, account.id, {"password_hash": hash_password(password)}, when
                )
        return SignIn(account)
    reason = (
        "unknown email"
        if account is None
        else "deactivated"
        if not account.active
        else "no password (single sign-on only)"
        if hashed is None
        else "wrong password"
    )
    _log(database, when, "password", email, account, address, False, reason)
    if matches and account is not None:
        return SignIn(None, "This account has been deactivated: ask an administrator.")
    wait = _wait(database, key, address, when)
    return SignIn(
        None,
        SIGN_IN_REFUSED
        + (
            f" Too many failed sign-ins: wait {wait_in_words(wait)} before the next try."
            if wait
            else ""
        ),
    )


def sign_in_with_sso(
    database: store.Database,
    email: str | None,
    address: str | None = None,
    now: datetime | None = None,
) -> SignIn:
    """A person the identity provider vouches for: signed in when their email matches an
    active account, refused (and logged) when it does not."""
    when = now or now_local()
    if not email:
        _log(database, when, "sso", "", None, address, False, "no verified email")
        return SignIn(
            None,
            "Your organisation's sign-in did not give this app a verified email address, so"
            " it cannot tell who you are. Ask an administrator.",
        )
    account = account_by_email(database, email)
    if account is None or not account.active:
        reason = "unknown email" if account is None else "deactivated"
        _log(database, when, "sso", email, account, address, False, reason)
        return SignIn(
            None,
            f"{email} has no active account in this app, so it can't be used here. Ask an"
            " administrator to add you (Settings → People), or sign out and use another"
            " account.",
        )
    _log(database, when, "sso", email, account, address, True, "")
    return SignIn(account)


def recent_sign_ins(
    database: store.Database,
    days: int = 7,
    failed_only: bool = True,
    now: datetime | None = None,
) -> list[store.SignInEvent]:
    with database.reading() as cur:
        return store.sign_in_events(
            cur, (now or now_local()) - timedelta(days=days), failed_only=failed_only
        )


# --- browsers signed in with a password ----------------------------------------------------


def begin_browser_session(
    database: store.Database, account_id: int, now: datetime | None = None
) -> tuple[int, str]:
    """After a password sign-in: a session for the browser, and the one-time ticket it
    exchanges (at `web_session`'s route) for its HttpOnly cookie."""
    when = now or now_local()
    ticket = new_token()
    with database.transaction() as cur:
        session_id = store.insert_account_session(
            cur,
            account_id,
            token_digest(ticket),
            when + TICKET_LENGTH,
            when + SESSION_LENGTH,
            when,
        )
    return session_id, ticket


def claim_browser_ticket(
    database: store.Database, ticket: str, now: datetime | None = None
) -> tuple[str, int] | None:
    """Exchange a ticket, once, for the cookie's token and its lifetime in seconds."""
    when = now or now_local()
    token = new_token()
    with database.transaction() as cur:
        expires = store.claim_ticket(cur, token_digest(ticket), token_digest(token), when)
    if expires is None:
        return None
    return token, int((expires - when).total_seconds())


def browser_account(
    database: store.Database,
    session_id: int | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> tuple[int, store.AccountRow] | None:
    """The active account a live browser session belongs to (by its id, or by its cookie's
    token), with the session's id."""
    if session_id is None and not token:
        return None
    with database.reading() as cur:
        found = store.live_session(
            cur, now or now_local(), session_id, token_digest(token) if token else None
        )
    if found is None or not found[1].active:
        return None
    return found


def end_browser_session(
    database: store.Database, session_id: int, now: datetime | None = None
) -> None:
    """Sign a browser out: its cookie no longer opens anything, even if kept."""
    with database.transaction() as cur:
        store.end_sessions(cur, now or now_local(), session_id=session_id)


# --- open mode and the demo ----------------------------------------------------------------


def is_demo(database: store.Database) -> bool:
    """Does this database hold the demo (whose passwords the sign-in page shows)?"""
    with database.reading() as cur:
        return store.setting(cur, DEMO_SETTING) == "1"


def mark_demo_in(cur: store.Cursor, actor: Actor, now: datetime) -> None:
    store.save_setting(cur, DEMO_SETTING, "1", actor, now)


def open_mode(database: store.Database, address: str | None) -> bool:
    """Staff pages open without signing in: only on a laptop (the server answers this
    machine alone) whose database has no account yet."""
    return is_loopback(address) and not any_accounts(database)


FIRST_ACCOUNT_COMMAND = "lessons users add EMAIL --name 'YOUR NAME' --role admin --password-stdin"


def startup_problem(database: store.Database, address: str | None) -> str | None:
    """Why the server must not start listening on `address` with this database, if it
    must not: one line, saying what to do."""
    if is_loopback(address):
        return None
    where = address or "every network interface"
    if not any_accounts(database):
        return (
            f"Refusing to listen on {where} with no staff account: anyone could open every"
            f" page. Create the first administrator ({FIRST_ACCOUNT_COMMAND}) or listen on"
            " 127.0.0.1."
        )
    if is_demo(database):
        return (
            f"Refusing to listen on {where} with the demo database, whose passwords the"
            " sign-in page shows: listen on 127.0.0.1, or start an empty database for real"
            " use (make run DEMO=0)."
        )
    return None
