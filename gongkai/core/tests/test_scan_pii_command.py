"""`gongkai scan-pii FILE [--json] [--mask OUT]`: the JSON shape on TXT, DOCX, XLSX and PDF,
exit status 0 (nothing found) / 1 (found) / 2 (unreadable, a Chinese message, no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongkai.core.management.commands.scan_pii import Command
from gongkai.core.tests.test_text_extract import OLE_MAGIC, make_docx, make_pdf, make_xlsx
from gongkai.core.text_extract import extract_text

ID = "440402199001011236"
MOBILE = "13800138000"
CARD = "6222021234567890128"


def run(*args: str) -> tuple[int, str, str]:
    """The command as the console script runs it: (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    command = Command(stdout=out, stderr=err)
    try:
        command.run_from_argv(["gongkai", "scan-pii", *map(str, args)])
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path):
    def write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


SAMPLE_LINES = [f"姓名：张三，身份证号：{ID}", f"王五 手机 {MOBILE}", f"卡号 {CARD}"]


def sample(kind: str) -> bytes:
    if kind == "txt":
        return ("\n".join(SAMPLE_LINES) + "\n").encode()
    if kind == "docx":
        return make_docx(SAMPLE_LINES[:1], [["王五", "手机", MOBILE], ["卡号", CARD, ""]])
    if kind == "xlsx":
        return make_xlsx({"名单": [["张三", ID], ["王五", int(MOBILE)]], "卡": [["卡号", CARD]]})
    return make_pdf([SAMPLE_LINES[:2], SAMPLE_LINES[2:]])


class TestJson:
    @pytest.mark.parametrize("kind", ["txt", "docx", "xlsx", "pdf"])
    def test_shape_and_offsets(self, files, kind):
        data = sample(kind)
        path = files(f"sample.{kind}", data)
        status, out, err = run(path, "--json")
        assert status == 1, err
        payload = json.loads(out)
        assert list(payload) == ["findings"]
        assert [f["kind"] for f in payload["findings"]] == ["id_number", "mobile", "bank_card"]
        text = extract_text(data)
        for finding in payload["findings"]:
            assert list(finding) == ["kind", "text", "start", "end"]
            assert text[finding["start"] : finding["end"]] == finding["text"]
        assert [f["text"] for f in payload["findings"]] == [ID, MOBILE, CARD]

    def test_exact_output(self, files):
        path = files("a.txt", f"联系人：王五，电话 {MOBILE}".encode())
        status, out, _ = run(path, "--json")
        assert status == 1
        assert out == (
            '{"findings": [{"kind": "mobile", "text": "13800138000", "start": 10, "end": 21}]}\n'
        )

    def test_not_ascii_escaped(self, files):
        path = files("a.txt", "手机１３８００１３８０００".encode())
        _, out, _ = run(path, "--json")
        assert '"text": "１３８００１３８０００"' in out

    def test_nothing_found(self, files):
        path = files(
            "a.txt", "珠府办函〔2017〕136号，金额 12,345,678.00 元，电话 0756-3601001".encode()
        )
        assert run(path, "--json") == (0, '{"findings": []}\n', "")

    def test_call_command_and_the_underscore_name(self, files):
        path = files("a.txt", f"王五 {MOBILE}".encode())
        out = StringIO()
        call_command("scan_pii", str(path), "--json", stdout=out)
        assert json.loads(out.getvalue())["findings"][0]["kind"] == "mobile"
        out = StringIO()
        call_command("scan-pii", str(path), "--json", stdout=out)
        assert json.loads(out.getvalue())["findings"][0]["text"] == MOBILE


class TestTable:
    def test_findings_are_shown_masked(self, files):
        status, out, _ = run(files("a.txt", sample("txt")))
        assert status == 1
        assert "共 3 处" in out
        assert "身份证号码" in out and "手机号码" in out and "银行卡号" in out
        assert "440*************36" in out and "138****8000" in out
        assert "张*" in out and "第 1 行" in out
        assert ID not in out and MOBILE not in out and CARD not in out

    def test_nothing_found(self, files):
        status, out, _ = run(files("a.txt", "没有个人信息".encode()))
        assert status == 0 and "未发现个人信息" in out


