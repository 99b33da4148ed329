"""/download/<token>: a file with personal data, once, to the signed-in browser session it
was offered to (see lessons.downloads), never cached."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from lessons import accounts, store
from lessons.auth import SESSION_COOKIE
from lessons.downloads import DOWNLOAD_PREFIX, OFFERS, Downloads

GONE = (
    "This download link has expired, was already used, or belongs to another signed-in"
    " session. Go back to the page and download again."
)


def routes(
    database: Callable[[], store.Database], base_path: str = "", offers: Downloads = OFFERS
) -> list[Route]:
    def browser_session(cookie: str) -> int | None:
        found = accounts.browser_account(database(), token=cookie) if cookie else None
        return found[0] if found is not None else None

    async def download(request: Request) -> Response:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        session = await run_in_threadpool(browser_session, cookie)
        offer = offers.take(request.path_params["token"], session)
        if offer is None:
            return PlainTextResponse(GONE, status_code=404, headers={"Cache-Control": "no-store"})
        return Response(
            offer.data,
            media_type=offer.mime,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(offer.filename)}",
                "Cache-Control": "no-store, private",
            },
        )

    return [Route(f"{base_path}{DOWNLOAD_PREFIX}{{token}}", download, methods=["GET"])]
