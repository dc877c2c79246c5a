"""Reply deadlines of messages, in working days per kind.

The number of working days is local practice set by the district (settings
`INTERACTION_DEADLINE_WORKDAYS`; defaults 5 for 咨询 and 10 for 建议 / 投诉 / 求助), not a national
rule. Day 0 is the receipt date (受理日期); an approved extension adds its working days.

    message_due(received, kind, *, extension=0, calendar=None) -> Due
        due date, whether it was estimated (a year the calendar does not cover counts weekends
        only), and the steps in Chinese
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import WorkdayCalendar, format_date, get_calendar

from .models import MessageKind

MAX_EXTENSION_WORKDAYS = 10


@dataclass(frozen=True)
class Due:
    due: dt.date
    workdays: int
    estimated: bool = False
    steps: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {"due": self.due.isoformat(), "workdays": self.workdays, "steps": self.steps}
        if self.estimated:
            data["estimated"] = True
            data["warning"] = "部分年度节假日安排尚未录入，期限按周末推算，可能不准确"
        return data


def workdays_for(kind: str) -> int:
    if kind not in MessageKind.values:
        raise ValidationFailed(f"留言类型“{kind}”无效")
    return int(settings.INTERACTION_DEADLINE_WORKDAYS[kind])


def message_due(
    received: dt.date,
    kind: str,
    *,
    extension: int = 0,
    calendar: WorkdayCalendar | None = None,
) -> Due:
    n = workdays_for(kind)
    if extension < 0 or extension > MAX_EXTENSION_WORKDAYS:
        raise ValidationFailed(f"延期天数应为0至{MAX_EXTENSION_WORKDAYS}个工作日")
    calendar = calendar or get_calendar()
    label = MessageKind(kind).label
    first = calendar.deadline_estimate(received, n)
    steps = [
        f"{format_date(received)}受理留言，为第0日",
        f"{label}类留言自受理之日起{n}个工作日内答复（本区规定）：{format_date(first.date)}",
    ]
    due, estimated = first.date, first.estimated
    if extension:
        ext = calendar.deadline_estimate(first.date, extension)
        due = ext.date
        estimated = estimated or ext.estimated
        steps.append(f"经批准延期{extension}个工作日：{format_date(due)}")
    return Due(due=due, workdays=n + extension, estimated=estimated, steps=steps)
