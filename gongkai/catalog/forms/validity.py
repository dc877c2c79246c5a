"""The form of the validity page. It parses input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.widgets import DateInput

from ..models import Item, Validity
from ..selectors import staff as selectors
from ..services.validity import MAX_NOTE


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label=_("有效性"), choices=Validity.choices)
    date = forms.DateField(
        label=_("变更日期"),
        required=False,
        widget=DateInput(),
        help_text=_("修改、废止或失效的日期；废止或失效时，标注任务的完成时限按工作日从此日起算"),
        error_messages={"invalid": _("日期格式不正确")},
    )
    replaced_by = forms.CharField(
        label=_("修改或废止依据（索引号）"),
        required=False,
        max_length=80,
        help_text=_("修改或废止本文件的已发布信息的索引号，可不填"),
    )
    note = forms.CharField(
        label=_("有效性说明"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_for(cls, item: Item) -> dict:
        return {
            "validity": item.validity or Validity.IN_FORCE,
            "date": item.validity_date,
            "replaced_by": item.replaced_by.index_number if item.replaced_by_id else "",
            "note": item.validity_note,
        }

    def clean_replaced_by(self) -> Item | None:
        value = (self.cleaned_data.get("replaced_by") or "").strip()
        if not value:
            return None
        found = selectors.published_item_by_index(value)
        if found is None:
            raise forms.ValidationError(_("没有找到该索引号的已发布信息"))
        return found
