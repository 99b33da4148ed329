"""`lessons backup now` while the app runs: a route on the app's own server (st.App).

DuckDB lets one process write the database, so the command line cannot take a backup
itself while the app runs; it asks the app. The route answers only a POST carrying the
secret the server made at start and wrote, readable by its own user only, to its
run-file beside the database (lessons.backups); anything else is refused with 403.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lessons import backups, store
from lessons.auth import COMMAND_LINE, Actor

BACKUP_PATH = "/_lessons/backup"


def routes(database: Callable[[], store.Database], secret: str, base_path: str = "") -> list[Route]:
    """The route, under the server's base path; `database` gives the server's one Database."""

    async def backup_now(request: Request) -> JSONResponse:
        given = request.headers.get(backups.SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return JSONResponse({"ok": False, "error": "Not allowed."}, status_code=403)
        requested_by = f"{COMMAND_LINE.name} (asked the running app)"
        actor = Actor(None, requested_by, COMMAND_LINE.role)
        try:
            result = await run_in_threadpool(backups.back_up, database(), actor)
        except backups.BackupFailed as failed:
            return JSONResponse({"ok": False, "error": str(failed)}, status_code=500)
        return JSONResponse(
            {
                "ok": True,
                "file": str(result.file),
                "size_bytes": result.size_bytes,
                "tables": result.tables,
                "rows": result.rows,
                "message": result.describe(),
            }
        )

    return [Route(f"{base_path}{BACKUP_PATH}", backup_now, methods=["POST"])]
