"""一键遮盖: masking personal data in an item's working copy.

The title, summary and body are masked in place (`gongkai.core.pii.mask` / `mask_html`: ID
numbers keep their first three and last two characters, mobiles hide the middle four digits,
names keep the surname). Attachments cannot be masked in place: their finding stays and tells
the user to fix the original file and upload it again. Masking is an edit of the working copy,
so it needs EDIT on the unit and a draft; it is one transaction with one ReviewEntry (MASK) and
one audit record. A published version is never changed: publish the masked revision instead.
"""

from __future__ import annotations

from django.db import transaction

from gongkai.core import pii
from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.permissions import Action, check_perm

from ..models import Item, ReviewEntry
from .items import _entry, _lock, _require_editable, _save

FIELD_LABELS = {"title": "标题", "summary": "内容概述", "body": "正文"}


def _attachments_with_findings(item: Item) -> list[str]:
    return [
        a.original_name
        for a in item.attachments.filter(is_active=True)
        if a.text and pii.scan(a.text)
    ]


@transaction.atomic
def item_mask_pii(*, actor, item: Item, expected_version: int | None = None) -> Item:
    item = _lock(item, expected_version)
    check_perm(actor, Action.EDIT, item.unit)
    _require_editable(item)
    counts: dict[str, int] = {}
    for field in ("title", "summary"):
        value = getattr(item, field) or ""
        findings = pii.scan(value)
        if findings:
            counts[field] = len(findings)
            setattr(item, field, pii.mask(value, findings))
    body_findings = pii.scan_html(item.body or "")
    if body_findings:
        counts["body"] = len(body_findings)
        item.body = pii.mask_html(item.body)
    attachments = _attachments_with_findings(item)
    if not counts:
        if attachments:
            names = "、".join(f"“{n}”" for n in attachments)
            raise ValidationFailed(
                f"个人信息在附件{names}中，附件无法在线遮盖：请在原文件中处理后删除该附件并重新上传"
            )
        raise ValidationFailed("未发现需要遮盖的个人信息")
    _save(item, list(counts))
    summary = "、".join(f"{FIELD_LABELS[f]}{n}处" for f, n in counts.items())
    text = f"遮盖个人信息：{summary}"
    if attachments:
        text += "；附件" + "、".join(f"“{n}”" for n in attachments) + "须重新上传"
    _entry(item, ReviewEntry.Kind.MASK, actor, text)
    audit_record(
        actor=actor,
        action="item.mask_pii",
        obj=item,
        unit=item.unit,
        summary=text[:500],
        after={"masked": counts},
    )
    return item
