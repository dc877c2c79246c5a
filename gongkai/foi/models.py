"""Applications for disclosure (依申请公开) under the 2019 Regulation, Arts. 29–45.

Personal data: the identity number is stored encrypted (`gongkai.foi.crypto`) with a keyed hash
for matching repeated requests and only its last four characters in clear; the portal and the
public API never read this model except through the tracking-code lookup, which shows status,
timeline and letters — never identity, phone or address.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Unit


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    IN_PERSON = "in_person", _("当面提交")
    POST_SIGNED = "post_signed", _("邮寄（需签收）")
    POST_ORDINARY = "post_ordinary", _("平常信函")
    FAX = "fax", _("传真")
    EMAIL = "email", _("电子邮件")


class ApplicantType(models.TextChoices):
    NATURAL = "natural", _("自然人")
    LEGAL = "legal", _("法人或其他组织")


class OrgType(models.TextChoices):
    """The annual report's five columns under 法人或其他组织."""

    COMMERCIAL = "commercial", _("商业企业")
    RESEARCH = "research", _("科研机构")
    PUBLIC_INTEREST = "public_interest", _("社会公益组织")
    LEGAL_SERVICE = "legal_service", _("法律服务机构")
    OTHER = "other", _("其他")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
    USCC = "uscc", _("统一社会信用代码")
    OTHER = "other", _("其他证件")


