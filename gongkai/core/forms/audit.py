from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.widgets import DateInput


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(label=_("动作"), required=False, max_length=80)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
