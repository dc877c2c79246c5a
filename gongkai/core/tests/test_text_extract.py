"""Text out of real TXT, DOCX, XLSX and PDF files; clear Chinese refusals for everything else.

The builders below (make_docx, make_xlsx, make_pdf) are shared with the scan-pii command tests.
The PDF is written by hand: a CID font with a ToUnicode map, so pypdf has real Chinese text
to extract, with no PDF-writing library needed.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import openpyxl
import pypdf
import pytest
from docx.oxml import parse_xml

from gongkai.core import text_extract
from gongkai.core.errors import ValidationFailed
from gongkai.core.text_extract import UnreadableFile, extract, extract_text

ID = "440402199001011236"
MOBILE = "13800138000"
CARD = "6222021234567890128"

# -- builders ---------------------------------------------------------------------------------


def make_docx(
    paragraphs: list[str],
    rows: list[list[str]] | None = None,
    *,
    header: str | None = None,
    textbox: str | None = None,
) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    if header is not None:
        section = document.sections[0]
        section.header.is_linked_to_previous = False
        section.header.paragraphs[0].text = header
    if textbox is not None:
        run = document.add_paragraph("文本框：").add_run()
        run._r.append(
            parse_xml(
                '<w:pict xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
                ' xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:textbox><w:txbxContent>'
                f"<w:p><w:r><w:t>{textbox}</w:t></w:r></w:p>"
                "</w:txbxContent></v:textbox></v:shape></w:pict>"
            )
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_pdf(pages: list[list[str]]) -> bytes:
    """A valid PDF, one text line per string, in a Type0 font whose ToUnicode map lets a reader
    recover every character (Chinese included)."""
    chars = sorted({c for page in pages for line in page for c in line})
    cid = {c: i + 1 for i, c in enumerate(chars)}
    bfchar: list[str] = []
    for start in range(0, len(chars), 100):
        block = chars[start : start + 100]
        bfchar.append(f"{len(block)} beginbfchar")
        bfchar += [f"<{cid[c]:04X}> <{ord(c):04X}>" for c in block]
        bfchar.append("endbfchar")
    cmap = "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
            *bfchar,
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    ).encode()
    kids = " ".join(f"{7 + 2 * i} 0 R" for i in range(len(pages)))
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        4: b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 6 0 R /DW 1000 >>",
        5: b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        6: b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    }
    for i, page in enumerate(pages):
        ops = ["BT", "/F1 12 Tf", "14 TL", "40 800 Td"]
        ops += ["<" + "".join(f"{cid[c]:04X}" for c in line) + "> Tj T*" for line in page]
        ops.append("ET")
        content = "\n".join(ops).encode()
        objects[7 + 2 * i] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {8 + 2 * i} 0 R >>"
        ).encode()
        objects[8 + 2 * i] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# -- plain text ---------------------------------------------------------------------------------


class TestPlainText:
    def test_utf8(self):
        result = extract(f"姓名：张三\n身份证号：{ID}\n".encode())
        assert result.kind == "txt" and result.encoding == "utf-8"
        assert result.text == f"姓名：张三\n身份证号：{ID}\n"

    def test_gb18030(self):
        text = f"低保名单：王五 {MOBILE}，住址：珠海市高新区"
        result = extract(text.encode("gb18030"))
        assert result.text == text and result.encoding == "gb18030"

    def test_utf8_with_bom(self):
        assert extract_text("\ufeff张三 13800138000".encode()) == "张三 13800138000"

    def test_utf16_with_bom(self):
        assert extract_text("王五 13800138000".encode("utf-16")) == "王五 13800138000"

    def test_long_utf8_text_cut_mid_character_by_the_sniffer(self):
        text = "甲" + "个人信息" * 30000 + MOBILE
        assert extract_text(text.encode()) == text


# -- DOCX ---------------------------------------------------------------------------------------


class TestDocx:
    def test_paragraphs_and_table_cells(self):
        data = make_docx(
            ["关于低保对象的公示", f"联系人：张三，电话 {MOBILE}"],
            [["序号", "姓名", "身份证号"], ["1", "李四", ID]],
        )
        text = extract_text(data)
        assert text.splitlines() == [
            "关于低保对象的公示",
            f"联系人：张三，电话 {MOBILE}",
            "序号\t姓名\t身份证号",
            f"1\t李四\t{ID}",
        ]

    def test_merged_cells_are_read_once_per_row(self):
        document = docx.Document()
        table = document.add_table(rows=2, cols=3)
        table.cell(0, 0).merge(table.cell(0, 2)).text = "户主信息"
        table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 2).text = "王五", "男", ID
        buffer = io.BytesIO()
        document.save(buffer)
        assert extract_text(buffer.getvalue()).splitlines()[-2:] == ["户主信息", f"王五\t男\t{ID}"]

    def test_header_and_text_box(self):
        text = extract_text(make_docx(["正文"], header=f"页眉 {MOBILE}", textbox=f"卡号 {CARD}"))
        assert f"页眉 {MOBILE}" in text.splitlines()
        assert f"卡号 {CARD}" in text.splitlines()
        assert text.count(CARD) == 1

    def test_damaged_docx(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "not xml")
            archive.writestr("word/document.xml", "<w:document")
        with pytest.raises(UnreadableFile) as info:
            extract_text(buffer.getvalue())
        assert "已损坏" in info.value.message

    def test_zip_bomb_is_refused_before_opening(self, monkeypatch):
        monkeypatch.setattr(text_extract, "MAX_UNPACKED_BYTES", 1024 * 1024)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("word/document.xml", b"<" + b"\x00" * (2 * 1024 * 1024))
        assert len(buffer.getvalue()) < 20_000
        with pytest.raises(UnreadableFile) as info:
            extract_text(buffer.getvalue())
        assert "解压后超过 1 MB" in info.value.message

    def test_real_sized_limit(self):
        assert text_extract.MAX_UNPACKED_BYTES == 200 * 1024 * 1024


# -- XLSX ---------------------------------------------------------------------------------------


class TestXlsx:
    def test_every_cell_of_every_sheet_one_row_per_line(self):
        data = make_xlsx(
            {
                "名单": [
                    ["姓名", "手机", "金额"],
                    ["王五", int(MOBILE), 1200.5],
                    [None, None, None],
                ],
                "第二页": [["李四", ID, dt.date(2026, 11, 26)], ["备注", None, "卡号 " + CARD]],
            }
        )
        assert extract_text(data).splitlines() == [
            "姓名\t手机\t金额",
            f"王五\t{MOBILE}\t1200.5",
            f"李四\t{ID}\t2026-11-26",
            f"备注\t\t卡号 {CARD}",
        ]

    def test_integral_floats_are_written_as_integers(self):
        data = make_xlsx({"表": [[13800138000.0, 3.0, 2.25]]})
        assert extract_text(data) == "13800138000\t3\t2.25"

    def test_zip_bomb(self, monkeypatch):
        monkeypatch.setattr(text_extract, "MAX_UNPACKED_BYTES", 1000)
        with pytest.raises(UnreadableFile) as info:
            extract_text(make_xlsx({"表": [["x"] * 50] * 50}))
        assert "Excel" in info.value.message and "拒绝读取" in info.value.message


# -- PDF ----------------------------------------------------------------------------------------


class TestPdf:
    def test_hand_written_pdf_is_read_by_pypdf(self):
        data = make_pdf([["公示名单", f"张三 {ID}"], [f"王五 手机 {MOBILE}"]])
        assert pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().startswith("公示名单")
        text = extract_text(data)
        assert f"张三 {ID}" in text and f"王五 手机 {MOBILE}" in text
        assert text.index("公示名单") < text.index(MOBILE)

    def test_encrypted_pdf(self):
        writer = pypdf.PdfWriter()
        writer.add_blank_page(100, 100)
        writer.encrypt("secret", algorithm="RC4-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        with pytest.raises(UnreadableFile) as info:
            extract_text(buffer.getvalue())
        assert "已加密" in info.value.message

    def test_damaged_pdf(self):
        with pytest.raises(UnreadableFile) as info:
            extract_text(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage")
        assert "PDF" in info.value.message


# -- refusals -----------------------------------------------------------------------------------


class TestRefusals:
    def test_old_word_format(self):
        data = OLE_MAGIC + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00" * 100
        with pytest.raises(UnreadableFile) as info:
            extract_text(data)
        assert "DOC" in info.value.message and "另存为 DOCX" in info.value.message

    def test_old_excel_format(self):
        data = OLE_MAGIC + b"\x00" * 100 + "Workbook".encode("utf-16-le") + b"\x00" * 100
        with pytest.raises(UnreadableFile) as info:
            extract_text(data)
        assert "另存为 XLSX" in info.value.message

    def test_image(self):
        with pytest.raises(UnreadableFile) as info:
            extract_text(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        assert "PNG" in info.value.message

    @pytest.mark.parametrize(
        "data", [b"\x00\x01\x02\xff\xfe\x00" * 50, b"PK\x03\x04not really a zip"]
    )
    def test_unknown(self, data):
        with pytest.raises(UnreadableFile) as info:
            extract_text(data)
        assert "无法识别的文件类型" in info.value.message

    def test_empty(self):
        with pytest.raises(UnreadableFile, match="空的"):
            extract_text(b"")

    def test_refusals_are_validation_errors(self):
        assert issubclass(UnreadableFile, ValidationFailed)


def test_text_is_capped():
    result = extract(("张三 " + MOBILE + "\n").encode() * 10, max_chars=40)
    assert result.truncated and len(result.text) == 40
    assert not extract(b"short").truncated
    assert text_extract.MAX_TEXT_CHARS == 5_000_000
