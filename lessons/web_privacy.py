"""The privacy notice at /privacy: plain HTML served by the app's own server, so that
attendees can read it from the form's footer, from a poster, or with scripts off.

A Starlette route (no Streamlit here); `ROUTES` is what lessons.ui_server adds to the
app's server.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from lessons import backups, privacy
from lessons.privacy_notice import NOTICE_PATH, notice_html
from lessons.startup import shared_database


async def privacy_notice(request: Request) -> HTMLResponse:
    """The council's privacy notice, with the details set on the Privacy settings page."""
    database = shared_database()
    settings = await run_in_threadpool(privacy.privacy_settings, database)
    return HTMLResponse(
        notice_html(settings, backups.kept_for_days(database)),
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


ROUTES = [Route(NOTICE_PATH, privacy_notice, methods=["GET", "HEAD"])]
