"""What waits for a user (待办), per role, for the workbench home page.

The domain apps say *what* waits through their selectors (plans, catalog, foi), each limited to
the units on which the user may act; this module composes them into sections, one per role the
user holds, with counts, the first few entries and links to a pre-filtered list. A user with
several roles gets several sections. The number of queries does not grow with the data: each
group costs one query for its first rows and, only when there are more, one for the count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalog.selectors import staff as catalog_selectors
from gongkai.core.calendar_banner import expected_years
from gongkai.core.workdays import CalendarNotCovered, format_date, get_calendar, is_covered
from gongkai.datasets.selectors import staff as dataset_selectors
from gongkai.foi.selectors import staff as foi_selectors
from gongkai.interaction.selectors import staff as interaction_selectors
from gongkai.orgs import selectors as org_selectors
from gongkai.orgs.models import Role
from gongkai.orgs.permissions import Action, has_perm, roles_of
from gongkai.plans import selectors as plan_selectors

#: Entries listed per group; the count and the link to the list give the rest.
ROWS_PER_GROUP = 5


@dataclass
class Row:
    title: str
    url: str
    meta: list[str] = field(default_factory=list)
    state: str = ""  # "overdue", "due_soon" (a CSS class and a label)
    state_label: str = ""


@dataclass
class Group:
    key: str
    label: str
    url: str  # the pre-filtered list
    count: int = 0
    rows: list[Row] = field(default_factory=list)
    urgent: bool = False  # shown in red when non-empty (overdue)


@dataclass
class Section:
    key: str  # the role
    title: str
    groups: list[Group] = field(default_factory=list)
    empty_text: str = ""
    empty_link: tuple[str, str] | None = None  # (label, url)
    extra: dict = field(default_factory=dict)  # role-specific figures for the template

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def shown_groups(self) -> list[Group]:
        """Groups with something waiting first, each part in its fixed order."""
        return sorted(self.groups, key=lambda g: g.count == 0)

    @property
    def is_empty(self) -> bool:
        """Nothing waits: the page shows `empty_text` and what to do next instead of cards."""
        return self.total == 0 and not self.extra.get("overdue_total")


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def _one_unit(unit_ids: set[int]) -> int | None:
    """The item list filters by one unit: the section's, when it has exactly one."""
    return next(iter(unit_ids)) if len(unit_ids) == 1 else None


def _group(key, label, url, qs, to_row, *, urgent: bool = False) -> Group:
    rows = list(qs[: ROWS_PER_GROUP + 1])
    count = len(rows) if len(rows) <= ROWS_PER_GROUP else qs.count()
    return Group(
        key,
        label,
        url,
        count,
        [to_row(r) for r in rows[:ROWS_PER_GROUP]],
        urgent=urgent and count > 0,
    )


