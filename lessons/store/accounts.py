"""Staff accounts, the browsers signed in to them, every sign-in, and their visits to Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lessons.auth import Actor
from lessons.store.database import Cursor, update_columns

# --- accounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    id: int
    email: str
    display_name: str
    role: str
    active: bool
    has_password: bool
    created_at: datetime
    updated_at: datetime

    def actor(self) -> Actor:
        """This account as the one making a change."""
        return Actor(self.id, self.display_name, self.role)


_ACCOUNT_COLUMNS = (
    "id, email, display_name, role, active, password_hash IS NOT NULL, created_at, updated_at"
)


def _accounts(cur: Cursor, where: str, params: list[Any]) -> list[AccountRow]:
    rows = cur.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts {where}", params).fetchall()
    return [AccountRow(*row) for row in rows]


def all_accounts(cur: Cursor) -> list[AccountRow]:
    """Every account, active first, then by name."""
    return _accounts(cur, "ORDER BY NOT active, lower(display_name), id", [])


def account_by_id(cur: Cursor, account_id: int) -> AccountRow | None:
    rows = _accounts(cur, "WHERE id = ?", [account_id])
    return rows[0] if rows else None


def account_by_email(cur: Cursor, email_key: str) -> AccountRow | None:
    rows = _accounts(cur, "WHERE email_key = ?", [email_key])
    return rows[0] if rows else None


def account_count(cur: Cursor, role: str | None = None, active_only: bool = False) -> int:
    """How many accounts there are (of a role; active ones only)."""
    rows = cur.execute(
        "SELECT count(*) FROM accounts WHERE (? IS NULL OR role = ?) AND (active OR NOT ?)",
        [role, role, active_only],
    ).fetchall()
    return int(rows[0][0])


def password_hash_for(cur: Cursor, account_id: int) -> str | None:
    rows = cur.execute("SELECT password_hash FROM accounts WHERE id = ?", [account_id]).fetchall()
    return rows[0][0] if rows else None


def insert_account(
    cur: Cursor,
    email: str,
    email_key: str,
    display_name: str,
    role: str,
    password_hash: str | None,
    now: datetime,
) -> int:
    rows = cur.execute(
        "INSERT INTO accounts (email, email_key, display_name, role, password_hash, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [email, email_key, display_name, role, password_hash, now, now],
    ).fetchall()
    return int(rows[0][0])


def update_account(cur: Cursor, account_id: int, values: dict[str, Any], now: datetime) -> None:
    """Update an account's columns named in `values` (names checked, never user input)."""
    allowed = {"display_name", "role", "active", "password_hash"}
    update_columns(cur, "accounts", account_id, values, allowed, now)


# --- browsers signed in with a password ----------------------------------------------------


def insert_account_session(
    cur: Cursor,
    account_id: int,
    ticket_digest: str,
    ticket_expires_at: datetime,
    expires_at: datetime,
    now: datetime,
) -> int:
    rows = cur.execute(
        "INSERT INTO account_sessions (account_id, ticket_digest, ticket_expires_at,"
        " created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        [account_id, ticket_digest, ticket_expires_at, now, expires_at],
    ).fetchall()
    return int(rows[0][0])


def claim_ticket(
    cur: Cursor, ticket_digest: str, token_digest: str, now: datetime
) -> datetime | None:
    """Exchange a live ticket for a token, once: the session's expiry, or None when the
    ticket is unknown, used, out of date, or its session over."""
    rows = cur.execute(
        "UPDATE account_sessions SET ticket_digest = NULL, token_digest = ?"
        " WHERE ticket_digest = ? AND ticket_expires_at > ? AND expires_at > ?"
        " AND ended_at IS NULL RETURNING expires_at",
        [token_digest, ticket_digest, now, now],
    ).fetchall()
    return rows[0][0] if rows else None


def live_session(
    cur: Cursor, now: datetime, session_id: int | None = None, token_digest: str | None = None
) -> tuple[int, AccountRow] | None:
    """A session that is neither over nor out of date, by id or by its cookie's digest, with
    its account (active or not)."""
    rows = cur.execute(
        f"SELECT s.id, {', '.join('a.' + c for c in _ACCOUNT_COLUMNS.split(', '))}"
        " FROM account_sessions s JOIN accounts a ON a.id = s.account_id"
        " WHERE (s.id = ? OR s.token_digest = ?) AND s.expires_at > ? AND s.ended_at IS NULL",
        [session_id, token_digest, now],
    ).fetchall()
    return (int(rows[0][0]), AccountRow(*rows[0][1:])) if rows else None


