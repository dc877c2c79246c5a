"""The portal's fixed pages under /xxgk/ and the column codes the catalog refuses."""

from __future__ import annotations

import re

from gongkai.catalog.models import RESERVED_COLUMN_CODES
from gongkai.portal.urls import urlpatterns


def _fixed_segments() -> set[str]:
    segments = set()
    for pattern in urlpatterns:
        match = re.match(r"^xxgk/([a-z0-9_-]+)/", str(pattern.pattern))
        if match:
            segments.add(match.group(1))
    return segments


def test_every_fixed_xxgk_path_is_a_reserved_column_code():
    fixed = _fixed_segments()
    assert {"item", "guide", "abolished"} <= fixed
    assert fixed <= RESERVED_COLUMN_CODES
