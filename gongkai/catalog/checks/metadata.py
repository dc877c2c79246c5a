"""The required-metadata check: what every item, and every policy document, must carry."""

from __future__ import annotations

from ..models import Column, Item
from .findings import Finding


def check_metadata(item: Item) -> list[Finding]:
    missing = []
    if not item.title.strip():
        missing.append("标题")
    if not item.publisher_name.strip():
        missing.append("发布机构")
    if not item.index_number:
        missing.append("索引号")
    if not (item.body.strip() or item.attachments.filter(is_active=True).exists()):
        missing.append("正文或附件")
    if item.column.kind == Column.Kind.POLICY:
        if not item.written_date:
            missing.append("成文日期")
        if not item.doc_number.strip():
            missing.append("文号")
    if not missing:
        return []
    return [Finding("metadata", "缺少必填信息：" + "、".join(missing), True, missing)]
