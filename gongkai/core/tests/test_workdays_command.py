"""`gongkai workdays …`: the answers, the years table, and loud failures with exit status 2."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

D = dt.date


def run(*args) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
class TestAnswers:
    def test_add(self):
        assert run("add", "2026-09-28", "20") == "2026-10-30\n"
        assert run("add", "2026-09-25", "7") == "2026-10-12\n"
        assert run("add", "2026-10-30", "-20") == "2026-09-28\n"
        assert run("add", "2026年10月3日", "0") == "2026-10-03\n"

    def test_between(self):
        assert run("between", "2026-09-28", "2026-10-30") == "20\n"
        assert run("between", "2026-10-30", "2026-09-28") == "-20\n"

    @pytest.mark.parametrize(
        ("day", "answer"),
        [
            ("2026-10-10", "2026-10-10 工作日（星期六，国庆节调休上班）"),
            ("2026-01-04", "2026-01-04 工作日（星期日，元旦调休上班）"),
            ("2026-10-01", "2026-10-01 休息日（星期四，国庆节放假）"),
            ("2026-06-19", "2026-06-19 休息日（星期五，端午节放假）"),
            ("2026-10-11", "2026-10-11 休息日（星期日）"),
            ("2026-10-09", "2026-10-09 工作日（星期五）"),
        ],
    )
    def test_is(self, day, answer):
        assert run("is", day) == answer + "\n"

    def test_next_and_previous(self):
        assert run("next", "2026-09-30") == "2026-10-08\n"
        assert run("next", "2026-10-08", "--inclusive") == "2026-10-08\n"
        assert run("previous", "2026-10-08") == "2026-09-30\n"
        assert run("previous", "2026-10-04", "--inclusive") == "2026-09-30\n"

    def test_years(self, monkeypatch):
        monkeypatch.setattr("gongkai.core.calendar_banner._today", lambda: D(2026, 11, 26))
        out = run("years")
        assert "2004" in out and "2026" in out
        assert "chinesecalendar 软件包" in out
        assert "放假天数" in out and "调休上班天数" in out
        assert "2027年节假日安排尚未录入" in out

    def test_years_with_an_entered_year(self, enter_2027, monkeypatch):
        monkeypatch.setattr("gongkai.core.calendar_banner._today", lambda: D(2026, 11, 26))
        enter_2027()
        out = run("years")
        row = next(line for line in out.splitlines() if "2027" in line)
        assert "管理员录入" in row
        assert "尚未录入" not in out

    def test_show(self):
        out = run("show", "2026")
        assert "2026年节假日安排（来源：chinesecalendar 软件包）" in out
        assert "国庆节  2026年10月1日至2026年10月7日（7天）" in out
        assert "2026年10月10日（星期六）  国庆节调休" in out

    def test_2027_becomes_computable_once_entered(self, enter_2027):
        with pytest.raises(CommandError):
            run("add", "2026-12-20", "20")
        enter_2027()
        assert run("add", "2026-12-20", "20") == "2027-01-18\n"
        assert "管理员录入" in run("show", "2027")


@pytest.mark.django_db
class TestFailures:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("add", "2026-12-20", "20"), "2027年节假日安排尚未录入，无法按工作日计算期限"),
            (("is", "2027-01-04"), "2027年节假日安排尚未录入"),
            (("show", "2027"), "2027年节假日安排尚未录入"),
            (("between", "2026-12-01", "2027-01-10"), "2027年节假日安排尚未录入"),
            (("add", "2026-13-01", "3"), "“2026-13-01”不是有效日期"),
            (("add", "tomorrow", "3"), "不是有效日期，请使用 YYYY-MM-DD 格式"),
            (("add", "2026-09-28", "twenty"), "“twenty”不是整数"),
            (("add", "2026-09-28", "99999999"), "超出范围"),
            (("show", "26"), "不是有效年份"),
        ],
    )
    def test_exit_status_2_with_a_chinese_message(self, args, message):
        with pytest.raises(CommandError) as info:
            run(*args)
        assert info.value.returncode == 2
        assert message in str(info.value)

    def test_the_uncovered_message_says_how_to_enter_it(self):
        with pytest.raises(CommandError) as info:
            run("add", "2026-12-20", "20")
        assert "节假日安排" in str(info.value) and "/workbench/calendar/2027/edit/" in str(
            info.value
        )


# -- the real console script ------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """A migrated scratch database for the `gongkai` console script."""
    var = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "GONGKAI_VAR_DIR": str(var),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [_gongkai(), "migrate", "--verbosity", "0"], env=env, check=True, capture_output=True
    )
    return env


def _gongkai() -> str:
    script = Path(sys.executable).parent / "gongkai"
    if not script.exists():
        pytest.skip("the gongkai console script is not installed in this environment")
    return str(script)


def test_console_script_adds_working_days(cli_env):
    result = subprocess.run(
        [_gongkai(), "workdays", "add", "2026-09-28", "20"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2026-10-30\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "2026-12-20", "20"], "2027年节假日安排尚未录入，无法按工作日计算期限"),
        (["add", "2026-02-30", "1"], "“2026-02-30”不是有效日期"),
        (["add", "2026-09-28", "1e9"], "“1e9”不是整数"),
    ],
)
def test_console_script_fails_loudly_without_a_traceback(cli_env, args, message):
    result = subprocess.run(
        [_gongkai(), "workdays", *args], env=cli_env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "CommandError" not in result.stderr
