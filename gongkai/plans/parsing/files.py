"""Reading uploaded files: sniff what the bytes are (never trust the extension), decode text."""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from typing import Any

from .model import PlanParseError

UNRECOGNISED = "文件无法识别：既不是文本，也不是有效的 DOCX 或 XLSX 文件"
EMPTY = "文件为空：没有可以导入的内容"

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_BYTES = 50 * 1024 * 1024

DOCX = "docx"
XLSX = "xlsx"
TEXT = "text"


def read_bytes(source: Any) -> bytes:
    """Bytes of a path, a bytes object or a binary file-like object (e.g. an upload)."""
    try:
        if isinstance(source, bytes | bytearray | memoryview):
            return bytes(source)
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as fh:
                return fh.read(_MAX_BYTES + 1)
        if hasattr(source, "read"):
            if hasattr(source, "seek"):
                with contextlib.suppress(OSError, ValueError):
                    source.seek(0)
            data = source.read(_MAX_BYTES + 1)
            if isinstance(data, str):
                return data.encode("utf-8")
            return bytes(data)
    except OSError as exc:
        raise PlanParseError(f"无法读取文件：{exc.strerror or exc}") from exc
    raise PlanParseError("无法读取文件：请提供文件路径、文件对象或字节内容")


def sniff(data: bytes) -> str:
    """DOCX, XLSX or TEXT, from the content; PlanParseError for anything else."""
    if not data or not data.strip():
        raise PlanParseError(EMPTY)
    if len(data) > _MAX_BYTES:
        raise PlanParseError("文件过大：请拆分后再导入（上限 50 MB）")
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise PlanParseError("文件已损坏：压缩结构无效，不是有效的 DOCX 或 XLSX 文件") from exc
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        raise PlanParseError(UNRECOGNISED)
    if data.startswith(_OLE_MAGIC):
        raise PlanParseError(
            "不支持旧版 Word/Excel 格式（.doc/.xls），请另存为 DOCX 或 XLSX 后再导入"
        )
    if data.startswith(b"%PDF"):
        raise PlanParseError("不支持 PDF 文件：请另存为 DOCX，或复制其中的文字后再导入")
    return TEXT


def _common(ch: str) -> bool:
    o = ord(ch)
    return (
        0x20 <= o < 0x7F
        or ch in "\t\n\r\f\v"
        or 0xA0 <= o <= 0x2FF
        or 0x2000 <= o <= 0x2BFF  # punctuation, symbols, ①, Ⅰ, arrows, box drawing
        or 0x3000 <= o <= 0x33FF  # CJK punctuation, kana, enclosed
        or 0x3400 <= o <= 0x9FFF  # CJK
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
    )


def looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:20000]
    odd = sum(1 for ch in sample if not _common(ch))
    return odd > max(2, len(sample) // 50)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; PlanParseError for binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if looks_binary(text):
            break
        if not text.strip():
            raise PlanParseError(EMPTY)
        return text
    raise PlanParseError(UNRECOGNISED)
