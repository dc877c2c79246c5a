"""Work plans (分工方案), their items, schedule rules, and the ledger of tasks (台账)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Unit, UnitGroup


class Plan(models.Model):
    title = models.CharField(_("方案名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    effective_from = models.DateField(
        _("生效日期"),
        null=True,
        blank=True,
        help_text=_("台账只生成完成时限在此日期及以后的任务；为空时自年初起"),
    )
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("文件摘要"), max_length=64, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def starts_on(self) -> dt.date:
        """The first day tasks may fall due: the effective-from date, or 1 January of the
        plan year when none is set (plans imported before the field existed)."""
        return self.effective_from or dt.date(self.year, 1, 1)


class PlanItem(models.Model):
    """A node of the plan tree: a heading (一、…) or a task item (a leaf)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    is_task = models.BooleanField(_("是否任务"), default=True)
    path = models.JSONField(_("编号路径"), default=list)
    position = models.PositiveIntegerField(_("顺序"))
    title = models.CharField(_("标题"), max_length=500)
    text = models.TextField(_("具体要求"), blank=True)
    source = models.JSONField(_("原文位置"), default=dict, blank=True)
    is_removed = models.BooleanField(_("已从方案移除"), default=False)

    class Meta:
        verbose_name = _("方案条目")
        verbose_name_plural = _("方案条目")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plans_item_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.path_label} {self.title}".strip()

    @property
    def path_label(self) -> str:
        return " ".join(self.path)


class ItemUnit(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        RESPONSIBLE = "responsible", _("责任单位")
        COOPERATING = "cooperating", _("配合单位")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="item_units")
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("职责"), max_length=12, choices=Role.choices)
    name_as_written = models.CharField(_("原文名称"), max_length=120, blank=True)
    group = models.ForeignKey(
        UnitGroup,
        verbose_name=_("来自单位组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("条目单位")
        verbose_name_plural = _("条目单位")
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="plans_itemunit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_role_display()})"


class RuleKind(models.TextChoices):
    ONCE = "once", _("一次性，限期完成")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")
    WEEKLY = "weekly", _("每周")
    EVENT = "event", _("事件触发（N个工作日内）")
    CONTINUOUS = "continuous", _("持续进行")
    PERIODIC = "periodic", _("定期（间隔由公开办设定）")
    TIMELY = "timely", _("及时（20个工作日内）")
    STATUTORY = "statutory", _("法定时限（依申请公开）")


class ScheduleRule(models.Model):
    """When an item's work is due: the phrase as written and the rule it maps to.

    `params` holds the kind's parameters: month, day (int or "end"), interval_days, workdays,
    event, event_text — validated by `gongkai.plans.schedule.clean_rule`."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="rules")
    phrase = models.CharField(_("原文表述"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=RuleKind.choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    changed_by_coordinator = models.BooleanField(_("已人工调整"), default=False)

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["item", "position", "id"]

    def __str__(self) -> str:
        return self.describe()

    def as_dict(self) -> dict:
        return {"kind": self.kind, **self.params}

    def describe(self) -> str:
        from .parsing.timing import describe

        return describe(self.as_dict())


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    REVIEWING = "reviewing", _("待单位审核")
    SUBMITTED = "submitted", _("已报送")
    COMPLETED = "completed", _("已完成")
    RETURNED = "returned", _("已退回")


#: Statuses in which the unit may still work on the task: report progress and submit.
EDITABLE_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)

#: Statuses in which the unit still owes the work (a task in these can be due soon or overdue,
#: and gets reminders). 待单位审核 counts: the task has not left the unit yet.
OPEN_STATUSES = (*EDITABLE_STATUSES, TaskStatus.REVIEWING)


class Task(models.Model):
    """One unit's work on one item for one period: a row of the ledger (台账)."""

    item = models.ForeignKey(
        PlanItem, verbose_name=_("条目"), on_delete=models.CASCADE, related_name="tasks"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="tasks"
    )
    rule = models.ForeignKey(
        ScheduleRule,
        verbose_name=_("时限规则"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    period_label = models.CharField(_("周期"), max_length=40)
    due_date = models.DateField(_("完成时限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.TextField(_("进展情况"), blank=True)
    event_date = models.DateField(_("事件日期"), null=True, blank=True)
    event_note = models.CharField(_("事件说明"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    late_reason = models.TextField(
        _("逾期说明"), blank=True, help_text=_("超过完成时限报送时，联络员说明的逾期原因")
    )
    version = models.PositiveIntegerField(
        default=0, help_text="optimistic lock for concurrent edits"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["due_date", "item__position", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "unit", "rule", "period_start", "period_end"],
                name="plans_task_period_unique",
            )
        ]
        indexes = [models.Index(fields=["unit", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.item.title[:30]} · {self.unit} · {self.period_label}"

    @property
    def completion_date(self) -> dt.date | None:
        """完成日期 of a completed task: the local date the accepted work was submitted (the
        unit's finishing date, as the on-time rate counts it; the coordinator's acceptance may
        come later), or the acceptance date when no submission time is known."""
        if self.status != TaskStatus.COMPLETED:
            return None
        moment = self.submitted_at or self.completed_at
        return timezone.localdate(moment) if moment else None

    @property
    def completed_late(self) -> bool:
        """逾期完成: completed, with a completion date after the due date. Computed, not a status."""
        day = self.completion_date
        return day is not None and day > self.due_date


class TaskEntry(models.Model):
    """The task's history: progress reports, submissions, acceptance, returns."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("填报进展")
        SUBMIT = "submit", _("报送")
        ACCEPT = "accept", _("验收通过")
        RETURN = "return", _("退回")
        EVENT = "event", _("登记事件")
        IMPORT = "import", _("导入进展")
        EVIDENCE = "evidence", _("关联公开信息")
        REVIEW_APPROVE = "review_approve", _("单位审核通过")
        REVIEW_RETURN = "review_return", _("单位审核退回")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("说明"), blank=True)
    late_reason = models.TextField(_("逾期说明"), blank=True)
    status_before = models.CharField(max_length=12, choices=TaskStatus.choices, blank=True)
    status_after = models.CharField(max_length=12, choices=TaskStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务记录")
        verbose_name_plural = _("任务记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


def _attachment_path(instance, filename):
    return f"plans/tasks/{instance.task_id}/{filename}"


class TaskAttachment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments")
    entry = models.ForeignKey(
        TaskEntry, null=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class TaskLink(models.Model):
    """Evidence that points to published information (a URL, or later a catalog item)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="links")
    entry = models.ForeignKey(TaskEntry, null=True, on_delete=models.SET_NULL, related_name="links")
    url = models.URLField(_("链接"), max_length=500)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公开信息链接")
        verbose_name_plural = _("公开信息链接")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title or self.url


class PlanImport(models.Model):
    """An uploaded plan waiting for the coordinator's review (preview → map → confirm)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已导入")
        DISCARDED = "discarded", _("已放弃")

    title = models.CharField(_("方案名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    source_name = models.CharField(_("来源文件"), max_length=255)
    source_sha256 = models.CharField(max_length=64)
    parsed = models.JSONField(_("解析结果"))
    replaces = models.ForeignKey(
        Plan,
        verbose_name=_("更新的方案"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("方案导入")
        verbose_name_plural = _("方案导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"
