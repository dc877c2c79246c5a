"""The public application form (《条例》第二十九条) and the tracking-code lookup.

Every message is in Chinese and attached to its field. Validation of identity documents:

* 居民身份证: 18 characters, a real province code and birth date, and the GB 11643 check
  character (ISO 7064 MOD 11-2) — `gongkai.core.pii.is_valid_id_number`;
* 统一社会信用代码: GB 32100 check character — `gongkai.orgs.codes.uscc_is_valid`;
* the other documents: their usual length and characters.

Phones are a mobile number (1[3-9] and nine digits, with or without +86) or a landline with its
area code (0756-1234567, extension allowed), stored in the form `gongkai.foi.phones.normalise_phone`
gives.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from django import forms
from django.forms.renderers import get_default_renderer
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from gongkai.core.pii import id_check_char, is_valid_id_number
from gongkai.foi.crypto import normalize_id
from gongkai.foi.models import ApplicantType, Delivery, FormWanted, IdType, OrgType
from gongkai.foi.phones import normalise_phone
from gongkai.orgs.codes import uscc_is_valid

DESCRIPTION_MIN = 5
DESCRIPTION_MAX = 5000

NATURAL_ID_TYPES = [
    IdType.RESIDENT_ID,
    IdType.PASSPORT,
    IdType.HK_MACAO,
    IdType.TAIWAN,
    IdType.FOREIGN_PR,
    IdType.OTHER,
]
LEGAL_ID_TYPES = [IdType.USCC, IdType.OTHER]

# ------------------------------------------------------------------------------------------------
# Identity documents


def id_number_error(id_type: str, number: str) -> str | None:
    """A Chinese message when `number` is not a valid number of the document type, else None.
    `number` is already normalised (`gongkai.foi.crypto.normalize_id`)."""
    if id_type == IdType.RESIDENT_ID:
        if not re.fullmatch(r"\d{17}[\dX]", number):
            return "居民身份证号码应为18位，由17位数字和1位数字或字母X组成。"
        if not is_valid_id_number(number[:17] + id_check_char(number[:17])):
            return "居民身份证号码中的地区码或出生日期不正确，请核对。"
        if not is_valid_id_number(number):
            return "居民身份证号码校验位不正确，请核对后重新输入。"
        return None
    if id_type == IdType.USCC:
        if len(number) != 18:
            return "统一社会信用代码应为18位。"
        if not uscc_is_valid(number):
            return "统一社会信用代码不正确，请核对（可在营业执照或登记证书上查看）。"
        return None
    if id_type == IdType.PASSPORT:
        if not re.fullmatch(r"[A-Z0-9]{5,17}", number):
            return "护照号码应为5至17位字母或数字。"
        return None
    if id_type == IdType.HK_MACAO:
        if not re.fullmatch(r"[HM]\d{8}(\d{2})?", number):
            return "港澳居民来往内地通行证号码应为字母H或M加8位或10位数字。"
        return None
    if id_type == IdType.TAIWAN:
        if not re.fullmatch(r"\d{8}(\d{2})?", number):
            return "台湾居民来往大陆通行证号码应为8位或10位数字。"
        return None
    if id_type == IdType.FOREIGN_PR:
        if not re.fullmatch(r"[A-Z]{3}\d{12}|9\d{17}", number):
            return "外国人永久居留身份证号码应为15位（3位字母加12位数字）或以9开头的18位数字。"
        return None
    if not re.fullmatch(r"[A-Z0-9]{4,30}", number):
        return "证件号码应为4至30位字母或数字。"
    return None


# ------------------------------------------------------------------------------------------------
# Forms


@functools.cache
def _captcha_input_class():
    """The captcha widget with a Chinese image description. Built on first use: importing
    django-simple-captcha imports its model, which needs the `captcha` app installed — this
    module (and the URLconf that imports it) must load without it."""
    from captcha.fields import CaptchaTextInput

    class LabelledCaptchaInput(CaptchaTextInput):
        template_name = "foi/public/_captcha_widget.html"
        use_fieldset = False  # one label, for the answer box (MultiWidget defaults to a fieldset)

        def _render(self, template_name, context, renderer=None):
            # The outer template lives with the project's templates (the form renderer only sees
            # the apps' folders); the two inputs are Django's own widgets.
            renderer = renderer or get_default_renderer()
            context["inputs"] = [
                mark_safe(renderer.render(sub["template_name"], {"widget": sub}))  # noqa: S308
                for sub in context["widget"]["subwidgets"]
            ]
            return mark_safe(render_to_string(template_name, context))  # noqa: S308

    return LabelledCaptchaInput


def captcha_field() -> forms.Field:
    from captcha.fields import CaptchaField

    return CaptchaField(
        label=_("验证码"),
        help_text=_("请输入图片中的字符，不区分大小写。"),
        widget=_captcha_input_class()(),
        error_messages={
            "required": "请输入验证码。",
            "incomplete": "请输入验证码。",
            "invalid": "验证码不正确，请重新输入。",
        },
    )


def _required(message: str) -> dict:
    return {"required": message}


class ApplicationForm(forms.Form):
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"),
        choices=ApplicantType.choices,
        initial=ApplicantType.NATURAL,
        widget=forms.RadioSelect,
        error_messages={**_required("请选择申请人类型。"), "invalid_choice": "请选择申请人类型。"},
    )
    applicant_name = forms.CharField(
        label=_("姓名"),
        max_length=100,
        min_length=2,
        help_text=_("自然人填写本人姓名；法人或其他组织填写经办人姓名。"),
        error_messages={
            **_required("请填写姓名。"),
            "min_length": "姓名至少2个字。",
            "max_length": "姓名不能超过100个字。",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    org_name = forms.CharField(
        label=_("组织名称"),
        max_length=200,
        required=False,
        help_text=_("法人或其他组织填写，与营业执照或登记证书一致。"),
        error_messages={"max_length": "组织名称不能超过200个字。"},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    org_type = forms.ChoiceField(
        label=_("组织类型"),
        choices=[("", "请选择"), *OrgType.choices],
        required=False,
        error_messages={"invalid_choice": "请选择组织类型。"},
    )
    legal_representative = forms.CharField(
        label=_("法定代表人或负责人"),
        max_length=100,
        required=False,
        error_messages={"max_length": "法定代表人或负责人不能超过100个字。"},
    )
    id_type = forms.ChoiceField(
        label=_("证件类型"),
        choices=IdType.choices,
        initial=IdType.RESIDENT_ID,
        help_text=_("法人或其他组织请选择“统一社会信用代码”。"),
        error_messages={**_required("请选择证件类型。"), "invalid_choice": "请选择证件类型。"},
    )
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=40,
        error_messages={**_required("请填写证件号码。"), "max_length": "证件号码过长。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        help_text=_("手机号码，或带区号的固定电话，如 0756-1234567。查询办理进度时需要填写。"),
        error_messages={**_required("请填写联系电话。"), "max_length": "联系电话过长。"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        max_length=254,
        help_text=_("选择以电子邮件获取信息时必填。"),
        error_messages={"invalid": "电子邮箱格式不正确。", "max_length": "电子邮箱过长。"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("通信地址"),
        max_length=300,
        required=False,
        help_text=_("选择邮寄时必填。"),
        error_messages={"max_length": "通信地址不能超过300个字。"},
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("邮政编码"),
        max_length=10,
        required=False,
        help_text=_("选择邮寄时必填，6位数字。"),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("所需信息的名称或内容描述"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        help_text=_(
            "请写明信息的名称，或便于查找的内容描述（如制作机关、时间、事项）。最多5000字。"
        ),
        error_messages={
            **_required("请填写所需信息的名称或内容描述。"),
            "min_length": f"内容描述至少{DESCRIPTION_MIN}个字，请写得具体一些。",
            "max_length": f"内容描述不能超过{DESCRIPTION_MAX}个字。",
        },
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX}),
    )
    doc_number_sought = forms.CharField(
        label=_("文号"),
        max_length=120,
        required=False,
        help_text=_("知道文件文号的请填写，如“珠高办〔2025〕12号”。"),
        error_messages={"max_length": "文号不能超过120个字。"},
    )
    form_wanted = forms.ChoiceField(
        label=_("获取信息的形式"),
        choices=FormWanted.choices,
        widget=forms.RadioSelect,
        error_messages={
            **_required("请选择获取信息的形式。"),
            "invalid_choice": "请选择获取信息的形式。",
        },
    )
    delivery = forms.ChoiceField(
        label=_("获取信息的方式"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            **_required("请选择获取信息的方式。"),
            "invalid_choice": "请选择获取信息的方式。",
        },
    )
    declaration = forms.BooleanField(
        label=_("我承诺所填信息真实有效，并同意行政机关为办理本申请使用上述信息。"),
        error_messages=_required("请阅读并勾选承诺。"),
    )

    ORG_FIELDS = ("org_name", "org_type", "legal_representative")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        declaration = self.fields.pop("declaration")
        self.fields["captcha"] = captcha_field()
        self.fields["declaration"] = declaration

    def clean_id_number(self) -> str:
        return normalize_id(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        canonical = normalise_phone(self.cleaned_data["phone"])
        if not canonical:
            raise forms.ValidationError(
                "联系电话格式不正确：请填写11位手机号码，或带区号的固定电话（如 0756-1234567）。"
            )
        return canonical

    def clean_postcode(self) -> str:
        value = unicodedata.normalize("NFKC", self.cleaned_data["postcode"]).strip()
        if value and not re.fullmatch(r"\d{6}", value):
            raise forms.ValidationError("邮政编码应为6位数字。")
        return value

    def clean(self):
        data = super().clean()
        applicant_type = data.get("applicant_type")
        id_type = data.get("id_type")
        if applicant_type == ApplicantType.LEGAL:
            if not data.get("org_name"):
                self.add_error("org_name", "法人或其他组织申请的，请填写组织名称。")
            if not data.get("org_type"):
                self.add_error("org_type", "法人或其他组织申请的，请选择组织类型。")
            if not data.get("legal_representative"):
                self.add_error(
                    "legal_representative", "法人或其他组织申请的，请填写法定代表人或负责人。"
                )
            if id_type and id_type not in LEGAL_ID_TYPES:
                self.add_error(
                    "id_type", "法人或其他组织申请的，证件类型请选择“统一社会信用代码”。"
                )
                id_type = None
        elif applicant_type == ApplicantType.NATURAL:
            for name in self.ORG_FIELDS:
                data[name] = ""
            if id_type and id_type not in NATURAL_ID_TYPES:
                self.add_error("id_type", "自然人申请的，请选择本人的身份证件类型。")
                id_type = None
        number = data.get("id_number")
        if id_type and number:
            message = id_number_error(id_type, number)
            if message:
                self.add_error("id_number", message)

        delivery = data.get("delivery")
        if delivery == Delivery.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "选择以电子邮件获取信息的，请填写电子邮箱。")
        if delivery == Delivery.POST:
            if not data.get("address"):
                self.add_error("address", "选择邮寄的，请填写通信地址。")
            if not data.get("postcode") and "postcode" not in self.errors:
                self.add_error("postcode", "选择邮寄的，请填写邮政编码。")
        return data

    def application_fields(self) -> dict:
        """The cleaned values under the names `application_register` takes."""
        data = self.cleaned_data
        return {
            name: data.get(name, "")
            for name in (
                "applicant_type",
                "org_type",
                "applicant_name",
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
        }


class LookupForm(forms.Form):
    tracking_code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        help_text=_("提交申请后页面上显示的查询码。"),
        error_messages={**_required("请填写查询码。"), "max_length": "查询码不正确。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        help_text=_("申请时填写的联系电话。"),
        error_messages={**_required("请填写联系电话。"), "max_length": "联系电话过长。"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_tracking_code(self) -> str:
        value = unicodedata.normalize("NFKC", self.cleaned_data["tracking_code"])
        return re.sub(r"\s", "", value).upper()


#: Largest file an applicant may attach to a correction.
CORRECTION_MAX_BYTES = 10 * 1024 * 1024


class CorrectionForm(forms.Form):
    """The applicant's correction (补正, Art. 30) from the status page. The file is checked by
    content in the view (`gongkai.core.uploads.check_upload`)."""

    text = forms.CharField(
        label=_("补正后的内容描述"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        help_text=_(
            "请按照补正要求，重新完整写明所需政府信息的名称、文号或便于查找的内容描述。"
            "提交后将替换原申请的内容描述。最多5000字。"
        ),
        error_messages={
            **_required("请填写补正后的内容描述。"),
            "min_length": f"内容描述至少{DESCRIPTION_MIN}个字，请写得具体一些。",
            "max_length": f"内容描述不能超过{DESCRIPTION_MAX}个字。",
        },
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX}),
    )
    file = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("可选，一个文件：PDF、Word、Excel、图片（PNG、JPEG）或纯文本，不超过10 MB。"),
        error_messages={
            "invalid": "文件无效，请重新选择。",
            "empty": "文件是空的，请重新选择。",
        },
        widget=forms.FileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg,.txt"}),
    )
