"""The monthly supervision bulletin (通报): per unit, the month's tasks due, done on time and
overdue; items published; blank and stale columns; applications answered on time; messages
and monitoring findings (— without those modules); and the ranking by the month's evaluation.

    monthly_bulletin(month) -> Bulletin
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from gongkai.catalog.models import Item, ItemStatus

from .evaluation import Evaluation, evaluate
from .periods import Period


@dataclass
class BulletinLine:
    rank: int
    unit: object
    total: object
    tasks_due: int
    tasks_on_time: int
    tasks_late: int
    published: int
    blank: list[str]
    stale: list[str]
    apps_replied: int
    apps_on_time: int
    messages: str = "—"
    findings: str = "—"


@dataclass
class Bulletin:
    month: Period
    lines: list[BulletinLine]
    evaluation: Evaluation

    @property
    def title(self) -> str:
        return f"{self.month.label}政务公开工作情况通报"

    def chart(self) -> dict:
        """ECharts data: on-time and late tasks per unit, in ranking order."""
        return {
            "units": [str(line.unit) for line in self.lines],
            "on_time": [line.tasks_on_time for line in self.lines],
            "late": [line.tasks_late for line in self.lines],
            "published": [line.published for line in self.lines],
        }


def monthly_bulletin(month: Period, *, today: dt.date | None = None) -> Bulletin:
    today = today or timezone.localdate()
    evaluation = evaluate(month, today=today)
    published = dict(
        Item.objects.filter(
            status=ItemStatus.PUBLISHED,
            first_published_at__date__range=(month.start, month.end),
        )
        .values_list("unit")
        .order_by()
        .annotate(n=Count("pk"))
    )
    lines = []
    for line in evaluation.units:
        f = line.figures
        lines.append(
            BulletinLine(
                rank=line.rank,
                unit=line.unit,
                total=line.total,
                tasks_due=f.get("tasks_due", 0),
                tasks_on_time=f.get("tasks_on_time", 0),
                tasks_late=f.get("tasks_late", 0),
                published=published.get(line.unit.pk, 0),
                blank=f.get("blank", []),
                stale=f.get("stale", []),
                apps_replied=f.get("apps_replied", 0),
                apps_on_time=f.get("apps_on_time", 0),
                messages=f.get("interaction", "—"),
                findings=f.get("monitoring", "—"),
            )
        )
    return Bulletin(month=month, lines=lines, evaluation=evaluation)
