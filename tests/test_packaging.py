"""A normal (non-editable) install holds the whole `lessons` package, store and CLI included."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from tests.conftest import ROOT

# What a build may copy from the checkout: the sources, never local state or caches.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", ".*cache", ".hypothesis", "build", "*.egg-info", "*.duckdb*"
)


def run(command: list[str | Path], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def build_wheel(tmp_path: Path) -> tuple[Path, str]:
    """Build from a copy of the checkout, so the build leaves nothing in the real one."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    wheels = tmp_path / "wheels"
    # No build isolation: the test extra installs setuptools, so nothing is downloaded.
    output = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--wheel-dir",
            wheels,
            source,
        ],
        cwd=tmp_path,
    )
    [wheel] = wheels.glob("council_lessons-*.whl")
    return wheel, output


def fresh_venv_with_our_dependencies(path: Path) -> Path:
    """A new venv whose third-party packages come from this one's site-packages.

    A line in a .pth file only extends sys.path; the .pth files in that folder (this
    venv's editable install of lessons among them) are not run, so the fresh venv
    can import `lessons` only from what is installed into it.
    """
    run([sys.executable, "-m", "venv", "--without-pip", path], cwd=path.parent)
    python = path / "bin" / "python"
    purelib = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=path.parent
    ).strip()
    Path(purelib, "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_the_wheel_installs_and_imports_the_store_and_the_cli(tmp_path):
    wheel, build_output = build_wheel(tmp_path)
    # The SPDX licence string: no deprecation warning from setuptools, and in the metadata.
    assert "deprecated" not in build_output.lower(), build_output
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        assert "License-Expression: MIT" in archive.read(metadata).decode()
    assert "lessons/store/__init__.py" in names
    # The form's catalogues, stylesheet and scripts: without them it cannot speak or style.
    for language in ("en", "cy"):
        assert f"lessons/locales/{language}/LC_MESSAGES/messages.po" in names
    for static in ("form.css", "form.js", "present.js"):
        assert f"lessons/static/{static}" in names
    assert {name.split("/")[0] for name in names} == {"lessons", metadata.split("/")[0]}

    venv = tmp_path / "venv"
    python = fresh_venv_with_our_dependencies(venv)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        cwd=tmp_path,
    )

    # -I: neither the working folder nor PYTHONPATH goes on sys.path.
    imported = run(
        [
            python,
            "-I",
            "-c",
            "import lessons.store, lessons.cli; print(lessons.store.__file__); "
            "print(lessons.cli.__file__)",
        ],
        cwd=tmp_path,
    ).split()
    assert len(imported) == 2
    for module_file in imported:
        assert Path(module_file).is_relative_to(venv), imported
    assert "demo" in run([venv / "bin" / "lessons", "--help"], cwd=tmp_path)
    # The installed package finds its Welsh catalogue.
    welsh = run(
        [
            python,
            "-I",
            "-c",
            "from lessons.i18n import translate; print(translate('cy', 'Thank you'))",
        ],
        cwd=tmp_path,
    )
    assert welsh.strip() == "Diolch"
