from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DictionaryWordForm(forms.Form):
    word = forms.CharField(
        label=_("词语"), max_length=40, help_text=_("如：放管服、河长制；只含汉字、字母、数字")
    )
    freq = forms.IntegerField(
        label=_("词频"),
        required=False,
        min_value=1,
        max_value=10_000_000,
        help_text=_("一般留空：自动取使该词整体切分的词频"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
