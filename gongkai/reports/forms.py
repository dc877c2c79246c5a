from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Unit

from .models import AnnualReport, Indicator, ReviewCase


class AnnualStartForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2008)
    unit = forms.ModelChoiceField(
        label=_("报告主体"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("本级人民政府（全区）"),
    )

    def __init__(self, *args, units=None, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year - 1})
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class AnnualForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = [
            "section_one",
            "licensing",
            "penalty",
            "enforcement",
            "fees",
            "section_five",
            "section_six",
        ]
        widgets = {
            "section_one": forms.Textarea(attrs={"rows": 10}),
            "section_five": forms.Textarea(attrs={"rows": 8}),
            "section_six": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "section_one": _("已按全年数据生成初稿，请补充和修改；每段一行"),
            "section_five": _("结合上一年度报告所列问题，说明改进情况和本年度存在的主要问题"),
            "section_six": _("没有可填“无”"),
            "fees": _("单位：万元，保留两位小数"),
        }


class CaseForm(forms.ModelForm):
    class Meta:
        model = ReviewCase
        fields = [
            "unit",
            "kind",
            "case_number",
            "filed_date",
            "outcome",
            "decided_date",
            "note",
        ]
        widgets = {
            "filed_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "decided_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class AdjustmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.filter(is_active=True))
    indicator = forms.ChoiceField(label=_("指标"), choices=Indicator.choices)
    points = forms.DecimalField(
        label=_("加减分"), max_digits=5, decimal_places=1, help_text=_("扣分填负数，例如 -2")
    )
    reason = forms.CharField(label=_("理由"), max_length=300)
