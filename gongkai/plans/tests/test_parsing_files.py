"""Reading files: sniffing the content, encodings, and clear errors for what cannot be read."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from gongkai.plans.parsing import (
    ParseResult,
    PlanParseError,
    all_unit_names,
    parse_docx,
    parse_file,
    parse_text,
    parse_xlsx,
)
from gongkai.plans.parsing.files import UNRECOGNISED

PLAN = "一、深化改革\n1.推进A公开，每月更新。（责任单位：区党政办）\n2.推进B公开。（责任单位：区财政局、区党政办）\n"


def test_utf8_with_bom_gb18030_and_utf16():
    expected = parse_text(PLAN).to_dict()
    for data in (
        PLAN.encode("utf-8"),
        PLAN.encode("utf-8-sig"),
        PLAN.encode("gb18030"),
        PLAN.encode("utf-16"),
    ):
        assert parse_file(data).to_dict() == expected


def test_paths_file_objects_and_bytes(tmp_path):
    path = tmp_path / "方案.docx"  # the extension lies: it is text
    path.write_text(PLAN, encoding="gb18030")
    assert len(parse_file(path).items) == 2
    assert len(parse_file(str(path)).items) == 2
    with path.open("rb") as handle:
        assert len(parse_file(handle).items) == 2
    assert len(parse_file(io.BytesIO(PLAN.encode())).items) == 2


def test_all_unit_names_in_first_appearance_order():
    assert all_unit_names(parse_text(PLAN)) == ["区党政办", "区财政局"]


def test_result_to_dict_shape():
    data = parse_text(PLAN).to_dict()
    assert data == {
        "items": [
            {
                "path": ["一", "1"],
                "title": "推进A公开",
                "text": "推进A公开，每月更新。",
                "lead_units": [],
                "units": ["区党政办"],
                "timing": [
                    {
                        "phrase": "每月",
                        "rule": {
                            "kind": "monthly",
                            "day": "end",
                            "label": "每月月底前（遇节假日提前至前一工作日）",
                        },
                    }
                ],
                "rules": [
                    {
                        "kind": "monthly",
                        "day": "end",
                        "label": "每月月底前（遇节假日提前至前一工作日）",
                    }
                ],
                "source": {"line": 2},
            },
            {
                "path": ["一", "2"],
                "title": "推进B公开",
                "text": "推进B公开。",
                "lead_units": [],
                "units": ["区财政局", "区党政办"],
                "timing": [],
                "rules": [],
                "source": {"line": 3},
            },
        ],
        "warnings": [],
    }


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("一、甲（责任单位：区党政办）")
    document.save(buffer)
    return buffer.getvalue()


MALFORMED = {
    "empty": b"",
    "blank": b"   \n\t\n",
    "binary": bytes(range(256)) * 4,
    "nul bytes": b"\x00\x01\x02\x03" * 100,
    "random-looking": b"\x8f\xff\xfe\x00\x12\x99\xa0\xb1" * 50,
    "truncated zip": _docx()[:300],
    "zip of something else": _zip({"hello.txt": b"hi"}),
    "docx with broken xml": _zip(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<not xml"}
    ),
    "xlsx with broken xml": _zip({"xl/workbook.xml": b"<<<"}),
    "old word": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
    "pdf": b"%PDF-1.4\n" + b"\x00\x01" * 100,
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(200)),
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_files_raise_plan_parse_error(data):
    with pytest.raises(PlanParseError) as info:
        parse_file(data)
    assert info.value.args[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


def test_unrecognised_message():
    with pytest.raises(PlanParseError, match="文件无法识别"):
        parse_file(bytes(range(256)) * 4)
    assert UNRECOGNISED == "文件无法识别：既不是文本，也不是有效的 DOCX 或 XLSX 文件"


def test_a_docx_that_is_not_a_docx():
    with pytest.raises(PlanParseError, match="DOCX"):
        parse_docx(PLAN.encode())
    with pytest.raises(PlanParseError, match="XLSX"):
        parse_xlsx(_docx())
    with pytest.raises(PlanParseError):
        parse_docx(MALFORMED["docx with broken xml"])
    with pytest.raises(PlanParseError):
        parse_xlsx(MALFORMED["xlsx with broken xml"])


def test_missing_file():
    with pytest.raises(PlanParseError, match="无法读取文件"):
        parse_file("/nonexistent/plan.docx")


def test_empty_text_and_wrong_type():
    with pytest.raises(PlanParseError):
        parse_text("")
    with pytest.raises(PlanParseError):
        parse_text(" \n\u3000\n")
    with pytest.raises(PlanParseError):
        parse_text(b"bytes")  # type: ignore[arg-type]


def test_text_without_tasks_is_a_result_with_a_warning():
    result = parse_text("（一）")
    assert isinstance(result, ParseResult)
    assert result.items == []
    assert result.warnings
