"""The route that turns a sign-in ticket into the browser's HttpOnly cookie."""

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from lessons import accounts, web_session
from lessons.auth import SESSION_COOKIE
from tests.conftest import make_account


class Client:
    """Calls the routes' handlers with requests as a browser would send them (a sync
    handler needs no server; Starlette's TestClient would need another HTTP library)."""

    def __init__(self, db) -> None:
        self.routes = {route.path: route.endpoint for route in web_session.routes(lambda: db)}

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        parts = urlsplit(url)
        scope = {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "path": parts.path,
            "query_string": parts.query.encode(),
            "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
            "server": ("127.0.0.1", 8501),
        }
        return self.routes[parts.path](Request(scope))


def client(db) -> Client:
    return Client(db)


def test_a_ticket_becomes_an_http_only_cookie_once(db):
    priya = make_account(db, "Priya Shah", "facilitator")
    session_id, ticket = accounts.begin_browser_session(db, priya.id)
    answer = client(db).get(f"/_lessons/session?ticket={ticket}")
    assert answer.status_code == 200 and answer.media_type == "image/gif"
    assert "no-store" in answer.headers["cache-control"]
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=lax", "Path=/", "Max-Age="):
        assert attribute in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert accounts.browser_account(db, token=token) == (session_id, priya)
    again = client(db).get(f"/_lessons/session?ticket={ticket}")
    assert "set-cookie" not in again.headers  # a ticket works once


def test_another_site_cannot_hand_a_browser_someone_elses_session(db):
    priya = make_account(db, "Priya Shah", "facilitator")
    _, ticket = accounts.begin_browser_session(db, priya.id)
    forged = client(db).get(
        f"/_lessons/session?ticket={ticket}", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert "set-cookie" not in forged.headers
    assert "set-cookie" not in client(db).get("/_lessons/session?ticket=made-up").headers


def test_forgetting_removes_the_cookie(db):
    answer = client(db).get("/_lessons/forget")
    assert answer.headers["set-cookie"].startswith(f'{SESSION_COOKIE}="";')
    assert "Max-Age=0" in answer.headers["set-cookie"]
