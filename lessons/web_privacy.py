"""The privacy notice at /privacy (`?lang=cy` in Welsh): plain HTML served by the app's
own server, so that attendees can read it from the form's footer, from a poster, or with
scripts off. It shares the form's stylesheet (a file on the same server, nothing inline).

A Starlette route (no Streamlit here); `ROUTES` is what lessons.ui_server adds to the
app's server.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from lessons import backups, form_html, privacy
from lessons.document import to_html
from lessons.i18n import language_or_default, translator
from lessons.privacy_notice import NOTICE_PATH, NOTICE_TITLE, notice_blocks
from lessons.startup import shared_database


def notice_page(language: str, root: str = "") -> str:
    database = shared_database()
    settings = privacy.privacy_settings(database)
    t = translator(language)
    other = "cy" if language == "en" else "en"
    page = form_html.Page(language, root, form_html.link(root, NOTICE_PATH, lang=other))
    return form_html.page_html(
        page, t(NOTICE_TITLE), to_html(notice_blocks(settings, t, backups.kept_for_days(database)))
    )


def routes(base_path: str = "") -> list[Route]:
    """The notice at /privacy under the server's base path ("" or "/prefix")."""

    async def privacy_notice(request: Request) -> HTMLResponse:
        """The council's privacy notice, with the details set on the Privacy settings page."""
        language = language_or_default(request.query_params.get("lang"))
        body = await run_in_threadpool(notice_page, language, base_path)
        return HTMLResponse(
            body, headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        )

    return [Route(base_path + NOTICE_PATH, privacy_notice, methods=["GET", "HEAD"])]
