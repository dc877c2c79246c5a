"""索引号: generated per unit from a configurable pattern, unique and never reused.

Pattern (settings.CATALOG_INDEX_PATTERN), default ``{unit_code}/{year}-{seq:05d}``; fields:
unit_code (the unit's 统一社会信用代码 or 组织机构代码, else ``U`` + its id), year, seq.
The sequence row is locked while a number is taken, so concurrent drafts get distinct numbers,
and a number is never handed out twice even when its draft is deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from gongkai.orgs.models import Unit

from .models import IndexSequence, Item

DEFAULT_PATTERN = "{unit_code}/{year}-{seq:05d}"


def pattern() -> str:
    return settings.CATALOG_INDEX_PATTERN or DEFAULT_PATTERN


def unit_code(unit: Unit) -> str:
    return unit.code or f"U{unit.pk:04d}"


@transaction.atomic
def next_index_number(*, unit: Unit, year: int) -> str:
    IndexSequence.objects.get_or_create(unit=unit, year=year)
    seq = IndexSequence.objects.select_for_update().get(unit=unit, year=year)
    while True:
        seq.last += 1
        number = pattern().format(unit_code=unit_code(unit), year=year, seq=seq.last)
        if not Item.objects.filter(index_number=number).exists():
            break
    seq.save(update_fields=["last"])
    return number
