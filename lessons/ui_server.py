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

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
