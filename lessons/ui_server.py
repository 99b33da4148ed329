"""Start the app's server: Streamlit's `st.App` for app.py, with our own routes, the single
sign-on settings, and app.py's navigation in charge from the first visit.

    python -m lessons.ui_server [--server.address A] [--server.port P] [streamlit options...]

Before it listens, it refuses (one line, exit status 1) to serve a database it cannot use
(lessons.errors.DatabaseUnavailable: in use, read-only, damaged, full disk, bad memory
limit), or one with no staff account, or the demo, on any address but this computer's own
(127.0.0.1, localhost).

It starts the nightly backup on its own thread (lessons.backups), and writes a run-file
beside the database (its address and a secret, mode 0600; removed when it stops) through
which `lessons backup now` asks it for a backup (lessons.web_backup).

Every response passes through web_guard's middleware (security headers; 503 from
/_stcore/health when the database is unusable); `routes()` lists our own routes (add a
new web_* module's there); a failing page shows ui_errors' apology; while it runs, the
database is checkpointed every few minutes and at a clean stop (`lifespan`).

Streamlit treats a `pages/` folder beside the entry script as its older multipage layout
until the entry script first calls `st.navigation`. Until then, a first visit straight to
/sessions would run pages/sessions.py without app.py: no page config, the wrong menu, and
any sign-in check bypassed. Setting the flag before the server starts makes every request
go through app.py.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import streamlit
import streamlit as st
from google.protobuf.message import DecodeError
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from streamlit import config
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.pages_manager import PagesManager

from lessons import (
    accounts,
    backups,
    ui_errors,
    web_backup,
    web_downloads,
    web_feedback,
    web_followup,
    web_guard,
    web_privacy,
    web_session,
)
from lessons.auth import SingleSignOnMisconfigured, oidc_secrets
from lessons.errors import DatabaseUnavailable
from lessons.startup import Checkpoints, shared_database

APP = Path(__file__).resolve().parent.parent / "app.py"


def streamlit_flags(args: list[str]) -> dict[str, Any]:
    """`--section.option value` (or `=value`) pairs as Streamlit config overrides, each
    value of its option's type."""
    flags: dict[str, Any] = {}
    words = iter(args)
    for word in words:
        if not word.startswith("--"):
            raise SystemExit(f"Unexpected argument {word!r}: give Streamlit options as --a.b v.")
        name, _, value = word[2:].partition("=")
        if not value:
            value = next(words, "")
        option = config._config_options_template.get(name)
        if option is None:
            raise SystemExit(f"Unknown Streamlit option --{name}.")
        if option.type is bool:
            flags[name] = value.strip().lower() in ("true", "1", "yes")
        else:
            flags[name] = option.type(value)
    return flags


def routes(base: str, backup_secret: str) -> list[BaseRoute]:
    """Our own routes, under the server's base path (`base`, "" or "/prefix"): add a new
    lessons.web_* module's routes here. `backup_secret` is the one `lessons backup now`
    must send (from the run-file)."""
    return [
        *web_guard.health_routes(web_guard.database_problem(shared_database), base),
        *web_privacy.routes(base),
        *web_session.routes(shared_database, base),
        *web_downloads.routes(shared_database, base),
        *web_feedback.routes(shared_database, base),
        *web_followup.routes(shared_database, base),
        *web_backup.routes(shared_database, backup_secret, base),
    ]


def middleware(base: str) -> list[Middleware]:
    """Wrapped around every route, ours and Streamlit's (pages, static files, health)."""
    index_html = (Path(streamlit.__file__).parent / "static" / "index.html").read_text("utf-8")
    return [
        Middleware(
            web_guard.SecurityHeaders,
            headers=web_guard.security_headers(index_html),
            check=web_guard.database_problem(shared_database),
            base_path=base,
            repair=repaired_back_message,
        )
    ]


def repaired_back_message(frame: bytes) -> bytes:
    """A browser's message as Streamlit can read it: one that does not decode because its
    text holds a lone surrogate (a broken paste) gets U+FFFD there instead, which the form
    then refuses with a message (lessons.typed_text), rather than the connection dropping
    and the form resetting without a word."""
    try:
        BackMsg.FromString(frame)
    except DecodeError:
        return web_guard.replace_encoded_surrogates(frame)
    return frame


def lifespan(
    backup_settings: backups.BackupSettings, backup_secret: str, base: str
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """While the server serves (once it listens, so its port is known): a checkpoint every
    few minutes and one on a clean stop; the nightly backup's thread, and the run-file that
    lets `lessons backup now` ask for one."""

    @asynccontextmanager
    async def serving(app: Any) -> AsyncIterator[None]:
        database_path = shared_database().path
        checkpoints = Checkpoints(shared_database)
        checkpoints.start()
        backups.write_run_file(database_path, own_address(base), backup_secret)
        schedule = backups.BackupSchedule(shared_database, backup_settings)
        schedule.start()
        try:
            yield None
        finally:
            schedule.stop()
            backups.remove_run_file(database_path)
            checkpoints.stop()

    return serving


def own_address(prefix: str) -> str:
    """The server's address as seen from this computer (for `lessons backup now`)."""
    host = (config.get_option("server.address") or "").strip()
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host:
        host = f"[{host}]"
    scheme = "https" if config.get_option("server.sslCertFile") else "http"
    return f"{scheme}://{host}:{config.get_option('server.port')}{prefix}"


def main() -> None:
    flags = streamlit_flags(sys.argv[1:])
    try:
        secrets = oidc_secrets(os.environ)
    except SingleSignOnMisconfigured as problem:
        raise SystemExit(str(problem)) from problem
    # The address as Streamlit will read it: the flags, over .streamlit/config.toml.
    config.get_config_options(force_reparse=True, options_from_flags=flags)
    base_path = (config.get_option("server.baseUrlPath") or "").strip("/")
    base = f"/{base_path}" if base_path else ""
    try:
        refusal = accounts.startup_problem(shared_database(), config.get_option("server.address"))
    except DatabaseUnavailable as problem:
        raise SystemExit(f"Cannot start: {problem}") from None
    if refusal:
        raise SystemExit(refusal)
    try:
        backup_settings = backups.backup_settings(shared_database().path)
    except ValueError as problem:
        raise SystemExit(str(problem)) from problem
    backup_secret = backups.new_secret()
    PagesManager.uses_pages_directory = False
    app = st.App(
        APP,
        secrets=secrets,
        routes=routes(base, backup_secret),
        middleware=middleware(base),
        lifespan=lifespan(backup_settings, backup_secret, base),
        on_script_error=ui_errors.on_script_error,
    )
    sys.argv = sys.argv[:1]
    # No traceback reaches a browser, whatever .streamlit/config.toml says.
    app.run(config={**flags, "client.showErrorDetails": "none"})


if __name__ == "__main__":
    main()
