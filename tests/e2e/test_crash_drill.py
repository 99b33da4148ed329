"""A short kill -9 drill (benchmarks/crash_drill.py, 3 rounds): the real server killed while
attendees send the form in a browser loses none of the responses it acknowledged."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_three_rounds_of_kill_9_lose_no_acknowledged_response():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "crash_drill.py"), "--rounds", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rounds"] == 3
    assert result["acknowledged"] > 0, done.stdout  # the drill did send and save responses
    assert result["lost"] == 0, done.stdout
    assert result["stored"] >= result["acknowledged"]
