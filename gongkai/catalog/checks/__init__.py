"""Checks that run before an item can be approved: required metadata (`metadata`), personal
data and broken internal links (`content`). Each finding says whether it blocks approval."""

from __future__ import annotations

from ..models import Item
from .content import check_links, check_pii
from .findings import Finding
from .metadata import check_metadata

__all__ = ["Finding", "run_checks"]


def run_checks(item: Item) -> list[Finding]:
    """All checks, in order: required metadata, personal data, internal links."""
    return check_metadata(item) + check_pii(item) + check_links(item)
