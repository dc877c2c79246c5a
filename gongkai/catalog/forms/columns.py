"""The form of the column maintenance page. It parses input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Column


class ColumnForm(forms.Form):
    name = forms.CharField(label=_("栏目名称"), max_length=100)
    code = forms.CharField(
        label=_("栏目代码"),
        max_length=60,
        help_text=_("用于网址，只能使用小写字母、数字、连字符和下划线，如 gfxwj"),
    )
    kind = forms.ChoiceField(label=_("栏目类型"), choices=Column.Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("上级栏目"), queryset=Column.objects.none(), required=False, empty_label=_("（无）")
    )
    units = forms.ModelMultipleChoiceField(
        label=_("维护单位"),
        queryset=None,
        required=False,
        help_text=_("不选则所有单位都可在此栏目发布信息"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    description = forms.CharField(
        label=_("栏目说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    stale_after_days = forms.IntegerField(
        label=_("更新周期（天）"),
        required=False,
        min_value=1,
        max_value=3660,
        help_text=Column._meta.get_field("stale_after_days").help_text,
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=100000, initial=100)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, units, column: Column | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        parents = Column.objects.all()
        if column is not None:
            parents = parents.exclude(pk=column.pk)
        self.fields["parent"].queryset = parents
