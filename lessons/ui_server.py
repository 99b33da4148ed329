"""Start the app's server: Streamlit's `st.App` for app.py, with our own routes, the single
sign-on settings, and app.py's navigation in charge from the first visit.

    python -m lessons.ui_server [--server.address A] [--server.port P] [streamlit options...]

Before it listens, it refuses (one line, exit status 1) to serve a database with no staff
account, or the demo, on any address but this computer's own (127.0.0.1, localhost).

Streamlit treats a `pages/` folder beside the entry script as its older multipage layout
until the entry script first calls `st.navigation`. Until then, a first visit straight to
/sessions would run pages/sessions.py without app.py: no page config, the wrong menu, and
any sign-in check bypassed. Setting the flag before the server starts makes every request
go through app.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager

from lessons import accounts, web_feedback, web_privacy, web_session
from lessons.auth import SingleSignOnMisconfigured, oidc_secrets
from lessons.startup import shared_database

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


def main() -> None:
    flags = streamlit_flags(sys.argv[1:])
    try:
        secrets = oidc_secrets(os.environ)
    except SingleSignOnMisconfigured as problem:
        raise SystemExit(str(problem)) from problem
    # The address as Streamlit will read it: the flags, over .streamlit/config.toml.
    config.get_config_options(force_reparse=True, options_from_flags=flags)
    base_path = (config.get_option("server.baseUrlPath") or "").strip("/")
    refusal = accounts.startup_problem(shared_database(), config.get_option("server.address"))
    if refusal:
        raise SystemExit(refusal)
    PagesManager.uses_pages_directory = False
    app = st.App(
        APP,
        secrets=secrets,
        routes=[
            *web_privacy.ROUTES,
            *web_session.routes(shared_database, f"/{base_path}" if base_path else ""),
            *web_feedback.routes(shared_database, f"/{base_path}" if base_path else ""),
        ],
    )
    sys.argv = sys.argv[:1]
    app.run(config=flags)


if __name__ == "__main__":
    main()