def end_sessions(
    cur: Cursor,
    now: datetime,
    session_id: int | None = None,
    account_id: int | None = None,
    keep_session_id: int | None = None,
) -> None:
    """End one session, or every session of an account (but `keep_session_id`)."""
    cur.execute(
        "UPDATE account_sessions SET ended_at = ?, ticket_digest = NULL"
        " WHERE (id = ? OR account_id = ?) AND id IS DISTINCT FROM ? AND ended_at IS NULL",
        [now, session_id, account_id, keep_session_id],
    )


# --- sign-in events ------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInEvent:
    at: datetime
    method: str
    email: str
    account_name: str | None
    address: str | None
    succeeded: bool
    reason: str


def insert_sign_in_event(
    cur: Cursor,
    at: datetime,
    method: str,
    email: str,
    email_key: str,
    account_id: int | None,
    address: str | None,
    succeeded: bool,
    reason: str,
) -> None:
    cur.execute(
        "INSERT INTO sign_in_events (attempted_at, method, email, email_key, account_id, address,"
        " succeeded, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [at, method, email, email_key, account_id, address, succeeded, reason],
    )


@dataclass(frozen=True)
class FailureCount:
    failures: int
    last_failure: datetime | None


def failures_since(
    cur: Cursor, since: datetime, email_key: str = "", address: str | None = None
) -> tuple[FailureCount, FailureCount]:
    """Failed sign-ins since `since` with this email (when given) and from this address
    (when known), each with the time of the last. Attempts refused unchecked, for coming
    too soon, do not count: the wait grows with wrong passwords, not with impatience."""
    row = cur.execute(
        """
        SELECT count(*) FILTER (WHERE email_key = $email AND $email <> ''),
               max(attempted_at) FILTER (WHERE email_key = $email AND $email <> ''),
               count(*) FILTER (WHERE address = $address),
               max(attempted_at) FILTER (WHERE address = $address)
        FROM sign_in_events WHERE attempted_at >= $since AND NOT succeeded AND reason <> 'throttled'
        """,
        {"email": email_key, "address": address, "since": since},
    ).fetchall()[0]
    return FailureCount(int(row[0]), row[1]), FailureCount(int(row[2]), row[3])


def sign_in_events(
    cur: Cursor, since: datetime, failed_only: bool = False, limit: int = 200
) -> list[SignInEvent]:
    """Sign-ins since `since`, newest first, with the name of the account they were for."""
    rows = cur.execute(
        "SELECT e.attempted_at, e.method, e.email, a.display_name, e.address, e.succeeded, e.reason"
        " FROM sign_in_events e LEFT JOIN accounts a ON a.id = e.account_id"
        " WHERE e.attempted_at >= ? AND (NOT e.succeeded OR NOT ?)"
        " ORDER BY e.attempted_at DESC, e.id DESC LIMIT ?",
        [since, failed_only, limit],
    ).fetchall()
    return [SignInEvent(*row) for row in rows]


# --- visits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """When someone last looked at the home page, and the newest response there was then
    (responses keep no time of day, so what is new is counted by id)."""

    seen_at: datetime
    last_response_id: int


def last_visit(cur: Cursor, account_id: int) -> Visit | None:
    rows = cur.execute(
        "SELECT last_seen_at, last_response_id FROM account_visits WHERE account_id = ?",
        [account_id],
    ).fetchall()
    return Visit(rows[0][0], int(rows[0][1])) if rows else None


def record_visit(cur: Cursor, account_id: int, now: datetime) -> None:
    """Record a visit now, with the newest response there is."""
    cur.execute("DELETE FROM account_visits WHERE account_id = ?", [account_id])
    cur.execute(
        "INSERT INTO account_visits (account_id, last_seen_at, last_response_id)"
        " SELECT ?, ?, COALESCE(max(id), 0) FROM responses",
        [account_id, now],
    )
