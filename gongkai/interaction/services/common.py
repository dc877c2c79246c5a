"""Shared helpers of the interaction services: tracking codes, locking, events, masking."""

from __future__ import annotations

import re
import secrets

from django.core.files.base import ContentFile

from gongkai.core import pii
from gongkai.core.errors import ValidationFailed
from gongkai.core.uploads import check_upload

from ..models import MessageEvent

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ATTACHMENT_KINDS = frozenset({"pdf", "docx", "xlsx", "png", "jpeg", "gif", "txt"})
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 3
_SCRIPT = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style)\b|javascript:|(?<![a-z])on[a-z]+\s*=", re.I
)


def new_code(prefix: str, length: int = 10) -> str:
    return prefix + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(length))


def event(message, kind: str, label: str, *, actor=None, note: str = "", public: bool = True):
    return MessageEvent.objects.create(
        message=message,
        kind=kind,
        label=label,
        note=note,
        public=public,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def check_text(
    value: str, *, label: str, field: str, errors: dict, required=True, max_len=None, min_len=0
) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            errors[field] = f"请填写{label}"
        return value
    if max_len and len(value) > max_len:
        errors[field] = f"{label}最多{max_len}个字（现有{len(value)}个字）"
    elif len(value) < min_len:
        errors[field] = f"{label}至少{min_len}个字"
    elif _SCRIPT.search(value):
        errors[field] = f"{label}中不能包含脚本或网页代码"
    return value


def check_files(files, errors: dict, field: str = "attachments") -> list:
    """Check every upload (type sniffed from content, size); all messages in one error."""
    files = [f for f in (files or []) if f]
    if len(files) > MAX_ATTACHMENTS:
        errors[field] = f"最多上传{MAX_ATTACHMENTS}个附件"
        return []
    checked, problems = [], []
    for upload in files:
        try:
            checked.append(
                check_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)
            )
        except ValidationFailed as exc:
            problems.append(exc.message)
    if problems:
        errors[field] = "；".join(problems)
    return checked


def save_files(model, owner_field: str, owner, checked) -> None:
    for c in checked:
        row = model(**{owner_field: owner}, name=c.name, kind=c.kind, size=c.size, sha256=c.sha256)
        row.file.save(f"{c.sha256[:16]}.{c.kind}", ContentFile(c.data), save=False)
        row.save()


def mask_name(name: str) -> str:
    name = (name or "").strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def mask_for_public(text: str, *, name: str = "", phone: str = "", email: str = "") -> str:
    """The text as published: the submitter's own name, phone and email masked wherever written,
    then the project's PII scan (`gongkai.core.pii`) masks any other personal data."""
    out = text or ""
    if email:
        out = out.replace(email, "***")
    if phone:
        digits = re.sub(r"\D", "", phone)
        if digits:
            out = out.replace(phone, "*" * len(phone))
            out = out.replace(digits, digits[:3] + "*" * max(0, len(digits) - 3))
    if name and len(name.strip()) >= 2:
        out = out.replace(name.strip(), mask_name(name))
    return pii.mask(out)
