"""The annual report (政府信息公开工作年度报告) as staff edit it, and the register of
administrative review and litigation cases about disclosure that feeds its section 四."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Unit


class AnnualReport(models.Model):
    """Year Y's report of a reporting body: one unit (due 31 January of Y+1), or the government
    as a whole (`unit` empty, due 31 March). Tables 二 (documents), 三 and 四 are computed
    from live data when shown; staff keep the texts and the figures gongkai does not hold."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("报告主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annual_reports",
        help_text=_("为空表示本级人民政府（全区）"),
    )
    section_one = models.TextField(_("一、总体情况"), blank=True)
    section_five = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    section_six = models.TextField(_("六、其他需要报告的事项"), blank=True)
    licensing = models.PositiveIntegerField(_("行政许可本年处理决定数量"), null=True, blank=True)
    penalty = models.PositiveIntegerField(_("行政处罚本年处理决定数量"), null=True, blank=True)
    enforcement = models.PositiveIntegerField(_("行政强制本年处理决定数量"), null=True, blank=True)
    fees = models.DecimalField(
        _("行政事业性收费本年收费金额（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("发布的信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0, help_text="optimistic lock")

    class Meta:
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")
        ordering = ["-year", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="reports_annual_unit_unique"),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(unit__isnull=True),
                name="reports_annual_government_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body_name}{self.year}年政府信息公开工作年度报告"

    @property
    def body_name(self) -> str:
        return self.unit.name if self.unit_id else settings.GONGKAI_GOVERNMENT_NAME


class ReviewCase(models.Model):
    """A 行政复议 or 行政诉讼 case about the body's disclosure work (section 四)."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("行政复议")
        DIRECT = "direct", _("行政诉讼（未经复议直接起诉）")
        AFTER_REVIEW = "after_review", _("行政诉讼（复议后起诉）")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("尚未审结")
        MAINTAINED = "maintained", _("结果维持")
        CORRECTED = "corrected", _("结果纠正")
        OTHER = "other", _("其他结果")

    unit = models.ForeignKey(
        Unit, verbose_name=_("被申请或被诉单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    application = models.ForeignKey(
        "foi.Application",
        verbose_name=_("涉及的政府信息公开申请"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case_number = models.CharField(_("案号"), max_length=80, blank=True)
    filed_date = models.DateField(_("受理（立案）日期"))
    outcome = models.CharField(
        _("结果"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_date = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("行政复议、行政诉讼案件")
        verbose_name_plural = _("行政复议、行政诉讼案件")
        ordering = ["-filed_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_number or self.filed_date}"


class Indicator(models.TextChoices):
    """The indicators of unit evaluation (考评); each is computed from live data."""

    TASKS = "tasks", _("任务落实")
    PUBLISHING = "publishing", _("信息发布")
    FOI = "foi", _("依申请公开")
    INTERACTION = "interaction", _("互动回应")
    MONITORING = "monitoring", _("网站监测")


class EvaluationWeight(models.Model):
    """The coordinator's scheme: each indicator's weight (points out of 100) and whether it
    counts. Installed with the defaults 30 / 20 / 20 / 15 / 15."""

    indicator = models.CharField(_("指标"), max_length=20, choices=Indicator.choices, unique=True)
    weight = models.PositiveSmallIntegerField(_("分值"))
    is_active = models.BooleanField(_("计入考评"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("考评指标分值")
        verbose_name_plural = _("考评指标分值")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.weight}"


class EvaluationAdjustment(models.Model):
    """A manual adjustment of one unit's score on one indicator for one period, with its reason."""

    period = models.CharField(_("考评周期"), max_length=10, db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.CharField(_("指标"), max_length=20, choices=Indicator.choices)
    points = models.DecimalField(_("加减分"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("理由"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考评人工调整")
        verbose_name_plural = _("考评人工调整")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_indicator_display()} {self.points:+}"