def _workdays(start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days in (start, end] and whether that is an estimate (calendar not covering)."""
    try:
        return get_calendar().workdays_between(start, end), False
    except CalendarNotCovered:
        return plan_selectors.workdays_overdue(start, end)


def _due_text(due: dt.date | None, day: dt.date, *, label: str, soon: int) -> tuple[str, str, str]:
    """(meta text, state, state label) for a deadline seen on `day`; `label` is a format with
    %(day)s; due within `soon` working days is 即将到期."""
    if due is None:
        return _("尚未起算期限"), "", ""
    text = label % {"day": format_date(due)}
    if due < day:
        n, estimated = _workdays(due, day)
        state_label = _("逾期 %(n)s 个工作日") % {"n": n}
        return text, "overdue", state_label + (_("（估算）") if estimated else "")
    if due == day:
        return text, "due_soon", _("今日到期")
    n, estimated = _workdays(day, due)
    return (
        text,
        "due_soon" if n <= soon else "",
        _("还剩 %(n)s 个工作日") % {"n": n} + (_("（估算）") if estimated else ""),
    )


def _task_row(day: dt.date):
    def row(task) -> Row:
        text, state, state_label = _due_text(
            task.due_date, day, label=_("完成时限 %(day)s"), soon=plan_selectors.due_soon_workdays()
        )
        if task.status not in plan_selectors.OPEN_STATUSES:
            # Reported: the unit's deadline no longer runs; say when it was reported.
            state = ""
            state_label = (
                _("报送于 %(day)s") % {"day": format_date(timezone.localdate(task.submitted_at))}
                if task.submitted_at
                else ""
            )
        return Row(
            task.item.title,
            reverse("plans:task_detail", args=[task.pk]),
            [str(task.unit), task.period_label, text],
            state,
            state_label,
        )

    return row


def _item_row(item) -> Row:
    meta = [str(item.unit), item.column.name]
    reason = getattr(item, "return_reason", None)
    if reason:
        meta.append(_("退回理由：%(reason)s") % {"reason": reason[:60]})
    return Row(item.title, reverse("catalog:item_detail", args=[item.pk]), meta)


def _period_row(period) -> Row:
    return Row(
        f"{period.dataset.title}（{period.label}）",
        reverse("datasets:period", args=[period.dataset.slug, period.key]),
        [str(period.dataset.unit), _("%(n)s行") % {"n": period.draft_rows}],
    )


def _application_url(app) -> str:
    return reverse("foi:application_detail", args=[app.pk])


def _reply_url(app) -> str:
    return reverse("foi:replies:panel", kwargs={"app_id": app.pk})


def _application_row(day: dt.date, url_for=_application_url):
    def row(app) -> Row:
        text, state, state_label = _due_text(
            app.due_date, day, label=_("答复期限 %(day)s"), soon=foi_selectors.DUE_SOON_WORKDAYS
        )
        if getattr(app, "due_estimated", False):  # through a year not yet published
            text += _("（预估）")
        meta = [app.get_status_display(), text]
        if app.unit_id:
            meta.insert(0, str(app.unit))
        # The tracking code, never the applicant's name: the home page is seen over shoulders.
        title = _("申请 %(code)s") % {"code": app.tracking_code}
        return Row(title, url_for(app), meta, state, state_label)

    return row


def _message_row(day: dt.date):
    def row(message) -> Row:
        text, state, state_label = _due_text(
            message.due_date, day, label=_("答复期限 %(day)s"), soon=2
        )
        # The tracking code and title, never the citizen's name.
        return Row(
            _("留言 %(code)s") % {"code": message.tracking_code},
            reverse("interaction_staff:message_detail", args=[message.pk]),
            [message.title[:40], message.get_status_display(), text],
            state,
            state_label,
        )

    return row


def _long_unanswered_row(day: dt.date):
    def row(message) -> Row:
        return Row(
            _("留言 %(code)s") % {"code": message.tracking_code},
            reverse("interaction_staff:message_detail", args=[message.pk]),
            [
                _("受理于 %(day)s") % {"day": format_date(message.received_date)},
                _("已 %(n)s 天未答复") % {"n": (day - message.received_date).days},
            ],
            "overdue",
            _("3个月未答复将被单项否决"),
        )

    return row


def _message_groups(user, unit_ids: set[int], day: dt.date) -> list[Group]:
    return [
        _group(
            "messages_to_accept",
            _("待签收的网民留言"),
            _url("interaction_staff:message_list", status="routed"),
            interaction_selectors.messages_to_accept(user=user, unit_ids=unit_ids),
            _message_row(day),
        ),
        _group(
            "messages_processing",
            _("待答复的网民留言"),
            _url("interaction_staff:message_list", status="processing"),
            interaction_selectors.messages_processing(user=user, unit_ids=unit_ids),
            _message_row(day),
        ),
    ]


def _unit_names(unit_ids: set[int], user) -> str:
    units = [u for u in org_selectors.unit_list(user=user) if u.pk in unit_ids]
    return "、".join(str(u) for u in units)


# ---------------------------------------------------------------------------------------------
# Sections, one per role.


def liaison_section(user, unit_ids: set[int], day: dt.date) -> Section:
    task_row = _task_row(day)
    tasks = _url("plans:task_list")
    return Section(
        Role.LIAISON.value,
        _("单位联络员 · %(units)s") % {"units": _unit_names(unit_ids, user)},
        [
            _group(
                "tasks_overdue",
                _("已逾期的任务"),
                _url("plans:task_list", state="overdue"),
                plan_selectors.tasks_overdue(user=user, unit_ids=unit_ids, day=day),
                task_row,
                urgent=True,
            ),
            _group(
                "tasks_due_soon",
                _("即将到期的任务（%(n)s个工作日内）") % {"n": plan_selectors.due_soon_workdays()},
                _url("plans:task_list", state="due_soon"),
                plan_selectors.tasks_due_soon(user=user, unit_ids=unit_ids, day=day),
                task_row,
            ),
            _group(
                "tasks_returned",
                _("被退回的任务"),
                _url("plans:task_list", status="returned"),
                plan_selectors.tasks_returned(user=user, unit_ids=unit_ids),
                task_row,
            ),
            _group(
                "items_returned",
                _("被退回修改的信息"),
                _url("catalog:item_list", status="returned", unit=_one_unit(unit_ids)),
                catalog_selectors.items_returned(user=user, unit_ids=unit_ids),
                _item_row,
            ),
            _group(
                "applications",
                _("待办理的依申请公开"),
                _url("foi:queue", filter="mine", unit=sorted(unit_ids)),
                foi_selectors.applications_waiting(user=user, unit_ids=unit_ids),
                _application_row(day),
            ),
            *_message_groups(user, unit_ids, day),
        ],
        _("暂无待办。可以到「工作台账」查看本单位全部任务。"),
        (_("工作台账"), tasks),
    )


def reviewer_section(user, unit_ids: set[int], day: dt.date) -> Section:
    groups = [
        _group(
            "items_review",
            _("待审核的信息"),
            _url("catalog:item_list", status="review"),
            catalog_selectors.items_awaiting_approval(user=user, unit_ids=unit_ids),
            _item_row,
        ),
        _group(
            "replies_review",
            _("待审核的答复"),
            _url("foi:queue", filter="approve", unit=sorted(unit_ids)),
            foi_selectors.replies_awaiting_approval(user=user, unit_ids=unit_ids),
            _application_row(day, _reply_url),
        ),
        _group(
            "message_replies_review",
            _("待审核的留言答复"),
            _url("interaction_staff:message_list", status="reply_pending"),
            interaction_selectors.replies_awaiting_approval(user=user, unit_ids=unit_ids),
            lambda reply: _message_row(day)(reply.message),
        ),
        _group(
            "datasets_review",
            _("待审核的数据"),
            _url("datasets:list"),
            dataset_selectors.datasets_waiting(user, unit_ids=unit_ids),
            _period_row,
        ),
    ]
    signoff = plan_selectors.tasks_awaiting_signoff(user=user, unit_ids=unit_ids)
    if signoff is not None:
        groups.append(
            _group(
                "tasks_signoff",
                _("待单位审核的任务"),
                _url("plans:task_list", status=plan_selectors.REVIEWING_STATUS),
                signoff,
                _task_row(day),
            )
        )
    return Section(
        Role.REVIEWER.value,
        _("单位审核人 · %(units)s") % {"units": _unit_names(unit_ids, user)},
        groups,
        _("暂无待审核事项。可以到「信息发布」查看本单位的信息。"),
        (_("信息发布"), _url("catalog:item_list")),
    )


def coordinator_section(user, day: dt.date) -> Section:
    by_unit = plan_selectors.overdue_by_unit(user=user, day=day)
    for row in by_unit:
        row["url"] = _url("plans:task_list", state="overdue", unit=row["unit_id"])
    return Section(
        Role.COORDINATOR.value,
        _("公开办"),
        [
            _group(
                "tasks_acceptance",
                _("待验收的任务"),
                _url("plans:task_list", status="submitted"),
                plan_selectors.tasks_awaiting_acceptance(user=user),
                _task_row(day),
            ),
            _group(
                "applications_unassigned",
                _("待分办的申请"),
                _url("foi:queue", filter="new"),
                foi_selectors.applications_unassigned(user=user),
                _application_row(day),
            ),
            _group(
                "items_review",
                _("待审核的信息"),
                _url("catalog:item_list", status="review"),
                catalog_selectors.items_awaiting_approval(user=user),
                _item_row,
            ),
            _group(
                "messages_unrouted",
                _("待分办的网民留言"),
                _url("interaction_staff:message_list", status="submitted"),
                interaction_selectors.messages_unrouted(user=user),
                _message_row(day),
            ),
            _group(
                "message_extensions",
                _("待审批的留言延期申请"),
                _url("interaction_staff:message_list", state="extension"),
                interaction_selectors.extension_requests(user=user),
                _message_row(day),
            ),
            # Long before the State Council's veto (valid messages unanswered for 3 months).
            _group(
                "messages_long_unanswered",
                _("长期未答复的网民留言（受理超过%(n)s天）")
                % {"n": interaction_selectors.warn_unanswered_days()},
                _url("interaction_staff:message_list", state="long"),
                interaction_selectors.messages_unanswered_long(user=user, day=day),
                _long_unanswered_row(day),
                urgent=True,
            ),
        ],
        _("暂无待办。可以到「台账总览」查看整体进度。"),
        (_("台账总览"), _url("workbench:dashboard")),
        {
            "overdue_by_unit": by_unit,
            "overdue_total": sum(r["count"] for r in by_unit),
            "overdue_max": max((r["count"] for r in by_unit), default=0),
            "overdue_url": _url("plans:task_list", state="overdue"),
        },
    )


def leader_section(user, day: dt.date) -> Section:
    year = day.year
    plans = plan_selectors.plan_figures(user=user, year=year, day=day)
    for plan in plans:
        plan["url"] = _url("workbench:dashboard", plan=plan["plan_id"])
    columns = catalog_selectors.column_figures(user=user, year=year)
    return Section(
        Role.LEADER.value,
        _("%(year)s年工作概况") % {"year": year},
        extra={
            "year": year,
            "plans": plans,
            "chart": {
                "plans": [p["title"] for p in plans],
                "completed": [p["completed"] for p in plans],
                "open": [p["total"] - p["completed"] - p["overdue"] for p in plans],
                "overdue": [p["overdue"] for p in plans],
            },
            "tasks_overdue": sum(p["overdue"] for p in plans),
            "applications": foi_selectors.application_figures(user=user, year=year, day=day),
            "columns": columns,
            "dashboard_url": _url("workbench:dashboard"),
            "overdue_url": _url("plans:task_list", state="overdue"),
            "foi_url": _url("foi:replies_office:statistics"),
            "foi_overdue_url": _url("foi:queue", filter="overdue"),
            "columns_url": _url("catalog:column_list"),
        },
    )


def admin_section(user, day: dt.date) -> Section:
    groups = []
    if has_perm(user, Action.MANAGE_CALENDAR):
        missing = [y for y in expected_years(day) if not is_covered(y)]
        groups.append(
            Group(
                "calendar",
                _("待录入的节假日安排"),
                _url("workbench:calendar_list"),
                len(missing),
                [
                    Row(
                        _("%(year)s年节假日安排") % {"year": y},
                        _url("workbench:calendar_create", year=y),
                        [_("按国务院办公厅通知录入")],
                    )
                    for y in missing
                ],
            )
        )
    if has_perm(user, Action.MANAGE_USERS):
        no_role = org_selectors.user_list(user=user).filter(
            is_active=True, is_superuser=False, memberships__isnull=True
        )
        groups.append(
            _group(
                "users_without_role",
                _("尚未分配角色的账号"),
                _url("workbench:user_list"),
                no_role.prefetch_related(None),
                lambda u: Row(
                    str(u), reverse("workbench:user_detail", args=[u.pk]), [u.get_username()]
                ),
            )
        )
    return Section(
        Role.ADMIN.value,
        _("系统管理员"),
        groups,
        _("暂无待办。可以到「用户与角色」管理账号。"),
        (_("用户与角色"), _url("workbench:user_list")),
    )


def sections_for(user, day: dt.date | None = None) -> list[Section]:
    """The home page's sections, in the order: unit work first, then office-wide roles."""
    day = day or plan_selectors.today()
    global_roles, unit_roles = roles_of(user)
    sections = []
    liaison_units = {uid for role, uid in unit_roles if role == Role.LIAISON}
    reviewer_units = {uid for role, uid in unit_roles if role == Role.REVIEWER}
    if liaison_units:
        sections.append(liaison_section(user, liaison_units, day))
    if reviewer_units:
        sections.append(reviewer_section(user, reviewer_units, day))
    if Role.COORDINATOR in global_roles:
        sections.append(coordinator_section(user, day))
    if Role.LEADER in global_roles:
        sections.append(leader_section(user, day))
    if Role.ADMIN in global_roles:
        sections.append(admin_section(user, day))
    return sections
