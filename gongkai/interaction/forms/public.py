"""The public forms of 互动交流: message, lookup, rating, follow-up, error report, comment.

Every message is in Chinese and attached to its field; the services check everything again.
"""

from __future__ import annotations

import functools

from django import forms
from django.forms.renderers import get_default_renderer
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Unit

from ..models import ErrorKind, Mailbox, MessageKind, Satisfaction
from ..services.common import ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS


@functools.cache
def _captcha_input_class():
    from captcha.fields import CaptchaTextInput

    class LabelledCaptchaInput(CaptchaTextInput):
        template_name = "foi/public/_captcha_widget.html"
        use_fieldset = False

        def _render(self, template_name, context, renderer=None):
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.gif,.txt"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _req(label) -> dict:
    return {"required": f"请填写{label}"}


class MessageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("留言类型"),
        choices=MessageKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择留言类型", "invalid_choice": "请选择留言类型"},
    )
    mailbox = forms.ChoiceField(
        label=_("写信给"),
        choices=Mailbox.choices,
        widget=forms.RadioSelect,
        initial=Mailbox.LEADER,
        error_messages={"required": "请选择信箱", "invalid_choice": "请选择信箱"},
    )
    addressee = forms.ModelChoiceField(
        label=_("收信单位（部门信箱）"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label="请选择单位",
        error_messages={"invalid_choice": "请选择收信单位"},
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        error_messages={**_req("标题"), "max_length": "标题最多100个字"},
    )
    content = forms.CharField(
        label=_("留言内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("10至5000字。请勿在内容中填写身份证号等个人信息。"),
        error_messages={**_req("留言内容"), "max_length": "留言内容最多5000个字"},
    )
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("可选，最多%(n)s个，每个不超过%(mb)s MB；PDF、Word、Excel、图片或纯文本。")
        % {"n": MAX_ATTACHMENTS, "mb": ATTACHMENT_MAX_BYTES // 1048576},
    )
    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        help_text=_("不公开。"),
        error_messages={**_req("姓名"), "max_length": "姓名最多50个字"},
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        help_text=_("不公开；查询办理情况时需要。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={**_req("联系电话"), "max_length": "联系电话格式不正确"},
    )
    email = forms.CharField(
        label=_("电子邮箱"),
        max_length=254,
        required=False,
        help_text=_("可选，不公开；用于接收查询码和答复通知。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"max_length": "电子邮箱格式不正确"},
    )
    consent_public = forms.BooleanField(
        label=_("同意公开本留言及答复（姓名、电话等个人信息不公开）"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = Unit.objects.filter(is_active=True).order_by("pk")
        self.fields["captcha"] = captcha_field()

    def clean(self):
        data = super().clean()
        if data.get("mailbox") == Mailbox.UNIT and not data.get("addressee"):
            self.add_error("addressee", "写给部门信箱的，请选择收信单位")
        return data


class LookupForm(forms.Form):
    tracking_code = forms.CharField(label=_("查询码"), max_length=20, error_messages=_req("查询码"))
    phone = forms.CharField(
        label=_("留言时填写的联系电话"),
        max_length=30,
        error_messages=_req("联系电话"),
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("您对答复是否满意"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意度"},
    )


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("追问内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={**_req("追问内容"), "max_length": "追问内容最多2000个字"},
    )


class ErrorReportForm(forms.Form):
    url = forms.CharField(
        label=_("出错页面地址"), max_length=500, error_messages=_req("出错页面地址")
    )
    selected_text = forms.CharField(
        label=_("出错的文字"),
        max_length=500,
        required=False,
        error_messages={"max_length": "最多500个字"},
    )
    kind = forms.ChoiceField(
        label=_("错误类型"),
        choices=ErrorKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择错误类型"},
    )
    description = forms.CharField(
        label=_("问题描述"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={**_req("问题描述"), "max_length": "问题描述最多1000个字"},
    )
    contact = forms.CharField(
        label=_("联系方式"),
        max_length=100,
        required=False,
        help_text=_("可选，不公开；便于工作人员向您核实。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = captcha_field()


class CommentForm(forms.Form):
    clause = forms.TypedChoiceField(label=_("针对"), coerce=int, required=False, empty_value=None)
    text = forms.CharField(
        label=_("您的意见"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        error_messages={**_req("意见"), "max_length": "意见最多3000个字"},
    )
    contact = forms.CharField(
        label=_("联系方式"), max_length=100, required=False, help_text=_("可选，不公开。")
    )

    def __init__(self, *args, clauses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].choices = [("", "总体意见")] + [
            (pk, f"第{n}条") for pk, n, _t in clauses
        ]
        self.fields["captcha"] = captcha_field()
