"""Forms for replies, letters, fees, the proactive suggestion, templates and statistics."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.catalog.models import Column
from gongkai.core.errors import ValidationFailed
from gongkai.core.widgets import DateInput, MultipleFileField
from gongkai.orgs.models import Unit

from .. import fees, letters
from ..models import Delivery
from ..results import result_choices


class ReplyDraftForm(forms.Form):
    result = forms.ChoiceField(label=_("答复类型（年报行）"), choices=())
    reasons = forms.CharField(
        label=_("理由与说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "不予公开、部分公开、不予处理等须说明理由和依据；无法提供（不属于本机关负责公开）的，写明负责公开机关的名称和联系方式"
        ),
    )
    published_location = forms.CharField(
        label=_("已公开信息的获取途径"),
        required=False,
        max_length=500,
        help_text=_("已主动公开的，写明网站栏目、网址或公报期号（《条例》第三十六条第（一）项）"),
    )
    files = MultipleFileField(
        label=_("提供给申请人的材料"),
        required=False,
        help_text=_(
            "部分公开须上传删除不予公开内容后的文件；PDF、Word、Excel 或图片，单个不超过 20 MB"
        ),
    )
    material_titles = forms.CharField(
        label=_("材料名称"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "答复书中以此名称列明提供的材料（如：2025年补助发放名单（删除个人信息后））；"
            "上传多个文件的，每行一个，顺序与文件一致；不填则用文件名（去掉扩展名）"
        ),
    )
    repeat_of = forms.TypedChoiceField(
        label=_("此前已答复的申请"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, repeats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", "—— 请选择 ——"), *result_choices()]
        if repeats:
            self.fields["repeat_of"].choices = [("", "——")] + [
                (m.application.pk, f"{m.application.tracking_code}（相似度 {m.score:.0%}）")
                for m in repeats
            ]
            self.fields["repeat_of"].help_text = _("答复类型为“重复申请”时选择")
        else:
            del self.fields["repeat_of"]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class DeliverForm(forms.Form):
    letter = forms.TypedChoiceField(label=_("文书"), coerce=int, choices=())
    method = forms.ChoiceField(label=_("送达方式"), choices=Delivery.choices)
    date = forms.DateField(
        label=_("送达日期"), widget=DateInput(), help_text=_("申请人签收之日；邮寄的为签收日期")
    )
    tracking_number = forms.CharField(
        label=_("邮件单号"),
        required=False,
        max_length=40,
        help_text=_("邮寄送达的，填写邮政挂号信或EMS单号，将随送达通知发给申请人"),
    )

    def __init__(self, *args, letters_=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter"].choices = [
            (lt.pk, f"{lt.title}（{letters.fmt(lt.approved_at)}）") for lt in letters_
        ]
        self.fields["date"].initial = timezone.localdate()


def default_pay_by(start: dt.date | None = None) -> dt.date:
    """20 working days after the notice (a proposal; the handler may change it)."""
    start = start or timezone.localdate()
    try:
        from gongkai.core.workdays import get_calendar

        return get_calendar(provisional=True).add_workdays(start, 20)
    except Exception:  # calendar not covered: fall back to four calendar weeks
        return start + dt.timedelta(days=28)


class FeeNoticeForm(forms.Form):
    method = forms.ChoiceField(
        label=_("计费方式"), choices=list(fees.METHODS.items()), widget=forms.RadioSelect
    )
    count = forms.IntegerField(
        label=_("按件：本申请计为几件"),
        min_value=1,
        max_value=500,
        initial=1,
        required=False,
        help_text=_("一事一申请拆分后的件数；序号按申请人本自然月内的申请自动计算"),
    )
    pages = forms.IntegerField(
        label=_("按量：页数"), min_value=1, max_value=1_000_000, required=False
    )
    pay_by = forms.DateField(label=_("缴费期限"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pay_by"].initial = default_pay_by()

    def clean(self):
        data = super().clean()
        if data.get("method") == fees.BY_PAGES and not data.get("pages"):
            self.add_error("pages", "按量计收须填写页数")
        return data


class FeePaidForm(forms.Form):
    date = forms.DateField(label=_("缴费日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ProactiveForm(forms.Form):
    column = forms.ModelChoiceField(label=_("目录栏目"), queryset=Column.objects.none())
    title = forms.CharField(
        label=_("标题"), max_length=300, required=False, help_text=_("留空则按申请共同的关键词生成")
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Column.objects.filter(is_active=True)
        if unit is not None and qs.filter(units=unit).exists():
            qs = qs.filter(units=unit)
        self.fields["column"].queryset = qs.order_by("sort_order", "pk")


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文模板"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text=_(
            "Django 模板语法，如 {{ applicant_name }}；必须保留救济途径一段（行政复议60日、行政诉讼6个月）"
        ),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.preview: tuple[str, str] | None = None

    def clean(self):
        data = super().clean()
        if data.get("title") and data.get("body"):
            try:
                self.preview = letters.validate_template(self.kind, data["title"], data["body"])
            except ValidationFailed as exc:
                raise forms.ValidationError(exc.message) from None
        return data


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2008, max_value=2100)
    unit = forms.ModelChoiceField(
        label=_("办理单位"), queryset=Unit.objects.none(), required=False, empty_label="全部单位"
    )

    def __init__(self, *args, units=None, allow_all=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["unit"].queryset = (
            units if units is not None else Unit.objects.filter(is_active=True)
        )
        if not allow_all:
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None


__all__ = [
    "DeliverForm",
    "FeeNoticeForm",
    "FeePaidForm",
    "ProactiveForm",
    "ReplyDraftForm",
    "ReturnForm",
    "StatisticsForm",
    "TemplateForm",
]


class UnitLetterSettingsForm(forms.Form):
    review_body = forms.CharField(
        label=_("行政复议机关"),
        max_length=120,
        help_text=_(
            "区县政府工作部门填本级人民政府（《行政复议法》第二十四条）；海关、金融、外汇管理、"
            "税务、国家安全机关等垂直管理部门填上一级主管部门（第二十七条）"
        ),
    )
    court = forms.CharField(label=_("管辖法院"), max_length=120)
    number_pattern = forms.CharField(
        label=_("文号格式"),
        max_length=80,
        required=False,
        help_text=_("{year} 为年份，{seq} 为序号，如：高新发改依申复〔{year}〕{seq}号"),
    )
    contact_person = forms.CharField(label=_("联系人"), max_length=40, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
