"""The browser's sign-in cookie, set by two small routes on the app's own server (st.App).

A Streamlit page cannot set a cookie: it talks to the browser over a websocket. So after a
password sign-in the sidebar shows a 1-pixel image from `/_lessons/session?ticket=…`; this
route exchanges the one-time ticket for the browser session's token and sets it as an
HttpOnly, SameSite=Lax cookie that lasts as long as the session (12 hours at most). A
reload, which starts a new Streamlit session, sends the cookie on the websocket, and
`ui_auth` finds the account by it. Signing out ends the session in the database, so a kept
cookie opens nothing; `/_lessons/forget` also removes it from the browser.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lessons import accounts, store
from lessons.auth import SESSION_COOKIE

# A transparent 1×1 GIF.
_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _pixel() -> Response:
    return Response(_PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store, private"})


def routes(database: Callable[[], store.Database], base_path: str = "") -> list[Route]:
    """The routes, under the server's base path; `database` gives the server's one
    Database (opened on first use)."""
    cookie_path = base_path or "/"

    def session(request: Request) -> Response:
        response = _pixel()
        # Only the app's own page may fetch it: another site embedding the address could
        # otherwise sign a visitor in to someone else's account (a login forgery).
        if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
            return response
        claimed = accounts.claim_browser_ticket(database(), request.query_params.get("ticket", ""))
        if claimed is not None:
            token, max_age = claimed
            response.set_cookie(
                SESSION_COOKIE,
                token,
                max_age=max_age,
                path=cookie_path,
                httponly=True,
                samesite="lax",
                # Behind an HTTPS proxy the scheme is read from X-Forwarded-Proto.
                secure=request.url.scheme == "https",
            )
        return response

    def forget(request: Request) -> Response:
        response = _pixel()
        response.delete_cookie(SESSION_COOKIE, path=cookie_path)
        return response

    return [
        Route(f"{base_path}/_lessons/session", session, methods=["GET"]),
        Route(f"{base_path}/_lessons/forget", forget, methods=["GET"]),
    ]
