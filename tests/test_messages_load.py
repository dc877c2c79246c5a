"""LOAD TEST (slow: starts gunicorn): 200 citizen messages submitted concurrently over HTTP to a
running server on SQLite all arrive, with distinct tracking codes and no errors in the server
log — `bench/messages_load.py`, the same harness as the FOI applications' load test.

Skip it with GONGKAI_SKIP_LOAD_TEST=1 (or `-k "not load"`); MESSAGES_LOAD_COUNT changes the number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("MESSAGES_LOAD_COUNT", "200"))

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(
        os.environ.get("GONGKAI_SKIP_LOAD_TEST") == "1",
        reason="负载测试已跳过（GONGKAI_SKIP_LOAD_TEST=1）",
    ),
]


def test_load_200_concurrent_messages_over_http_all_arrive_with_distinct_codes():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "messages_load.py"),
            "--messages",
            str(COUNT),
            "--workers",
            "4",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = completed.stdout + completed.stderr
    print(output)
    assert completed.returncode == 0, output
    figures = json.loads(
        next(line for line in completed.stdout.splitlines() if line.startswith("{"))
    )
    assert figures["confirmed"] == figures["rows"] == figures["distinct_codes"] == COUNT
    assert figures["codes_match"] is True
    assert figures["server_log_errors"] == 0
