"""The disclosure catalog (目录/栏目) and information items (政府信息).

An item has a working copy (the fields on `Item`, edited by the unit and moved through review
by `status`) and published snapshots (`ItemVersion`). The portal renders `Item.current_version`
only, so a revision in progress never leaks and the published page stays as it was until the
revision is approved and published. `public_state` says whether the published page is live,
withdrawn with a notice, or removed (410).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Unit

#: Column codes a column must not take: a column's public page is /xxgk/<code>/, and these are
#: the portal's fixed pages under /xxgk/ (item pages, the guide, the abolished list). The
#: catalog owns the list; the portal's URLconf is checked against it (portal/tests/test_urls.py).
RESERVED_COLUMN_CODES = frozenset({"item", "guide", "abolished"})


class Column(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("动态要闻")
        NOTICE = "notice", _("通知公告")
        POLICY = "policy", _("政策文件")
        INTERPRETATION = "interpretation", _("政策解读")
        DATA = "data", _("数据发布")
        GUIDE = "guide", _("公开指南")
        ANNUAL_REPORT = "annual_report", _("年度报告")
        OTHER = "other", _("其他")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级栏目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.SlugField(
        _("栏目代码"), max_length=60, unique=True, help_text=_("用于网址，如 gfxwj")
    )
    name = models.CharField(_("栏目名称"), max_length=100)
    kind = models.CharField(_("栏目类型"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("栏目说明"), blank=True)
    units = models.ManyToManyField(
        Unit, verbose_name=_("维护单位"), blank=True, related_name="columns"
    )
    stale_after_days = models.PositiveIntegerField(
        _("更新周期（天）"),
        null=True,
        blank=True,
        help_text=_(
            "超过此天数未更新即视为“栏目不更新”；动态要闻类一般为14天，通知公告、政策文件为180天"
        ),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class IndexSequence(models.Model):
    """The last sequence number used for a unit's index numbers in a year: numbers are taken
    under a row lock and never reused."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="catalog_indexseq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.last}"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已发布")


class PublicState(models.TextChoices):
    NONE = "none", _("未发布")
    LIVE = "live", _("公开中")
    WITHDRAWN = "withdrawn", _("已撤回（保留页面并说明）")
    REMOVED = "removed", _("已撤下（页面不再提供）")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("有效")
    AMENDED = "amended", _("已修改")
    ABOLISHED = "abolished", _("已废止")
    EXPIRED = "expired", _("已失效")


class Item(models.Model):
    column = models.ForeignKey(
        Column, verbose_name=_("栏目"), on_delete=models.PROTECT, related_name="items"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="items"
    )
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True, help_text=_("保存时自动清理不安全的内容"))
    summary = models.TextField(_("内容概述"), blank=True)
    index_number = models.CharField(_("索引号"), max_length=80, unique=True)
    publisher_name = models.CharField(_("发布机构"), max_length=120)
    written_date = models.DateField(_("成文日期"), null=True, blank=True)
    publish_date = models.DateField(_("发布日期"), null=True, blank=True)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    subject = models.CharField(_("主题分类"), max_length=60, blank=True)
    disclosure_mode = models.CharField(_("公开方式"), max_length=20, default="主动公开")
    related = models.ManyToManyField(
        "self", verbose_name=_("相关信息"), blank=True, symmetrical=True
    )
    interprets = models.ForeignKey(
        "self",
        verbose_name=_("解读的政策文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpretations",
    )

    status = models.CharField(
        _("审核状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    public_state = models.CharField(
        _("公开状态"),
        max_length=12,
        choices=PublicState.choices,
        default=PublicState.NONE,
        db_index=True,
    )
    current_version = models.ForeignKey(
        "ItemVersion",
        verbose_name=_("当前公开版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_published_at = models.DateTimeField(_("首次发布时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("最近发布时间"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_explanation = models.TextField(_("撤回说明"), blank=True)

    validity = models.CharField(_("有效性"), max_length=12, choices=Validity.choices, blank=True)
    validity_date = models.DateField(_("有效性变更日期"), null=True, blank=True)
    validity_note = models.CharField(_("有效性说明"), max_length=300, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("修改或废止依据"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )

    pii_override_reason = models.TextField(_("个人信息放行理由"), blank=True)
    pii_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sample = models.BooleanField(_("示例数据"), default=False)
    version = models.PositiveIntegerField(default=0, help_text="optimistic lock")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信息")
        verbose_name_plural = _("信息")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["column", "public_state", "-published_at"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return self.title


#: Items whose published page is reachable (live, or withdrawn with a notice).
PUBLIC_STATES = (PublicState.LIVE, PublicState.WITHDRAWN)
LIVE_Q = Q(public_state=PublicState.LIVE, current_version__isnull=False)


class ItemVersion(models.Model):
    """A published snapshot: what the portal shows, with a public change note for revisions."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)
    summary = models.TextField(_("内容概述"), blank=True)
    metadata = models.JSONField(_("元数据"), default=dict)
    attachment_ids = models.JSONField(_("附件"), default=list)
    change_note = models.TextField(_("修改说明"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("发布版本")
        verbose_name_plural = _("发布版本")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalog_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）"


def _attachment_path(instance, filename):
    return f"catalog/{instance.item_id}/{filename}"


class ItemAttachment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("文件名"), max_length=255)
    kind = models.CharField(_("类型"), max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("提取的文本"), blank=True)
    is_active = models.BooleanField(
        _("在工作稿中"), default=True, help_text="removed from the working copy"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ReviewEntry(models.Model):
    """The item's workflow history, shown to staff."""

    class Kind(models.TextChoices):
        CREATE = "create", _("创建")
        EDIT = "edit", _("修改")
        SUBMIT = "submit", _("提交审核")
        RETURN = "return", _("退回修改")
        APPROVE = "approve", _("审核通过")
        PUBLISH = "publish", _("发布")
        WITHDRAW = "withdraw", _("撤回")
        REMOVE = "remove", _("撤下")
        PII_OVERRIDE = "pii_override", _("放行个人信息提示")
        MASK = "mask", _("遮盖个人信息")
        VALIDITY = "validity", _("变更有效性")
        REVISE = "revise", _("开始修订")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="review_entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class ColumnBinding(models.Model):
    """A plan item (an obligation in the ledger) bound to a column: publishing in the column
    within a task's period submits that unit's task for the period with the item as evidence."""

    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name=_("方案条目"),
        on_delete=models.CASCADE,
        related_name="column_bindings",
    )
    column = models.ForeignKey(
        Column, verbose_name=_("栏目"), on_delete=models.CASCADE, related_name="bindings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("任务栏目绑定")
        verbose_name_plural = _("任务栏目绑定")
        constraints = [
            models.UniqueConstraint(fields=["plan_item", "column"], name="catalog_binding_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_item} → {self.column}"
