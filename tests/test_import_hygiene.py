"""The core never imports Streamlit: only lessons/ui* may."""

import pkgutil
import subprocess
import sys

import lessons
from tests.conftest import ROOT

CORE_MODULES = sorted(
    f"lessons.{m.name}"
    for m in pkgutil.iter_modules(lessons.__path__)
    if not m.name.startswith("ui")
)


def test_there_is_a_core_to_check():
    assert {"lessons.store", "lessons.feedback", "lessons.sessions", "lessons.cli"} <= set(
        CORE_MODULES
    )


def test_importing_the_core_does_not_load_streamlit():
    imports = "; ".join(f"import {name}" for name in CORE_MODULES)
    script = f"import sys; {imports}; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"
