"""Reminders about publication deadlines of records (双公示: 7 working days from the decision
date): the "datasets" source of the reminder engine, registered in `DatasetsConfig.ready()`.

A period whose draft holds new records carries `due_date`, the earliest of their deadlines
(`Dataset.deadline_workdays` working days after each record's `deadline_field` date); publishing
clears it. Events, once per period and due date (key `datasets.period:<id>:<event>:<due>`):

* due_soon  the draft is not published and the deadline is within 2 working days;
* overdue   the deadline has passed and the draft is still not published.

Recipients: the owner unit's liaisons and reviewers. Titles carry the dataset, the period and the
date only — never a record's content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.notifications import unit_staff
from gongkai.core.reminders import DueReminder, EventSource
from gongkai.core.workdays import deadline_estimate, format_date

from . import notifications
from .models import Period, PeriodStatus

REMIND_BEFORE_WORKDAYS = 2


class Kind(models.TextChoices):
    DUE_SOON = "due_soon", _("公示即将到期")
    OVERDUE = "overdue", _("公示已逾期")


class DatasetsSource(EventSource):
    name = "datasets"
    label = "数据公示时限提醒"
    columns = ("数据集", "期间", "公示时限")
    key_prefix = "datasets.period"
    events = Kind
    notification_kinds = {
        Kind.DUE_SOON: notifications.DEADLINE_DUE_SOON,
        Kind.OVERDUE: notifications.DEADLINE_OVERDUE,
    }

    def _candidates(self, event: str):
        return (
            Period.objects.filter(due_date__isnull=False)
            .exclude(status=PeriodStatus.PUBLISHED)
            .exclude(self.already_sent(event))
            .select_related("dataset__unit")
            .order_by("due_date", "pk")
        )

    def reminders(self, day: dt.date, skipped_kinds: dict[str, str]) -> Iterable[DueReminder]:
        limit = deadline_estimate(day, REMIND_BEFORE_WORKDAYS).date
        chosen = [
            (Kind.DUE_SOON, p)
            for p in self._candidates(Kind.DUE_SOON).filter(due_date__gte=day, due_date__lte=limit)
        ]
        chosen += [
            (Kind.OVERDUE, p) for p in self._candidates(Kind.OVERDUE).filter(due_date__lt=day)
        ]
        for event, period in chosen:
            dataset = period.dataset
            headline = "数据公示即将到期" if event == Kind.DUE_SOON else "数据公示已逾期"
            yield self.entry(
                event,
                period,
                recipients=list(unit_staff(dataset.unit, roles=("liaison", "reviewer"))),
                title=f"{headline}：{dataset.title}",
                body=(
                    f"{dataset.title}{period.label}有待公示的新记录，须在{format_date(period.due_date)}前发布"
                    f"（自决定之日起{dataset.deadline_workdays}个工作日）。"
                ),
                url=f"/workbench/datasets/{dataset.slug}/periods/{period.key}/",
                fields=(dataset.title, period.label, period.due_date.isoformat()),
            )


source = DatasetsSource()
reminders_due = source.reminders_due
register = source.register
