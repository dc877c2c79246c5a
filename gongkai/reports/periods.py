"""Reporting periods: a year (2026), a quarter (2026-Q4) or a month (2026-10)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from gongkai.core.errors import ValidationFailed

_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?$")


@dataclass(frozen=True)
class Period:
    key: str  # "2026", "2026-Q4", "2026-10"
    start: dt.date
    end: dt.date
    label: str  # "2026年", "2026年第四季度", "2026年10月"

    def __str__(self) -> str:
        return self.label


_QUARTERS = "一二三四"


def parse_period(value: str) -> Period:
    match = _PERIOD.match((value or "").strip())
    if not match:
        raise ValidationFailed("考评周期应写作 2026、2026-Q4 或 2026-10")
    year = int(match.group(1))
    if not 2008 <= year <= 2100:
        raise ValidationFailed("年份应在2008到2100之间")
    if match.group(2):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationFailed("月份应为1到12")
        last = calendar.monthrange(year, month)[1]
        return Period(
            f"{year}-{month:02d}",
            dt.date(year, month, 1),
            dt.date(year, month, last),
            f"{year}年{month}月",
        )
    if match.group(3):
        q = int(match.group(3))
        first = 3 * (q - 1) + 1
        last = calendar.monthrange(year, first + 2)[1]
        return Period(
            f"{year}-Q{q}",
            dt.date(year, first, 1),
            dt.date(year, first + 2, last),
            f"{year}年第{_QUARTERS[q - 1]}季度",
        )
    return Period(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")


def parse_month(value: str) -> Period:
    period = parse_period(value)
    if period.start.month == period.end.month and period.start.year == period.end.year:
        return period
    raise ValidationFailed("月份应写作 YYYY-MM，例如 2026-10")
