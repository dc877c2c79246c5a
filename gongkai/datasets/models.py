"""Structured data publishing (数据发布): datasets with a typed schema, records per period.

A `Dataset` is owned by a unit, shown in a catalogue column and optionally bound to a plan item.
Its `Field`s are the schema (ordered). Records belong to a `Period`: a month (`2026-10`) for a
monthly dataset, or the one running register (`register`) for 双公示 and blacklists.

Each period keeps revisions: the public sees `published_revision`; an import or a hand-entered
row writes `draft_revision` (published + 1). Publishing a draft makes it the public revision,
records a `PeriodVersion` with its change note and drops the older revision's rows. So a
correction never takes the published table offline while it is being prepared.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

REGISTER_KEY = "register"


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("按月")
    REGISTER = "register", _("持续登记")


class FieldType(models.TextChoices):
    TEXT = "text", _("文本")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("数值")
    DATE = "date", _("日期")
    MONTH = "month", _("月份")
    ENUM = "enum", _("枚举")
    USCC = "uscc", _("统一社会信用代码")
    ID_NUMBER = "id_number", _("身份证号码")


NUMERIC_TYPES = frozenset({FieldType.INTEGER, FieldType.DECIMAL})


class Dataset(models.Model):
    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    title = models.CharField(_("数据集名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="datasets"
    )
    column = models.ForeignKey(
        "catalog.Column",
        verbose_name=_("所属栏目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datasets",
    )
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name=_("对应工作任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datasets",
    )
    period_kind = models.CharField(
        _("数据周期"), max_length=12, choices=PeriodKind.choices, default=PeriodKind.MONTHLY
    )
    #: How the portal draws the chart: {"type": "line", "fields": [...]} (sum per month over
    #: the published periods) or {"type": "bar", "category": name, "series": name} (counts).
    chart = models.JSONField(_("图表"), default=dict, blank=True)
    #: A publication deadline per record: each record dated (by `deadline_field`, a date field)
    #: after the last publication must be published within this many working days
    #: (双公示: 7 working days from the decision date). Tracked through the reminder engine.
    deadline_workdays = models.PositiveSmallIntegerField(
        _("公示时限（工作日）"), null=True, blank=True
    )
    deadline_field = models.CharField(_("时限起算字段"), max_length=60, blank=True)
    is_builtin = models.BooleanField(_("内置"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("数据集")
        verbose_name_plural = _("数据集")

    def __str__(self) -> str:
        return self.title

    @property
    def is_monthly(self) -> bool:
        return self.period_kind == PeriodKind.MONTHLY


class Field(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveIntegerField(default=0)
    name = models.SlugField(_("字段名"), max_length=60)
    label = models.CharField(_("显示名称"), max_length=100)
    type = models.CharField(_("类型"), max_length=12, choices=FieldType.choices)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    required = models.BooleanField(_("必填"), default=False)
    #: Allowed values of an enum field, in order.
    choices = models.JSONField(_("可选值"), default=list, blank=True)
    #: Validation rules: max_length (text), min / max (numbers), decimals (places),
    #: aliases ({"II类": "Ⅱ类"} for enums), header_aliases (other column names).
    rules = models.JSONField(_("校验规则"), default=dict, blank=True)

    class Meta:
        ordering = ["dataset", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="datasets_field_unique_name")
        ]
        verbose_name = _("字段")
        verbose_name_plural = _("字段")

    def __str__(self) -> str:
        return self.label

    @property
    def heading(self) -> str:
        """The column heading: the label with its unit, e.g. 成交面积（平方米）."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    @property
    def is_public(self) -> bool:
        return self.type != FieldType.ID_NUMBER

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


class PeriodStatus(models.TextChoices):
    EMPTY = "empty", _("未填报")
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("已发布")


EDITABLE_PERIOD_STATUSES = frozenset(
    {PeriodStatus.EMPTY, PeriodStatus.DRAFT, PeriodStatus.RETURNED, PeriodStatus.PUBLISHED}
)


class Period(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="periods")
    key = models.CharField(_("期间"), max_length=12)  # "2026-10" or "register"
    status = models.CharField(
        _("状态"), max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.EMPTY
    )
    draft_revision = models.PositiveIntegerField(default=0)  # 0: no draft
    published_revision = models.PositiveIntegerField(default=0)  # 0: never published
    draft_rows = models.PositiveIntegerField(_("待发布条数"), default=0)
    published_rows = models.PositiveIntegerField(_("已发布条数"), default=0)
    source_name = models.CharField(_("导入文件"), max_length=255, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    #: The earliest publication deadline of the draft's new records (see
    #: `Dataset.deadline_workdays`); cleared on publication.
    due_date = models.DateField(_("公示时限"), null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dataset", "-key"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "key"], name="datasets_period_unique_key")
        ]
        verbose_name = _("数据期间")
        verbose_name_plural = _("数据期间")

    def __str__(self) -> str:
        return f"{self.dataset.title} {self.label}"

    @property
    def label(self) -> str:
        if self.key == REGISTER_KEY:
            return "登记表"
        year, month = self.key.split("-")
        return f"{year}年{int(month)}月"

    @property
    def is_published(self) -> bool:
        return self.published_revision > 0


class PeriodVersion(models.Model):
    """One publication of a period: visible on the portal with its change note."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="versions")
    revision = models.PositiveIntegerField()
    rows = models.PositiveIntegerField(default=0)
    change_note = models.TextField(_("更正说明"), blank=True)
    pii_override_reason = models.TextField(_("个人信息放行理由"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["period", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "revision"], name="datasets_version_unique_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} 第{self.revision}版"


class Record(models.Model):
    """One row: `data` maps field names to values (numbers as int / decimal strings, dates and
    months as ISO strings). Identity numbers are stored whole for staff and masked on every
    public read."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="records")
    revision = models.PositiveIntegerField()
    row = models.PositiveIntegerField(_("行号"))
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["period", "revision", "row"]
        indexes = [models.Index(fields=["period", "revision", "row"], name="datasets_rec_prr")]

    def __str__(self) -> str:
        return f"第{self.row}行"
