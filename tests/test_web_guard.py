"""The server's guard: security headers on every response, the health routes failing when
the database cannot be used, and a failing page showing an apology with a reference code
(the traceback only in the server's log)."""

from __future__ import annotations

import json
import logging
import re
import struct
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.testing.v1 import AppTest

from lessons import web_guard
from lessons.errors import ValidationError
from lessons.startup import open_app_database
from lessons.typed_text import UNSTORABLE, clean
from lessons.ui_server import repaired_back_message
from tests.conftest import run_async

PAGE = '<html><script>\n  window.ready = false\n</script><script src="x.js"></script></html>'
HEADERS = {
    "content-security-policy",
    "x-frame-options",
    "referrer-policy",
    "x-content-type-options",
}


@dataclass
class Reply:
    status_code: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class Client:
    """Drives an ASGI app in this process as a server would (Starlette's TestClient would
    need another HTTP library)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def get(self, path: str) -> Reply:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
            "query_string": b"", "headers": [(b"host", b"127.0.0.1")],
            "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 50000),
        }  # fmt: skip
        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        run_async(self.app(scope, receive, send))
        start = next(m for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        return Reply(start["status"], headers, body.decode())

    def websocket_messages(self, path: str) -> list[MutableMapping[str, Any]]:
        """What the app sends on a websocket that connects and waits to be closed."""
        scope = {
            "type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "path": path,
            "raw_path": path.encode(), "root_path": "", "query_string": b"",
            "headers": [(b"host", b"127.0.0.1")], "server": ("127.0.0.1", 8501),
            "client": ("127.0.0.1", 50000), "subprotocols": [],
        }  # fmt: skip
        sent: list[MutableMapping[str, Any]] = []
        incoming = [{"type": "websocket.connect"}]

        async def receive() -> dict:
            return incoming.pop(0) if incoming else {"type": "websocket.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        run_async(self.app(scope, receive, send))
        return sent


def guarded_app(database) -> Starlette:
    check = web_guard.database_problem(lambda: database)

    async def page(request):
        # A handler's own weaker header is replaced.
        return PlainTextResponse("page", headers={"X-Frame-Options": "SAMEORIGIN"})

    async def streamlit_health(request):
        return PlainTextResponse("ok")

    async def socket(websocket):
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    return Starlette(
        routes=[
            *web_guard.health_routes(check),
            Route("/page", page),
            Route("/_stcore/health", streamlit_health),
            WebSocketRoute("/_stcore/stream", socket),
        ],
        middleware=[
            Middleware(
                web_guard.SecurityHeaders,
                headers=web_guard.security_headers(PAGE),
                check=check,
            )
        ],
    )


def test_every_response_carries_the_headers_and_a_websocket_is_untouched(db):
    client = Client(guarded_app(db))
    for path in ("/page", "/health", "/_stcore/health", "/nowhere"):
        reply = client.get(path)
        assert set(reply.headers) >= HEADERS, path
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["referrer-policy"] == "no-referrer"
        assert reply.headers["x-content-type-options"] == "nosniff"
    policy = client.get("/page").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "connect-src 'self'" in policy and "img-src 'self' data: blob:" in policy
    # Scripts: the app's own files and the page's one inline script, by its hash; no
    # 'unsafe-inline' or 'unsafe-eval' for scripts.
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src is not None
    assert script_src.group(1) == "'self' " + web_guard.inline_script_hashes(PAGE)[0]
    assert "unsafe-eval" not in policy
    # The upgrade passes through as it came: accepted, with no headers added.
    accept, hello, *_ = client.websocket_messages("/_stcore/stream")
    assert accept == {"type": "websocket.accept", "subprotocol": None, "headers": []}
    assert hello["text"] == "hello"


def test_the_inline_script_hash_is_that_of_its_text():
    # The hash CSP expects: sha256 of the script's text between the tags, base64.
    assert web_guard.inline_script_hashes("<script>alert(1)</script>") == [
        "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    ]


def test_health_is_ok_while_the_database_works_and_503_once_it_does_not(db_path):
    database = open_app_database(db_path)
    client = Client(guarded_app(database))
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/_stcore/health").text == "ok"
    database.close()  # the database can no longer be used
    for path in ("/health", "/_stcore/health"):
        reply = client.get(path)
        assert reply.status_code == 503
        assert reply.json()["status"] == "unavailable"
        assert str(db_path) in reply.json()["problem"]


FAILING_PAGE = """
from lessons import ui_errors
try:
    raise RuntimeError("secret detail /srv/app/lessons/store.py")
except RuntimeError as problem:
    suppressed = ui_errors.on_script_error(problem)
import streamlit as st
st.write("suppressed" if suppressed else "shown")
"""


def test_a_failing_page_shows_an_apology_with_a_code_that_the_log_has(caplog):
    caplog.set_level(logging.ERROR, logger="lessons.errors")
    at = AppTest.from_string(FAILING_PAGE).run()
    [apology] = at.error
    code = re.search(r"reference: ([0-9A-F]{8})$", apology.value)
    assert code is not None, apology.value
    assert "secret detail" not in apology.value and "Traceback" not in apology.value
    assert at.markdown[0].value == "suppressed"  # Streamlit's own error box is not shown
    [record] = [r for r in caplog.records if code.group(1) in r.getMessage()]
    assert record.exc_info is not None and "secret detail" in str(record.exc_info[1])


def test_a_lone_surrogate_from_the_browser_becomes_a_character_the_form_refuses():
    message = BackMsg()
    message.rerun_script.query_string = "Good abc session"
    whole = message.SerializeToString()
    # What a browser's protobuf library writes for "Good \ud800 session".
    broken = whole.replace(b"abc", b"\xed\xa0\x80")
    repaired = repaired_back_message(broken)
    assert len(repaired) == len(broken)
    assert BackMsg.FromString(repaired).rerun_script.query_string == "Good \ufffd session"
    with pytest.raises(ValidationError) as refused:
        clean("Good \ufffd session", "went_well")
    assert refused.value.errors["went_well"] == UNSTORABLE


def test_a_message_that_decodes_is_passed_on_untouched_even_with_those_bytes():
    message = BackMsg()
    message.rerun_script.query_string = "x"
    # A number whose bytes look like an encoded surrogate: the frame is valid as it is.
    number = struct.unpack("<d", b"\xed\xa0\x80\x00\x00\x00\xf0\x3f")[0]
    message.rerun_script.widget_states.widgets.add(id="w", double_value=number)
    frame = message.SerializeToString()
    assert b"\xed\xa0\x80" in frame
    assert repaired_back_message(frame) is frame