class TestMask:
    def test_masked_copy_of_a_text_file(self, files, tmp_path):
        source = files("a.txt", sample("txt"))
        out = tmp_path / "masked.txt"
        status, stdout, err = run(source, "--mask", out, "--json")
        assert status == 1 and "已写入打码副本" in err
        assert len(json.loads(stdout)["findings"]) == 3
        assert out.read_text(encoding="utf-8") == (
            "姓名：张*，身份证号：440*************36\n"
            "王* 手机 138****8000\n"
            "卡号 ***************0128\n"
        )
        assert run(out, "--json")[0] == 0  # nothing left

    def test_the_encoding_is_kept(self, files, tmp_path):
        source = files("gbk.txt", f"王五 {MOBILE}".encode("gb18030"))
        out = tmp_path / "masked.txt"
        run(source, "--mask", out)
        assert out.read_bytes().decode("gb18030") == "王* 138****8000"

    def test_only_for_text_files(self, files, tmp_path):
        status, _, err = run(files("a.docx", sample("docx")), "--mask", tmp_path / "out.docx")
        assert status == 2 and "只能为纯文本文件生成打码副本" in err
        assert not (tmp_path / "out.docx").exists()

    def test_never_over_the_source(self, files):
        source = files("a.txt", sample("txt"))
        status, _, err = run(source, "--mask", source)
        assert status == 2 and "不能覆盖原文件" in err
        assert source.read_bytes() == sample("txt")


class TestUnreadable:
    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("old.doc", OLE_MAGIC + "WordDocument".encode("utf-16-le") + b"\0" * 64, "另存为 DOCX"),
            ("old.xls", OLE_MAGIC + "Workbook".encode("utf-16-le") + b"\0" * 64, "另存为 XLSX"),
            ("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "PNG"),
            ("x.bin", bytes(range(256)) * 4, "无法识别的文件类型"),
            ("x.pdf", b"%PDF-1.7\ngarbage", "PDF 已损坏"),
            ("x.docx", b"PK\x03\x04 broken zip", "无法识别的文件类型"),
            ("empty.txt", b"", "空的"),
        ],
    )
    def test_bad_files(self, files, name, data, message):
        status, out, err = run(files(name, data), "--json")
        assert status == 2
        assert out == ""
        assert f"无法读取“{name}”" in err and message in err
        assert "Traceback" not in err

    def test_missing_file_and_directory(self, tmp_path):
        status, _, err = run(tmp_path / "nope.txt")
        assert status == 2 and "找不到文件" in err
        status, _, err = run(tmp_path)
        assert status == 2 and "不是文件" in err

    def test_call_command_raises_command_error_with_status_2(self, tmp_path):
        with pytest.raises(CommandError) as info:
            call_command("scan-pii", str(tmp_path / "nope.txt"), stdout=StringIO())
        assert info.value.returncode == 2


# -- the real console script --------------------------------------------------------------------


def _gongkai() -> str:
    script = Path(sys.executable).parent / "gongkai"
    if not script.exists():
        pytest.skip("the gongkai console script is not installed in this environment")
    return str(script)


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "GONGKAI_VAR_DIR": str(tmp_path_factory.mktemp("var")),
        "SECRET_KEY": "scan-pii-tests",
    }
    env.pop("DATABASE_URL", None)
    return env


@pytest.mark.parametrize("name", ["scan-pii", "scan_pii"])
def test_console_script(cli_env, tmp_path, name):
    path = tmp_path / "list.pdf"
    path.write_bytes(sample("pdf"))
    result = subprocess.run(
        [_gongkai(), name, str(path), "--json"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert [f["kind"] for f in json.loads(result.stdout)["findings"]] == [
        "id_number",
        "mobile",
        "bank_card",
    ]


def test_console_script_on_a_bad_file(cli_env, tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(OLE_MAGIC + "WordDocument".encode("utf-16-le"))
    result = subprocess.run(
        [_gongkai(), "scan-pii", str(path)],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "另存为 DOCX" in result.stderr and "Traceback" not in result.stderr
