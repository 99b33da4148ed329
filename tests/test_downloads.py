"""Files with personal data are handed out at a one-time link, for 90 seconds, to the
signed-in browser session they were offered to: not without a session, not after signing
out, not after expiry, not twice."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lessons import accounts, web_downloads
from lessons.auth import SESSION_COOKIE
from lessons.downloads import DOWNLOAD_PREFIX, LIFETIME_SECONDS, Downloads
from tests.conftest import make_account, run_async

EXPORT = b'{"contact_name": "Ann Example", "contact_detail": "ann@example.org"}'


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def signed_in_browser(db) -> tuple[int, str]:
    """A signed-in browser: its session id and its cookie's token."""
    admin = make_account(db, "Fiona Marsden", "admin")
    session_id, ticket = accounts.begin_browser_session(db, admin.id)
    claimed = accounts.claim_browser_ticket(db, ticket)
    assert claimed is not None
    return session_id, claimed[0]


def fetch(db, offers: Downloads, token: str, cookie: str | None) -> Response:
    [route] = web_downloads.routes(lambda: db, offers=offers)
    headers = [(b"cookie", f"{SESSION_COOKIE}={cookie}".encode())] if cookie else []
    scope = {
        "type": "http", "method": "GET", "scheme": "http",
        "path": f"{DOWNLOAD_PREFIX}{token}", "query_string": b"", "headers": headers,
        "server": ("127.0.0.1", 8501), "path_params": {"token": token},
    }  # fmt: skip
    return run_async(route.endpoint(Request(scope)))


def test_the_link_works_once_for_its_session_with_no_caching(db):
    session_id, cookie = signed_in_browser(db)
    offers = Downloads(Clock())
    token = offers.offer(EXPORT, "subject-access.json", "application/json", session_id)
    got = fetch(db, offers, token, cookie)
    assert got.status_code == 200 and got.body == EXPORT
    assert got.headers["cache-control"] == "no-store, private"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "subject-access.json" in got.headers["content-disposition"]
    assert fetch(db, offers, token, cookie).status_code == 404  # used


def test_without_a_session_or_with_another_the_link_opens_nothing(db):
    session_id, cookie = signed_in_browser(db)
    offers = Downloads(Clock())
    token = offers.offer(EXPORT, "subject-access.json", "application/json", session_id)
    refused = fetch(db, offers, token, None)
    assert refused.status_code == 404 and b"Ann" not in refused.body
    assert b"download again" in refused.body
    assert fetch(db, offers, token, "a-made-up-cookie").status_code == 404
    other = make_account(db, "Tom Ellery", "admin")
    other_session, ticket = accounts.begin_browser_session(db, other.id)
    claimed = accounts.claim_browser_ticket(db, ticket)
    assert claimed is not None
    assert fetch(db, offers, token, claimed[0]).status_code == 404
    # The refusals did not spend the owner's link.
    assert fetch(db, offers, token, cookie).body == EXPORT


def test_signing_out_ends_the_link(db):
    session_id, cookie = signed_in_browser(db)
    offers = Downloads(Clock())
    token = offers.offer(EXPORT, "subject-access.json", "application/json", session_id)
    accounts.end_browser_session(db, session_id)
    assert fetch(db, offers, token, cookie).status_code == 404


def test_the_link_expires_after_90_seconds(db):
    session_id, cookie = signed_in_browser(db)
    clock = Clock()
    offers = Downloads(clock)
    late = offers.offer(EXPORT, "subject-access.json", "application/json", session_id)
    in_time = offers.offer(EXPORT, "subject-access.json", "application/json", session_id)
    clock.now += LIFETIME_SECONDS - 1
    assert fetch(db, offers, in_time, cookie).status_code == 200
    clock.now += 2
    assert fetch(db, offers, late, cookie).status_code == 404


def test_tokens_are_long_and_never_repeat():
    offers = Downloads(Clock())
    tokens = {offers.offer(b"x", "x.csv", "text/csv", 1) for _ in range(200)}
    assert len(tokens) == 200 and min(len(t) for t in tokens) >= 40
