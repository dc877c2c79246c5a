"""`gongkai foi deadline`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = io.StringIO()
    call_command("foi", "deadline", *args, stdout=out)
    text = out.getvalue()
    assert "\\u" not in text  # ensure_ascii=False
    return json.loads(text)


def test_received_only():
    assert run("--received", "2026-09-28") == {
        "due": "2026-10-30",
        "steps": ["2026年9月28日收到申请，为第0日", "自收到之日起20个工作日：2026年10月30日"],
    }


def test_extension():
    result = run("--received", "2026-09-28", "--extension", "20")
    assert result["due"] == "2026-11-27"
    assert result["steps"][-1] == "经负责人同意延长20个工作日，期限为2026年11月27日"


def test_correction_restart():
    result = run(
        "--received",
        "2026-09-28",
        "--correction-requested",
        "2026-09-30",
        "--correction-received",
        "2026-10-15",
    )
    assert result["due"] == "2026-11-12"
    assert "2026年10月15日收到补正材料，重新计算，为第0日" in result["steps"]


def test_correction_pending_is_paused():
    result = run("--received", "2026-09-28", "--correction-requested", "2026-09-30")
    assert result["due"] is None and result["paused"] is True


def test_consultation():
    result = run("--received", "2026-09-28", "--consultation", "2026-10-12", "2026-10-16")
    assert result["due"] == "2026-11-05"  # 4 working days later than 2026-10-30
    assert "不计入期限（4个工作日），期限顺延至2026年11月5日" in result["steps"][-1]


def test_uncovered_year_estimated():
    result = run("--received", "2026-12-21")
    assert result["estimated"] is True
    assert result["warning"].startswith(
        "2027年节假日安排尚未公布，期限按《全国年节及纪念日放假办法》"
    )
    # 元旦 (Friday 2027-01-01) is a statutory holiday: one day later than weekends only.
    assert result["due"] == "2027-01-19"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--received", "2026-13-01"], "不是有效日期"),
        (["--received", "2026-09-28", "--extension", "21"], "应为1至20之间的整数"),
        (["--received", "2026-09-28", "--extension", "abc"], "应为1至20之间的整数"),
        (
            ["--received", "2026-09-28", "--consultation", "2026-10-20", "2026-10-10"],
            "早于开始之日",
        ),
        (
            ["--received", "2026-09-28", "--correction-received", "2026-10-10"],
            "没有填写告知补正之日",
        ),
        (
            [
                "--received",
                "2026-09-28",
                "--correction-requested",
                "2026-10-10",
                "--correction-received",
                "2026-10-01",
            ],
            "不能早于告知补正之日",
        ),
    ],
)
def test_bad_input(args, message):
    with pytest.raises(CommandError) as err:
        call_command("foi", "deadline", *args, stdout=io.StringIO())
    assert err.value.returncode == 2
    assert message in str(err.value)


def test_cli_exit_status_2_with_chinese_message():
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    proc = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "foi", "deadline", "--received", "2026-02-30"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "“2026-02-30”不是有效日期" in proc.stderr
    assert "Traceback" not in proc.stderr
