"""Reminders to publish last year's annual report (the "reports" source of the reminder engine):
each unit by 31 January, the government by 31 March (《政府信息公开条例》第四十九条).

On a day of year Y, for the reports of year Y-1 not yet published:
* due_soon  from REPORTS_REMIND_BEFORE_DAYS calendar days before the deadline to the deadline,
            once — to the unit's liaisons and reviewers (the government's: the 公开办);
* overdue   within 60 days after the deadline, once — to the same people and the 公开办.
Keys: reports.annual:<unit id, 0 for the government>:<event>:<deadline>.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from gongkai.core.models import Reminder
from gongkai.core.notifications import coordinators, unit_staff
from gongkai.core.reminders import Due, DueReminder, register_source
from gongkai.orgs.models import Membership, Role, Unit

from . import notifications
from .models import AnnualReport

SOURCE = "reports"
#: Overdue reminders go out within this time after the deadline (once): a system installed later
#: in the year does not tell every unit about a report it may have published elsewhere.
OVERDUE_WINDOW = dt.timedelta(days=60)
KEY_PREFIX = "reports.annual"


def deadlines(year: int) -> tuple[dt.date, dt.date]:
    """(units' deadline, the government's) for publishing the reports of `year`."""
    return dt.date(year + 1, 1, 31), dt.date(year + 1, 3, 31)


class AnnualReportSource:
    name = SOURCE
    label = "年度报告提醒"
    columns = ("报告主体", "年度", "公布期限")

    def due(self, day: dt.date) -> Due:
        result = Due()
        year = day.year - 1
        units_deadline, government_deadline = deadlines(year)
        published = set(
            AnnualReport.objects.filter(
                year=year, status=AnnualReport.Status.PUBLISHED
            ).values_list("unit_id", flat=True)
        )
        bodies: list[tuple[Unit | None, dt.date]] = []
        staffed = Membership.objects.filter(role__in=(Role.LIAISON, Role.REVIEWER)).values(
            "unit_id"
        )
        for unit in Unit.objects.filter(is_active=True, pk__in=staffed).order_by("sort_order"):
            if unit.pk not in published:
                bodies.append((unit, units_deadline))
        if None not in published:
            bodies.append((None, government_deadline))
        before = dt.timedelta(days=int(settings.REPORTS_REMIND_BEFORE_DAYS))
        candidates = []
        for unit, deadline in bodies:
            if deadline - before <= day <= deadline:
                candidates.append((unit, deadline, "due_soon"))
            elif deadline < day <= deadline + OVERDUE_WINDOW:
                candidates.append((unit, deadline, "overdue"))
        keys = {self._key(unit, event, deadline) for unit, deadline, event in candidates}
        sent = set(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))
        url = reverse("reports:annual_list")
        for unit, deadline, event in candidates:
            key = self._key(unit, event, deadline)
            if key in sent:
                continue
            body_name = unit.name if unit else settings.GONGKAI_GOVERNMENT_NAME
            if unit is None:
                recipients = list(coordinators())
            else:
                recipients = list(unit_staff(unit, roles=(Role.LIAISON, Role.REVIEWER)))
                if event == "overdue":
                    recipients += [u for u in coordinators() if u not in recipients]
            overdue = event == "overdue"
            result.reminders.append(
                DueReminder(
                    key=key,
                    kind=notifications.ANNUAL_OVERDUE if overdue else notifications.ANNUAL_DUE_SOON,
                    label="逾期提醒" if overdue else "临期提醒",
                    recipients=recipients,
                    title=(
                        f"{body_name}{year}年政府信息公开工作年度报告"
                        + ("逾期未公布" if overdue else f"须于{deadline:%-m月%-d日}前公布")
                    ),
                    body=f"公布期限 {deadline.isoformat()}（《政府信息公开条例》第四十九条）",
                    url=url,
                    object_id=unit.pk if unit else 0,
                    due_date=deadline,
                    fields=(body_name, str(year), deadline.isoformat()),
                )
            )
        return result

    @staticmethod
    def _key(unit, event: str, deadline: dt.date) -> str:
        return f"{KEY_PREFIX}:{unit.pk if unit else 0}:{event}:{deadline.isoformat()}"


source = AnnualReportSource()


def register() -> None:
    register_source(source)
