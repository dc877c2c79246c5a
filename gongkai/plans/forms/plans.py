"""Forms of the plan pages: a schedule rule (时限规则) and copying a plan to a new year.

The import forms (upload, unit mapping, rule adjustments before confirming) are in
`forms/imports.py`; the task forms in `forms/tasks.py`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit, UnitGroup

from ..models import RuleKind
from ..schedule import clean_rule

#: The parameters a coordinator edits in a form; any others (event, event_text, days …) are kept
#: from the rule as parsed while its kind stays the same.
EDITABLE_PARAMS = ("month", "day", "interval_days", "workdays", "report_every")
_MONTH_END = {"月底", "月末", "底", "end", "END", "End"}


def normalize_kind(kind: str | None) -> str | None:
    """The parser's `daily` is `continuous` in the ledger (see `schedule.clean_rule`)."""
    return "continuous" if kind == "daily" else kind


def rule_initial(rule: dict[str, Any] | None) -> dict[str, Any]:
    """Form initial values for a rule dict ({"kind": …, "day": "end", …})."""
    if not rule:
        return {}
    day = rule.get("day")
    return {
        "kind": normalize_kind(rule.get("kind")),
        "month": rule.get("month"),
        "day": "月底" if day == "end" else ("" if day is None else str(day)),
        "interval_days": rule.get("interval_days"),
        "workdays": rule.get("workdays"),
        "report_every": rule.get("report_every") or "",
    }


def build_rule(kind: str, values: dict[str, Any], base: dict[str, Any] | None = None) -> dict:
    """A rule dict from form values. While the kind stays that of `base`, the parameters the
    form does not show (event, event_text, days, months …) are kept."""
    params: dict[str, Any] = {}
    if base and normalize_kind(base.get("kind")) == kind:
        params = {
            k: v
            for k, v in base.items()
            if k not in ("kind", "label", *EDITABLE_PARAMS) and v is not None
        }
    for key in EDITABLE_PARAMS:
        value = values.get(key)
        if value not in (None, ""):
            params[key] = value
    if kind != "continuous":  # the reporting cadence belongs to ongoing work only
        params.pop("report_every", None)
    return {"kind": kind, **params}


