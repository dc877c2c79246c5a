"""Plain text out of an uploaded file, for the personal-data scan and for search.

The type is sniffed from the content (gongkai.core.uploads.sniff_kind), never taken from the
name. Supported: plain text (UTF-8, UTF-16 with a BOM, GB18030), DOCX (paragraphs, tables,
text boxes, headers and footers), XLSX (every cell of every sheet: one row per line, cells
separated by tabs), PDF (the text layer; a scanned PDF without one yields no text).
DOC and XLS (Office 97-2003) are refused with a message asking for DOCX/XLSX.

Safety: a DOCX/XLSX whose members would unpack to more than MAX_UNPACKED_BYTES is refused
before it is opened (the sizes in a ZIP directory bound what zipfile will ever return), and the
text is cut at MAX_TEXT_CHARS characters (`Extracted.truncated` says so).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile
from dataclasses import dataclass

from .errors import ValidationFailed
from .uploads import KIND_LABELS, sniff_kind

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_TEXT_CHARS = 5_000_000
TEXT_KINDS = frozenset({"txt", "docx", "xlsx", "pdf"})


class UnreadableFile(ValidationFailed):
    code = "unreadable_file"
    default_message = "无法读取该文件的文字内容"


@dataclass(frozen=True)
class Extracted:
    text: str
    kind: str  # "txt", "docx", "xlsx" or "pdf"
    truncated: bool = False
    encoding: str | None = None  # for "txt": the encoding the bytes were decoded with


def extract_text(data: bytes) -> str:
    """The text of a TXT, DOCX, XLSX or PDF file; UnreadableFile (a ValidationFailed with a
    Chinese message) for anything else."""
    return extract(data).text


def extract(data: bytes, *, max_chars: int = MAX_TEXT_CHARS) -> Extracted:
    if not data:
        raise UnreadableFile("文件是空的")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _cap(_decode_utf16(data), "txt", max_chars, encoding="utf-16")
    kind = sniff_kind(data)
    if kind is None and _is_utf8_text(data):
        kind = "txt"  # sniff_kind looks at the first 64 KiB only, which may end mid-character
    if kind in ("doc", "xls"):
        new = "DOCX" if kind == "doc" else "XLSX"
        raise UnreadableFile(
            f"无法读取旧版 {KIND_LABELS[kind]} 格式，请用 Office 或 WPS 另存为 {new} 后再试"
        )
    if kind == "txt":
        text, encoding = _decode_text(data)
        return _cap(text, kind, max_chars, encoding=encoding)
    if kind in _READERS:
        if kind in ("docx", "xlsx"):
            _check_unpacked_size(data, kind)
        try:
            text = _READERS[kind](data, max_chars)
        except UnreadableFile:
            raise
        except Exception:  # the libraries fail in many ways on damaged or hostile files
            raise UnreadableFile(f"{KIND_LABELS[kind]}已损坏，无法读取") from None
        return _cap(text, kind, max_chars)
    if kind is not None:
        raise UnreadableFile(
            f"{KIND_LABELS[kind]}中没有可读取的文字，只能读取纯文本、DOCX、XLSX 和 PDF"
        )
    raise UnreadableFile("无法识别的文件类型（按内容识别），只能读取纯文本、DOCX、XLSX 和 PDF")


_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF-", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def _is_utf8_text(data: bytes) -> bool:
    if data.startswith(_BINARY_MAGIC):
        return False
    try:
        return "\x00" not in data.decode("utf-8")
    except UnicodeDecodeError:
        return False


def _cap(text: str, kind: str, max_chars: int, *, encoding: str | None = None) -> Extracted:
    if len(text) > max_chars:
        return Extracted(text[:max_chars], kind, truncated=True, encoding=encoding)
    return Extracted(text, kind, encoding=encoding)


# ----------------------------------------------------------------------------------------------
# Plain text


def _decode_utf16(data: bytes) -> str:
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError:
        raise UnreadableFile("文本文件的编码无法识别（UTF-16 内容有误）") from None


def _decode_text(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace"), "utf-8"


# ----------------------------------------------------------------------------------------------
# Office Open XML


def _check_unpacked_size(data: bytes, kind: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile(f"{KIND_LABELS[kind]}已损坏，无法打开") from None
    if total > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            f"{KIND_LABELS[kind]}解压后超过 {MAX_UNPACKED_BYTES // 1048576} MB，拒绝读取"
        )


def _docx_text(data: bytes, max_chars: int) -> str:
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds of errors on a damaged file
        raise UnreadableFile(f"{KIND_LABELS['docx']}已损坏，无法打开") from None

    lines: list[str] = []
    size = 0

    def add(line: str) -> bool:
        nonlocal size
        lines.append(line)
        size += len(line) + 1
        return size <= max_chars

    p_tag, tbl_tag = qn("w:p"), qn("w:tbl")
    t_tag, tab_tag, br_tag = qn("w:t"), qn("w:tab"), qn("w:br")
    txbx_tag, fallback_tag = (
        qn("w:txbxContent"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    )

    def paragraph_text(p) -> str:
        parts = []
        for node in p.iter(t_tag, tab_tag, br_tag):
            if _inside(node, txbx_tag, stop=p):
                continue  # text boxes are read on their own
            if node.tag == t_tag:
                parts.append(node.text or "")
            elif node.tag == tab_tag:
                parts.append("\t")
            else:
                parts.append("\n")
        return "".join(parts)

    def cell_text(tc) -> str:
        parts = []
        for child in tc.iterchildren(p_tag, tbl_tag):
            if child.tag == p_tag:
                parts.append(paragraph_text(child))
            else:
                parts.extend(" ".join(row) for row in table_rows(child))
        return " ".join(part for part in parts if part)

    def table_rows(tbl) -> list[list[str]]:
        rows = []
        for tr in tbl.iterchildren(qn("w:tr")):
            cells = [cell_text(tc) for tc in tr.iterchildren(qn("w:tc"))]
            rows.append([c.replace("\n", " ").replace("\t", " ") for c in cells])
        return rows

    def block(container) -> bool:
        for child in container.iterchildren(p_tag, tbl_tag):
            if child.tag == p_tag:
                if not add(paragraph_text(child)):
                    return False
            else:
                for row in table_rows(child):
                    if not add("\t".join(row).rstrip("\t")):
                        return False
        return True

    body = document.element.body
    if not block(body):
        return "\n".join(lines)
    for box in body.iter(txbx_tag):
        if _inside(box, fallback_tag, stop=body):
            continue  # the same box again, for old readers
        if not block(box):
            return "\n".join(lines)
    for section in document.sections:
        for part in (section.header, section.footer):
            if part.is_linked_to_previous:
                continue
            if not block(part._element):
                return "\n".join(lines)
    return "\n".join(lines)


def _inside(node, tag: str, *, stop) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _cell_str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")


def _xlsx_text(data: bytes, max_chars: int) -> str:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise UnreadableFile(f"{KIND_LABELS['xlsx']}已损坏，无法打开") from None
    lines: list[str] = []
    size = 0
    try:
        for sheet in workbook.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # do not trust the stored size of the sheet
            for row in sheet.iter_rows(values_only=True):
                line = "\t".join(_cell_str(value) for value in row).rstrip("\t")
                if not line.strip():
                    continue
                lines.append(line)
                size += len(line) + 1
                if size > max_chars:
                    return "\n".join(lines)
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile(f"{KIND_LABELS['xlsx']}已损坏，无法读取") from None
    finally:
        workbook.close()
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# PDF


def _pdf_text(data: bytes, max_chars: int) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover — pypdf is a dependency
        raise UnreadableFile("服务器未安装 PDF 读取组件（pypdf），无法读取 PDF") from None

    encrypted = "PDF 已加密，无法读取，请提供未加密的文件"
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)  # damaged-but-readable files warn a lot
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # e.g. AES without the cryptography package
                opened = False
            if not opened:
                raise UnreadableFile(encrypted)
        pages = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append(text)
            size += len(text) + 1
            if size > max_chars:
                break
    except UnreadableFile:
        raise
    except Exception:
        # pypdf fails in many ways on damaged or hostile input
        raise UnreadableFile("PDF 已损坏，无法读取") from None
    finally:
        pypdf_logger.setLevel(level)
    return "\n".join(pages)


_READERS = {"docx": _docx_text, "xlsx": _xlsx_text, "pdf": _pdf_text}
