"""Checking uploaded files: size limits and the real type sniffed from the content.

The extension is never trusted: a file is accepted when its first bytes match a type on the
allowed list. Office Open XML files are ZIPs whose member names tell DOCX from XLSX.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from .errors import ValidationFailed

KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word 文档（DOCX）",
    "xlsx": "Excel 表格（XLSX）",
    "doc": "Word 97-2003 文档（DOC）",
    "xls": "Excel 97-2003 表格（XLS）",
    "png": "PNG 图片",
    "jpeg": "JPEG 图片",
    "gif": "GIF 图片",
    "txt": "纯文本",
}
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "txt": "text/plain; charset=utf-8",
}
EVIDENCE_KINDS = frozenset({"pdf", "docx", "xlsx", "doc", "xls", "png", "jpeg", "gif", "txt"})


def sniff_kind(data: bytes) -> str | None:
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE compound file: DOC or XLS. Tell them apart by the stream names in the directory.
        if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data:
            return "doc"
        if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data or b"B\x00o\x00o\x00k" in data:
            return "xls"
        return None
    try:
        text = data[:65536].decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data[:65536].decode("gb18030")
        except UnicodeDecodeError:
            return None
    if "\x00" in text:
        return None
    return "txt"


@dataclass
class CheckedUpload:
    name: str
    data: bytes
    kind: str
    content_type: str
    size: int
    sha256: str


def check_upload(
    upload: UploadedFile,
    *,
    allowed: frozenset[str] = EVIDENCE_KINDS,
    max_bytes: int = 20 * 1024 * 1024,
) -> CheckedUpload:
    """Read and check an upload; raise ValidationFailed with a Chinese message when refused."""
    name = (upload.name or "未命名").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationFailed(f"文件“{name}”过大，上限为 {max_bytes // 1048576} MB")
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationFailed(f"文件“{name}”过大，上限为 {max_bytes // 1048576} MB")
    if not data:
        raise ValidationFailed(f"文件“{name}”是空的")
    kind = sniff_kind(data)
    if kind is None or kind not in allowed:
        accepted = "、".join(KIND_LABELS[k] for k in sorted(allowed))
        raise ValidationFailed(f"文件“{name}”的类型不被接受（按内容识别），可上传：{accepted}")
    return CheckedUpload(
        name=name,
        data=data,
        kind=kind,
        content_type=MIME[kind],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