def cleaned(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule as the ledger stores it (validated, normalised), for comparisons."""
    kind, params = clean_rule(rule)
    return {"kind": kind, **params}


class RuleFieldsForm(forms.Form):
    """Kind and parameters of one schedule rule. `self.rule` is the validated rule dict."""

    kind = forms.ChoiceField(label=_("时限类型"), choices=RuleKind.choices)
    month = forms.IntegerField(
        label=_("月份"),
        required=False,
        min_value=1,
        max_value=12,
        help_text=_("一次性任务的完成月份；每年任务的截止月份（不填为12月）"),
    )
    day = forms.CharField(
        label=_("截止日"),
        required=False,
        max_length=4,
        help_text=_("1到31，或填“月底”；用于每月、每年、一次性任务"),
    )
    interval_days = forms.IntegerField(
        label=_("间隔天数"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=_("定期任务每隔多少天一次，例如每季度填90"),
    )
    report_every = forms.ChoiceField(
        label=_("报告周期"),
        required=False,
        choices=[
            ("", _("不设固定周期（年末报告一次）")),
            ("quarterly", _("每季度报告一次进展")),
            ("half_yearly", _("每半年报告一次进展")),
        ],
        help_text=_("持续进行的任务（持续推进、长期坚持、全年）按此周期报告进展，默认每半年"),
    )
    workdays = forms.IntegerField(
        label=_("工作日数"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=_("事件触发、及时类任务的期限：事件发生后多少个工作日内完成"),
    )

    def __init__(self, *args, base_rule: dict[str, Any] | None = None, **kwargs):
        self.base_rule = base_rule
        if base_rule and "initial" not in kwargs:
            kwargs["initial"] = rule_initial(base_rule)
        super().__init__(*args, **kwargs)
        self.rule: dict[str, Any] | None = None

    def clean_day(self):
        value = (self.cleaned_data.get("day") or "").strip()
        if not value:
            return None
        if value in _MONTH_END:
            return "end"
        value = value.removesuffix("日").removesuffix("号")
        if not value.isdigit() or not 1 <= int(value) <= 31:
            raise forms.ValidationError(_("截止日应为1到31之间的数字，或填“月底”"))
        return int(value)

    def make_rule(self, cleaned_data: dict[str, Any]) -> dict[str, Any] | None:
        kind = cleaned_data.get("kind")
        if not kind:
            return None
        rule = build_rule(kind, cleaned_data, self.base_rule)
        try:
            return cleaned(rule)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            self.rule = self.make_rule(cleaned_data)
        return cleaned_data

    @property
    def params(self) -> dict[str, Any]:
        return {k: v for k, v in (self.rule or {}).items() if k != "kind"}


class RuleForm(RuleFieldsForm):
    """Adding or changing a rule of an imported plan (after-import adjustment)."""

    phrase = forms.CharField(
        label=_("原文表述"),
        required=False,
        max_length=200,
        help_text=_("可选：方案中对应的文字，例如“每季度末”"),
    )

    def __init__(self, *args, with_phrase: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_phrase:
            del self.fields["phrase"]


class PlanCopyForm(forms.Form):
    year = forms.IntegerField(label=_("新年度"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("方案名称"),
        required=False,
        max_length=200,
        help_text=_("留空时把原名称中的年份替换为新年度"),
    )

    def __init__(self, *args, plan=None, **kwargs):
        if plan is not None and "initial" not in kwargs:
            year = max(plan.year + 1, timezone.localdate().year)
            kwargs["initial"] = {
                "year": year,
                "title": plan.title.replace(str(plan.year), str(year)),
            }
        super().__init__(*args, **kwargs)


class EffectiveFromForm(forms.Form):
    """A plan's 生效日期, on the plan page and at the import's confirm step. Left empty: the
    plan runs from 1 January of its year."""

    effective_from = forms.DateField(
        label=_("生效日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "完成时限在此日期之前的周期不生成台账任务，方案导入当天不会出现逾期任务；"
            "留空表示自方案年度1月1日起"
        ),
    )

    def __init__(self, *args, year: int, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def clean_effective_from(self):
        day = self.cleaned_data.get("effective_from")
        if day is not None and day.year != self.year:
            raise forms.ValidationError(
                _("生效日期应在方案年度（%(year)s年）之内") % {"year": self.year}
            )
        return day


class ItemUnitsForm(forms.Form):
    """Which units carry an item, edited on the plan tree after the import: lead units, other
    units, and unit groups (each member gets the item's tasks)."""

    lead_units = forms.ModelMultipleChoiceField(
        label=_("牵头单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("责任单位 / 配合单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("有牵头单位时，这里的单位为配合单位；没有牵头单位时为责任单位"),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("单位组"),
        queryset=UnitGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("组内每个单位各承担该条目的任务"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_active=True).order_by("sort_order", "name")
        self.fields["lead_units"].queryset = units
        self.fields["units"].queryset = units
        self.fields["groups"].queryset = UnitGroup.objects.order_by("sort_order", "name")

    def clean(self):
        data = super().clean()
        if not self.errors and not (data["lead_units"] or data["units"] or data["groups"]):
            raise forms.ValidationError(_("请至少选择一个责任单位（或单位组）"))
        return data


def item_units_initial(item) -> dict[str, Any]:
    """The form's initial values from the item's units: groups where the units came from one."""
    rows = list(item.item_units.all())
    return {
        "lead_units": [r.unit_id for r in rows if r.role == "lead"],
        "units": [r.unit_id for r in rows if r.role != "lead" and r.group_id is None],
        "groups": sorted({r.group_id for r in rows if r.group_id is not None}),
    }
