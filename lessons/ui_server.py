"""Start the Streamlit server for app.py, with app.py's navigation in charge from the first visit.

    python -m lessons.ui_server [streamlit options...]

Streamlit treats a `pages/` folder beside the entry script as its older
multipage layout until the entry script first calls `st.navigation`. Until
then, a first visit straight to /sessions would run pages/sessions.py without
app.py: no page config, the wrong menu, and any sign-in check bypassed. Setting
the flag before the server starts makes every request go through app.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from starlette.routing import BaseRoute
from streamlit.runtime import Runtime
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli
from streamlit.web.server.starlette import starlette_app

from lessons import web_privacy

APP = Path(__file__).resolve().parent.parent / "app.py"


def _add_our_routes() -> None:
    """Put our own routes (the privacy notice) ahead of Streamlit's, which end in a
    catch-all for the app's pages. A stopgap until the server is assembled as an st.App,
    whose `routes=` takes `web_privacy.ROUTES` as they are."""
    streamlit_routes = starlette_app.create_streamlit_routes

    def routes(runtime: Runtime) -> list[BaseRoute]:
        return [*web_privacy.ROUTES, *streamlit_routes(runtime)]

    starlette_app.create_streamlit_routes = routes


def main() -> None:
    PagesManager.uses_pages_directory = False
    _add_our_routes()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
