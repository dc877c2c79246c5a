"""Forms of the staff FOI pages: staff entry of an application and one form per handling
action. They parse input only; the services (`gongkai.foi.services`) decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.widgets import DateInput
from gongkai.orgs.models import User

from ..clock import MAX_EXTENSION_WORKDAYS, PARTY_LABELS
from ..models import ApplicantType, Channel, Delivery, FormWanted, IdType, OrgType
from ..services.handling import CLOSE_RESULTS

_DATE = {"required": _("请填写日期"), "invalid": _("日期格式不正确")}


def _date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        # <input type="date"> needs the ISO value whatever the locale's date format (zh-hans
        # renders 2026/11/26, which the browser shows as an empty field)
        widget=DateInput(),
        error_messages=_DATE,
    )


class _VersionedForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("页面已过期，请刷新页面后重试"),
            "invalid": _("页面已过期，请刷新页面后重试"),
        },
    )


class _OnForm(_VersionedForm):
    on = _date_field(_("日期"), required=False, help_text=_("不填为今天"))


# -- staff entry --------------------------------------------------------------------------------


class StaffApplicationForm(forms.Form):
    """登记申请 (当面、邮寄、传真、电子邮件 …). Art. 29 checks are the service's."""

    channel = forms.ChoiceField(label=_("申请渠道"), choices=Channel.choices)
    arrived_at = forms.DateTimeField(
        label=_("到达时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        error_messages={"required": _("请填写申请到达时间"), "invalid": _("时间格式不正确")},
    )
    confirmed_on = _date_field(
        _("与申请人确认收到的日期"),
        required=False,
        help_text=_(
            "平常信函、传真、电子邮件、网上申请：以双方确认之日为收到申请之日（《条例》第三十一条）"
        ),
    )
    applicant_type = forms.ChoiceField(label=_("申请人类型"), choices=ApplicantType.choices)
    applicant_name = forms.CharField(label=_("姓名（经办人）"), max_length=100, required=False)
    org_type = forms.ChoiceField(
        label=_("组织类型"), choices=[("", "—"), *OrgType.choices], required=False
    )
    org_name = forms.CharField(label=_("组织名称"), max_length=200, required=False)
    legal_representative = forms.CharField(
        label=_("法定代表人或负责人"), max_length=100, required=False
    )
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    address = forms.CharField(label=_("通信地址"), max_length=300, required=False)
    postcode = forms.CharField(label=_("邮政编码"), max_length=10, required=False)
    description = forms.CharField(
        label=_("所需信息的名称或内容描述"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    doc_number_sought = forms.CharField(label=_("文号"), max_length=120, required=False)
    form_wanted = forms.ChoiceField(label=_("获取信息的形式"), choices=FormWanted.choices)
    delivery = forms.ChoiceField(label=_("获取信息的方式"), choices=Delivery.choices)

    SERVICE_FIELDS = (
        "applicant_type",
        "applicant_name",
        "org_type",
        "org_name",
        "legal_representative",
        "id_type",
        "id_number",
        "phone",
        "email",
        "address",
        "postcode",
        "description",
        "doc_number_sought",
        "form_wanted",
        "delivery",
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "channel": data["channel"],
            "arrived_at": data["arrived_at"],
            "confirmed_on": data.get("confirmed_on"),
            **{name: data.get(name) or "" for name in self.SERVICE_FIELDS},
        }


# -- handling actions ---------------------------------------------------------------------------


class ConfirmReceiptForm(_VersionedForm):
    confirmed_on = _date_field(
        _("确认收到之日"), help_text=_("与申请人双方确认之日（《条例》第三十一条）")
    )


class AssignForm(_VersionedForm):
    unit = forms.ModelChoiceField(label=_("办理单位"), queryset=None, empty_label=None)
    handler = forms.ModelChoiceField(
        label=_("经办人"), queryset=None, required=False, empty_label=_("（暂不指定）")
    )
    note = forms.CharField(
        label=_("分办说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["handler"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__unit__in=units,
                memberships__role__in=("liaison", "reviewer"),
            )
            .distinct()
            .order_by("pk")
        )


class RequestCorrectionForm(_OnForm):
    items = forms.CharField(
        label=_("需要补正的事项"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("一次性告知需要补正的全部事项（《条例》第三十条）"),
        error_messages={"required": _("请写明需要补正的事项")},
    )
    deadline = _date_field(_("补正期限"), help_text=_("申请人应在此日前提交补正材料"))


class ReceiveCorrectionForm(_OnForm):
    text = forms.CharField(
        label=_("补正内容"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    replace_description = forms.BooleanField(label=_("以补正内容替换原内容描述"), required=False)


class ExpireCorrectionForm(_OnForm):
    pass


class StartConsultationForm(_OnForm):
    party = forms.ChoiceField(label=_("征求对象"), choices=list(PARTY_LABELS.items()))
    name = forms.CharField(
        label=_("名称"), max_length=200, error_messages={"required": _("请填写名称")}
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndConsultationForm(_OnForm):
    consultation = forms.ChoiceField(label=_("征求意见事项"), choices=())
    outcome = forms.CharField(
        label=_("意见情况"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [
            (str(e.data.get("id")), f"{e.data.get('name', '')}（{e.date:%Y-%m-%d}起）")
            for e in consultations
        ]


class ExtendForm(_OnForm):
    workdays = forms.IntegerField(
        label=_("延长工作日数"),
        min_value=1,
        max_value=MAX_EXTENSION_WORKDAYS,
        initial=MAX_EXTENSION_WORKDAYS,
        error_messages={
            "required": _("请填写延长的工作日数"),
            "min_value": _("延长的期限应为1至20个工作日"),
            "max_value": _("延长的期限最长不得超过20个工作日（《条例》第三十三条）"),
        },
    )
    approver = forms.CharField(
        label=_("同意延期的负责人"),
        max_length=100,
        error_messages={"required": _("请填写负责人姓名")},
    )
    reason = forms.CharField(
        label=_("延期理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DelayForm(_OnForm):
    until = _date_field(_("延迟答复期限"))
    reason = forms.CharField(
        label=_("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明延迟答复的理由")},
    )


class CloseForm(_OnForm):
    result = forms.ChoiceField(
        label=_("办结原因"),
        required=False,
        choices=[("", _("（已答复）")), *CLOSE_RESULTS.items()],
        help_text=_("未答复即办结的须选择；计入年度报告的相应行"),
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如申请人撤回申请，写明撤回的方式和日期"),
    )


class RevealIdForm(forms.Form):
    """Only the CSRF token: the POST itself is the explicit request, and it is audited."""