class FormWanted(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")


class Delivery(models.TextChoices):
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    PICKUP = "pickup", _("自行领取")
    ONLINE = "online", _("网上获取")


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    CORRECTION = "correction", _("待补正")
    PROCESSING = "processing", _("办理中")
    CONSULTING = "consulting", _("征求意见中")
    AWAITING_FEE = "awaiting_fee", _("待缴费")
    REPLY_PENDING = "reply_pending", _("答复待审核")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")


class Application(models.Model):
    tracking_code = models.CharField(_("查询码"), max_length=20, unique=True)
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices)
    applicant_type = models.CharField(_("申请人类型"), max_length=10, choices=ApplicantType.choices)
    org_type = models.CharField(_("组织类型"), max_length=20, choices=OrgType.choices, blank=True)
    applicant_name = models.CharField(
        _("姓名"), max_length=100, help_text=_("自然人姓名，或法人、其他组织的经办人")
    )
    org_name = models.CharField(_("组织名称"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人或负责人"), max_length=100, blank=True)
    id_type = models.CharField(_("证件类型"), max_length=16, choices=IdType.choices)
    id_number_encrypted = models.TextField(_("证件号码（加密）"))
    id_number_hash = models.CharField(max_length=64, db_index=True)
    id_number_tail = models.CharField(_("证件号码后四位"), max_length=4)
    phone = models.CharField(_("联系电话"), max_length=30)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=300, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=10, blank=True)

    description = models.TextField(_("所需信息的名称或内容描述"))
    doc_number_sought = models.CharField(_("文号"), max_length=120, blank=True)
    form_wanted = models.CharField(_("获取信息的形式"), max_length=12, choices=FormWanted.choices)
    delivery = models.CharField(_("获取信息的方式"), max_length=10, choices=Delivery.choices)

    arrived_at = models.DateTimeField(_("到达时间"))
    received_date = models.DateField(
        _("收到申请之日"),
        null=True,
        blank=True,
        help_text=_("按《条例》第三十一条确定；未确认前为空"),
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("办理单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    due_date = models.DateField(
        _("答复期限"), null=True, blank=True, help_text=_("由办理记录计算，见期限说明")
    )
    due_estimated = models.BooleanField(
        _("期限为预估"),
        default=False,
        help_text=_("期限经过尚未公布节假日安排的年份，按法定节假日规则预估"),
    )
    result = models.CharField(_("办理结果（年报行）"), max_length=40, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("重复申请"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
    )
    normalized_text = models.TextField(
        blank=True, help_text="normalised description for similarity"
    )
    submitted_ip_hash = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-arrived_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return self.tracking_code


class Event(models.Model):
    """The application's timeline and the input of its clock: receipt, confirmation, correction
    requested/received, consultation start/end, extension, Art. 35 delay, reply, delivery …"""

    class Kind(models.TextChoices):
        ARRIVED = "arrived", _("申请到达")
        RECEIVED = "received", _("确认收到")
        ASSIGNED = "assigned", _("分办")
        CORRECTION_REQUESTED = "correction_requested", _("告知补正")
        CORRECTION_RECEIVED = "correction_received", _("收到补正")
        CORRECTION_EXPIRED = "correction_expired", _("逾期未补正")
        CONSULTATION_STARTED = "consultation_started", _("征求意见")
        CONSULTATION_ENDED = "consultation_ended", _("意见征求结束")
        EXTENDED = "extended", _("延期答复")
        DELAYED = "delayed", _("延迟答复（第三十五条）")
        FEE_NOTICE = "fee_notice", _("发出收费通知")
        FEE_PAID = "fee_paid", _("已缴费")
        FEE_EXPIRED = "fee_expired", _("逾期未缴费")
        REPLY_DRAFTED = "reply_drafted", _("拟定答复")
        REPLY_APPROVED = "reply_approved", _("答复审核通过")
        REPLY_RETURNED = "reply_returned", _("答复退回修改")
        REPLIED = "replied", _("答复")
        DELIVERED = "delivered", _("送达")
        CLOSED = "closed", _("办结")
        NOTE = "note", _("备注")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=24, choices=Kind.choices)
    date = models.DateField(_("日期"), help_text=_("事项发生的业务日期"))
    data = models.JSONField(_("内容"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("申请人可见"), default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["date", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class LetterTemplate(models.Model):
    """Per-kind letter templates an administrator can edit (Django template syntax). Every reply
    template must state the remedies (行政复议 60日, 行政诉讼 6个月, and to whom)."""

    kind = models.CharField(_("文书类型"), max_length=40, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文模板"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.title


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        APPROVED = "approved", _("已审核")
        RELEASED = "released", _("已送达")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("文书类型"), max_length=40)
    number = models.CharField(_("文号"), max_length=80, blank=True)
    #: whom the letter is addressed to when not the applicant (a third party, an agency)
    addressee = models.CharField(_("主送"), max_length=200, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    docx = models.FileField(_("Word 文件"), upload_to="foi/letters/%Y/", blank=True, max_length=300)
    pdf = models.FileField(_("PDF 文件"), upload_to="foi/letters/%Y/", blank=True, max_length=300)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    delivery_method = models.CharField(
        _("送达方式"), max_length=10, choices=Delivery.choices, blank=True
    )
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    tracking_number = models.CharField(_("邮件单号"), max_length=40, blank=True)
    confirmed_at = models.DateTimeField(_("申请人确认收到时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("告知书")
        verbose_name_plural = _("告知书")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


def _material_path(instance, filename):
    return f"foi/{instance.application_id}/{filename}"


class Material(models.Model):
    """Files attached to an application: the applicant's correction, information provided
    (partial disclosure: with the withheld parts removed), consultation answers."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    purpose = models.CharField(_("用途"), max_length=20)
    file = models.FileField(upload_to=_material_path, max_length=300)
    original_name = models.CharField(max_length=255)
    title = models.CharField(_("材料名称"), max_length=200, blank=True)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    released = models.BooleanField(_("提供给申请人"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def display_title(self) -> str:
        """The material's title for letters: the title given, else the file name without its
        extension (never "partial_material.docx")."""
        from pathlib import PurePath

        return (self.title or PurePath(self.original_name).stem or self.original_name).strip()


class UnitLetterSettings(models.Model):
    """How a unit's disclosure letters are numbered, signed and where they send the applicant
    for remedies. Kept in foi (not on orgs.Unit) so the letters own their configuration.

    Remedies under the revised 行政复议法 (in force 2024-01-01; see docs/foi.md): the review body
    of a county-level government department is the 本级人民政府 (Art. 24); of a vertically
    managed body (海关、金融、外汇管理、税务、国家安全机关) the upper-level authority (Art. 27)."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="letter_settings", verbose_name=_("单位")
    )
    review_body = models.CharField(
        _("行政复议机关"),
        max_length=120,
        help_text=_("如：珠海市某某区人民政府；垂直管理部门填上一级主管部门"),
    )
    court = models.CharField(_("管辖法院"), max_length=120, help_text=_("如：某某区人民法院"))
    number_pattern = models.CharField(
        _("文号格式"),
        max_length=80,
        blank=True,
        help_text=_("{year} 为年份，{seq} 为序号，如：高新发改依申复〔{year}〕{seq}号"),
    )
    contact_person = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("依申请公开文书设置")
        verbose_name_plural = _("依申请公开文书设置")

    def __str__(self) -> str:
        return str(self.unit)


class LetterSequence(models.Model):
    """The last letter number used by a unit in a year (numbers are given on approval)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="foi_letter_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"
