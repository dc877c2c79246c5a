"""The form of the task-binding page. It parses input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BindingForm(forms.Form):
    plan_item = forms.ModelChoiceField(label=_("工作任务"), queryset=None, empty_label=None)
    column = forms.ModelChoiceField(label=_("栏目"), queryset=None, empty_label=None)

    def __init__(self, *args, plan_items, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = plan_items
        self.fields["column"].queryset = columns
        self.fields["plan_item"].label_from_instance = lambda i: f"{i.path_label} {i.title}"[:80]
        self.fields["column"].label_from_instance = lambda c: (
            f"{c.parent.name} / {c.name}" if c.parent_id else c.name
        )
