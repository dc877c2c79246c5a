"""Citizen interaction (互动交流): messages (网民留言 / 区长信箱 / 部门信箱), website error reports
(我为政府网站找错) and public consultations on draft policies (意见征集).

Personal data: a message's name, phone and email, an error reporter's contact and a commenter's
contact are stored for handling only. Public pages, feeds and the API read
`selectors.public`, which returns the masked copies (`public_*` fields, written at publishing
after the PII scan) and never these fields.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Unit


class MessageKind(models.TextChoices):
    CONSULT = "consult", _("咨询")
    SUGGEST = "suggest", _("建议")
    COMPLAIN = "complain", _("投诉")
    HELP = "help", _("求助")


class Mailbox(models.TextChoices):
    LEADER = "leader", _("区长信箱")
    UNIT = "unit", _("部门信箱")


class MessageStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待分办")
    ROUTED = "routed", _("待签收")
    PROCESSING = "processing", _("办理中")
    REPLY_PENDING = "reply_pending", _("答复待审核")
    REPLIED = "replied", _("已答复")
    REDIRECTED = "redirected", _("已转其他渠道")


class Redirect(models.TextChoices):
    FOI = "foi", _("转依申请公开")
    PETITION = "petition", _("转信访")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Message(models.Model):
    tracking_code = models.CharField(_("查询码"), max_length=20, unique=True)
    kind = models.CharField(_("留言类型"), max_length=10, choices=MessageKind.choices)
    mailbox = models.CharField(_("信箱"), max_length=10, choices=Mailbox.choices)
    addressee = models.ForeignKey(
        Unit,
        verbose_name=_("收信单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("留言内容"))
    # Personal data: never on a public page, feed, API response, log or notification.
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=30)
    email = models.CharField(_("电子邮箱"), max_length=254, blank=True)
    consent_public = models.BooleanField(_("同意公开"), default=False)
    submitted_ip_hash = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(_("受理时间"))
    received_date = models.DateField(_("受理日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.SUBMITTED
    )
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    extension_workdays = models.PositiveSmallIntegerField(_("延期工作日"), default=0)
    # A unit's pending request for an extension, decided by the 公开办 (the approver).
    extension_requested = models.PositiveSmallIntegerField(_("申请延期工作日"), default=0)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_date = models.DateField(_("答复日期"), null=True, blank=True)
    reply_unit = models.ForeignKey(
        Unit,
        verbose_name=_("答复部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reply_text = models.TextField(_("答复内容"), blank=True)
    redirect = models.CharField(_("转办"), max_length=10, choices=Redirect.choices, blank=True)
    redirect_reason = models.TextField(_("转办理由"), blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    follow_up = models.TextField(_("追问"), blank=True)
    follow_up_at = models.DateTimeField(_("追问时间"), null=True, blank=True)
    follow_up_reply = models.TextField(_("追问答复"), blank=True)
    # Published copies, masked by the PII scan when the reply is approved.
    is_public = models.BooleanField(_("已公开"), default=False)
    public_title = models.CharField(max_length=100, blank=True)
    public_content = models.TextField(blank=True)
    public_reply = models.TextField(blank=True)
    public_follow_up = models.TextField(blank=True)
    public_follow_up_reply = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["is_public", "received_date"]),
        ]
        verbose_name = _("留言")

    def __str__(self) -> str:
        return f"留言 {self.tracking_code}"

    @property
    def open(self) -> bool:
        return self.status not in (MessageStatus.REPLIED, MessageStatus.REDIRECTED)


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACCEPTED = "accepted", _("已签收")
    SENT_BACK = "sent_back", _("已退回")


class Assignment(models.Model):
    """One unit a message was routed (分办) to."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    reason = models.TextField(_("退回理由"), blank=True)
    routed_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"分办 #{self.pk}"


class ReplyStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")


class Reply(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("答复内容"))
    is_follow_up = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.PENDING
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"答复 #{self.pk}"


class MessageEvent(models.Model):
    """The message's timeline (staff page); `public` ones are shown on the tracking page."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    label = models.CharField(max_length=100)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.label


class MessageAttachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="interaction/messages/%Y/%m/")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.name


# -- error reports ---------------------------------------------------------------------------


class ErrorKind(models.TextChoices):
    TYPO = "typo", _("错别字")
    LINK = "link", _("链接错误")
    INACCURATE = "inaccurate", _("信息不准确")
    OUTDATED = "outdated", _("内容过期")
    OTHER = "other", _("其他")


class ErrorSource(models.TextChoices):
    PORTAL = "portal", _("本网站网民")
    CITY = "city", _("市政府转办")
    NATIONAL = "national", _("全国政府网站找错平台")


class ErrorStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    FIXED = "fixed", _("已修改")
    ANSWERED = "answered", _("已答复（无需修改）")
    CLOSED = "closed", _("已办结")


class ErrorReport(models.Model):
    tracking_code = models.CharField(max_length=20, unique=True)
    source = models.CharField(max_length=10, choices=ErrorSource.choices)
    reference_number = models.CharField(_("平台编号"), max_length=60, blank=True)
    kind = models.CharField(_("错误类型"), max_length=12, choices=ErrorKind.choices)
    url = models.CharField(_("页面地址"), max_length=500)
    selected_text = models.CharField(_("选中的文字"), max_length=500, blank=True)
    description = models.TextField(_("问题描述"))
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)  # never public
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("负责单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=ErrorStatus.choices, default=ErrorStatus.OPEN)
    answer = models.TextField(_("处理结果"), blank=True)
    received_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    resolved_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"纠错 {self.tracking_code}"


# -- consultations ---------------------------------------------------------------------------


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("征集中")
    CLOSED = "closed", _("已结束")
    FEEDBACK = "feedback", _("已反馈")


class Consultation(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("起草单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    explanation = models.TextField(_("起草说明"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("截止日期"))
    short_reason = models.TextField(_("缩短期限的理由"), blank=True)
    status = models.CharField(
        max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    task = models.ForeignKey(
        "plans.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    final_item = models.ForeignKey(
        "catalog.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_summary = models.TextField(_("采纳情况说明"), blank=True)
    feedback_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]

    def __str__(self) -> str:
        return self.title


class Clause(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="clauses")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="clause_number_unique")
        ]

    def __str__(self) -> str:
        return f"第{self.number}条"


class ConsultationAttachment(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="interaction/consultations/%Y/%m/")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.name


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已公开")
    REJECTED = "rejected", _("不予公开")


class Adoption(models.TextChoices):
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")


class Comment(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    clause = models.ForeignKey(
        Clause, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("意见"))
    public_text = models.TextField(blank=True)  # masked copy shown once approved
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)  # never public
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    moderation_reason = models.CharField(max_length=200, blank=True)
    adoption = models.CharField(max_length=12, choices=Adoption.choices, blank=True)
    adoption_reason = models.TextField(blank=True)
    submitted_ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"意见 #{self.pk}"
