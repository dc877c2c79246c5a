from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Role, Unit, UnitGroup


class UnitContactForm(forms.Form):
    contact_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    address = forms.CharField(label=_("办公地址"), max_length=200, required=False)

    def __init__(self, *args, with_review: bool = False, **kwargs):
        """`with_review`: show the unit's sign-off setting (for its reviewer and the unit
        managers, when editing an existing unit)."""
        super().__init__(*args, **kwargs)
        if with_review:
            self.fields["task_review_required"] = forms.BooleanField(
                label=Unit._meta.get_field("task_review_required").verbose_name,
                help_text=Unit._meta.get_field("task_review_required").help_text,
                required=False,
            )


class UnitForm(UnitContactForm):
    name = forms.CharField(label=_("全称"), max_length=120)
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False)
    code = forms.CharField(
        label=_("机构代码"),
        max_length=18,
        required=False,
        help_text=_("18位统一社会信用代码或9位组织机构代码"),
    )
    aliases = forms.CharField(
        label=_("别名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个，或用顿号分隔；导入分工方案时用于匹配单位名称"),
    )
    parent = forms.ModelChoiceField(
        label=_("上级单位"), queryset=Unit.objects.none(), required=False
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=100)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    field_order = ["name", "short_name", "code", "aliases", "parent", "contact_phone", "address"]

    def __init__(self, *args, parent_queryset=None, with_review: bool = False, **kwargs):
        super().__init__(*args, with_review=with_review, **kwargs)
        self.fields["parent"].queryset = parent_queryset or Unit.objects.filter(is_active=True)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("登录名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10位，不能全是数字，不能与登录名相似"),
    )


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = forms.ModelChoiceField(
        label=_("单位"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=_("单位联络员、单位审核人须选择单位；其他角色不选"),
    )


class UnitGroupForm(forms.Form):
    """A unit group: the collective name a plan uses, its other spellings, and its members."""

    name = forms.CharField(
        label=_("名称"), max_length=60, help_text=_("例如“各镇（街道）”“区直各单位”")
    )
    aliases = forms.CharField(
        label=_("其他写法"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个，或用顿号分隔；分工方案中出现这些写法时，任务分给组内每个单位"),
    )
    all_units = forms.BooleanField(
        label=UnitGroup._meta.get_field("all_units").verbose_name,
        help_text=UnitGroup._meta.get_field("all_units").help_text,
        required=False,
    )
    members = forms.ModelMultipleChoiceField(
        label=_("成员单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("未勾选“全部单位”时，任务只分给这里选中的单位"),
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Unit.objects.filter(is_active=True).order_by(
            "sort_order", "name"
        )

    def clean(self):
        data = super().clean()
        if not data.get("all_units") and not data.get("members") and not self.errors:
            self.add_error("members", _("请选择成员单位，或勾选“全部单位”"))
        return data
