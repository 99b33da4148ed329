"""What the app's server adds to every answer: security headers, and a health check that
fails when the database cannot be used.

`SecurityHeaders` is plain ASGI middleware (no Streamlit here): every HTTP response — the
app's pages, Streamlit's own routes and static files, our routes — gets the headers below;
a websocket upgrade passes through untouched. `/health` (and Streamlit's `/_stcore/health`,
which the middleware answers first when the database is unusable) reports 503 then, so a
monitor or load balancer sees a broken app as broken.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lessons import store
from lessons.errors import DatabaseUnavailable

HEALTH_PATH = "/health"
STREAMLIT_HEALTH_PATH = "/_stcore/health"

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def inline_script_hashes(index_html: str) -> list[str]:
    """CSP sources ('sha256-…') for each inline <script> of a page, so that exactly those
    run and no other inline script does."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(index_html)
    ]


def content_security_policy(index_html: str) -> str:
    """Only the app's own origin. Streamlit's page has one small inline script (allowed by
    its hash); its styling library and the charts write inline styles, so style-src alone
    allows 'unsafe-inline' (styles run no code); images may be data: or blob: URLs made in
    the page (QR codes, charts). WebAssembly is not used, so no 'wasm-unsafe-eval'."""
    scripts = " ".join(["'self'", *inline_script_hashes(index_html)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' data: blob:",
            "connect-src 'self'",
            "frame-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(index_html: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy(index_html).encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
    ]


DatabaseCheck = Callable[[], str | None]


def database_problem(database: Callable[[], store.Database]) -> DatabaseCheck:
    """A check for the health routes: None when the database can be read and written,
    else the one line that says what is wrong."""

    def check() -> str | None:
        try:
            database().check_usable()
        except DatabaseUnavailable as problem:
            return str(problem)
        return None

    return check


def _health_answer(problem: str | None) -> Response:
    if problem:
        return JSONResponse(
            {"status": "unavailable", "problem": problem},
            status_code=503,
            headers={"Cache-Control": "no-store"},
        )
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


def health_routes(check: DatabaseCheck, base_path: str = "") -> list[Route]:
    """`/health`: 200 {"status": "ok"}, or 503 with the database's problem."""

    async def health(request: Request) -> Response:
        return _health_answer(await run_in_threadpool(check))

    return [Route(f"{base_path}{HEALTH_PATH}", health, methods=["GET", "HEAD"])]


# A UTF-16 surrogate encoded as if it were a character (CESU-8): what a browser's
# protobuf library writes for a lone surrogate, and not UTF-8.
_ENCODED_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
# U+FFFD, the replacement character: three bytes too, so the message's lengths still hold.
_REPLACEMENT = "\ufffd".encode()


def replace_encoded_surrogates(frame: bytes) -> bytes:
    """`frame` with each encoded lone surrogate replaced by U+FFFD, byte for byte the same
    length. Only for a frame the server would otherwise refuse: the same bytes can occur
    inside a number."""
    return _ENCODED_SURROGATE.sub(_REPLACEMENT, frame)


FrameRepair = Callable[[bytes], bytes]


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response (any the handler set
    itself are replaced), and Streamlit's health route answered 503 while `check` finds
    the database unusable. A websocket is passed through with no header added; a frame
    from the browser goes through `repair` first (when given): Streamlit drops the whole
    connection on a message it cannot decode, such as text holding a lone surrogate."""

    def __init__(
        self, app: ASGIApp, headers: list[tuple[bytes, bytes]], check: DatabaseCheck,
        base_path: str = "", repair: FrameRepair | None = None,
    ) -> None:  # fmt: skip
        self.app = app
        self.headers = headers
        self.names = {name for name, _ in headers}
        self.check = check
        self.streamlit_health = f"{base_path}{STREAMLIT_HEALTH_PATH}"
        self.repair = repair

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and self.repair is not None:
            repair = self.repair

            async def receive_repaired() -> Message:
                message = await receive()
                if message["type"] == "websocket.receive" and message.get("bytes"):
                    message = {**message, "bytes": repair(message["bytes"])}
                return message

            await self.app(scope, receive_repaired, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                kept = [(k, v) for k, v in headers if k.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        if scope["path"] == self.streamlit_health:
            problem = await run_in_threadpool(self.check)
            if problem:
                await _health_answer(problem)(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)
