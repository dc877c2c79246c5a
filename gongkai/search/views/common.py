from __future__ import annotations

from django.utils import timezone

from ..selectors import SORTS


def filter_choices(params) -> dict:
    from gongkai.catalog.models import Column, Validity

    this_year = timezone.localdate().year
    return {
        "kinds": Column.Kind.choices,
        "validities": Validity.choices,
        "years": list(range(this_year, this_year - 15, -1)),
        "sorts": list(SORTS.items()),
    }
