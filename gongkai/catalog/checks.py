"""Checks that run before an item can be approved: required metadata, personal data, broken
internal links. Each finding says whether it blocks approval."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Column, Item


@dataclass
class Finding:
    code: str  # "metadata", "pii", "link"
    message: str
    blocking: bool = True
    details: list = field(default_factory=list)


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


def run_checks(item: Item) -> list[Finding]:
    """All checks, in order: required metadata, personal data, internal links."""
    from .checks_content import check_links, check_pii  # imports Finding from here

    return check_metadata(item) + check_pii(item) + check_links(item)
