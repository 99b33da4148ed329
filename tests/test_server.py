"""The server launcher: it reads Streamlit's options from the command line, and refuses to
listen beyond this computer with no staff account (or with the demo), before listening."""

import os
import subprocess
import sys
import tomllib
from datetime import date

import pytest

from lessons.startup import open_app_database
from lessons.ui_server import streamlit_flags
from tests.conftest import ROOT, make_account


def launch(db_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lessons.ui_server", "--server.headless", "true", *args],
        cwd=ROOT,
        env={**os.environ, "LESSONS_DB": str(db_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_streamlit_options_keep_their_types():
    assert streamlit_flags(
        ["--server.address", "127.0.0.1", "--server.port=8502", "--server.headless", "true"]
    ) == {"server.address": "127.0.0.1", "server.port": 8502, "server.headless": True}
    with pytest.raises(SystemExit):
        streamlit_flags(["--server.nonsense", "1"])


def test_no_account_and_a_public_address_refuses_to_start_with_one_line(db_path):
    open_app_database(db_path).close()
    refused = launch(db_path, "--server.address", "0.0.0.0", "--server.port", "1")
    assert refused.returncode == 1
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("Refusing to listen on 0.0.0.0 with no staff account")
    assert "lessons users add" in line


def test_listening_everywhere_by_default_is_refused_too(db_path):
    open_app_database(db_path).close()
    refused = launch(db_path, "--server.port", "1")
    assert refused.returncode == 1 and "every network interface" in refused.stderr


def test_the_demo_is_not_served_beyond_this_computer(demo_copy):
    db, _ = demo_copy(date(2026, 11, 25))
    db.close()
    refused = launch(db.path, "--server.address", "0.0.0.0", "--server.port", "1")
    assert refused.returncode == 1 and "demo database" in refused.stderr


def test_half_set_single_sign_on_refuses_to_start(db):
    make_account(db)
    db.close()
    refused = launch(
        db.path, "--server.address", "127.0.0.1", "--server.port", "1",
        LESSONS_OIDC_CLIENT_ID="lessons",
    )  # fmt: skip
    assert refused.returncode == 1
    assert "Single sign-on is half set up" in refused.stderr.strip().splitlines()[-1]


def test_no_traceback_reaches_a_browser_by_configuration():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["showErrorDetails"] == "none"
