"""Forms of the import workflow: upload → map unit names → adjust rules → confirm."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import UnitGroup
from gongkai.orgs.selectors import looks_collective

from ..services.imports import max_upload_bytes
from .plans import RuleFieldsForm, cleaned, rule_initial

ALLOWED_SUFFIXES = (".docx", ".xlsx", ".txt")


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f}".removesuffix(".0")


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("方案文件"),
        error_messages={
            "required": _("请选择要导入的方案文件"),
            "empty": _("文件是空的，没有可导入的内容"),
            "invalid": _("没有收到文件，请重新选择"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )
    title = forms.CharField(
        label=_("方案名称"),
        required=False,
        max_length=200,
        help_text=_("例如“2026年政务公开工作要点分工方案”；留空时使用文件名"),
    )
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        help_text=_("台账按该年度的工作日历生成"),
    )

    def __init__(self, *args, with_year: bool = True, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        limit = max_upload_bytes()
        self.fields["file"].help_text = _(
            "支持 Word（DOCX）、Excel（XLSX）和纯文本（TXT），不超过 %(size)s MB"
        ) % {"size": _mb(limit)}
        if not with_year:
            del self.fields["year"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s MB），上限为 %(limit)s MB")
                % {"size": _mb(upload.size), "limit": _mb(limit)}
            )
        suffix = os.path.splitext(upload.name or "")[1].lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("只能导入 DOCX、XLSX 或 TXT 文件；旧版 DOC/XLS 请先另存为 DOCX/XLSX")
            )
        return upload

    def read(self) -> tuple[bytes, str]:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read(max_upload_bytes() + 1), os.path.basename(upload.name or "")


def mapping_prefix(name: str) -> str:
    """A stable form prefix for a unit name as written (names may hold any characters)."""
    return "u-" + hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


class UnitMappingForm(forms.Form):
    """What to do with one unit name the database does not know."""

    EXISTING = "existing"
    GROUP = "group"
    CREATE = "create"
    IGNORE = "ignore"

    action = forms.ChoiceField(
        label=_("处理方式"),
        choices=[
            (EXISTING, _("对应到已有单位")),
            (GROUP, _("对应到单位组：组内每个单位各承担该条目的任务")),
            (CREATE, _("新建单位")),
            (IGNORE, _("忽略：不把任务分配给该名称")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择如何处理该单位名称")},
    )
    unit = forms.ModelChoiceField(
        label=_("已有单位"), queryset=None, required=False, empty_label=_("——请选择——")
    )
    group = forms.ModelChoiceField(
        label=_("单位组"), queryset=None, required=False, empty_label=_("——请选择——")
    )
    alias = forms.BooleanField(
        label=_("记为所选单位或单位组的别名（以后导入时自动识别）"),
        required=False,
        initial=True,
    )
    new_name = forms.CharField(label=_("新单位全称"), required=False, max_length=120)
    new_short_name = forms.CharField(label=_("新单位简称"), required=False, max_length=60)

    def __init__(self, *args, name: str, units, groups=None, item_count: int = 0, **kwargs):
        self.name = name
        self.item_count = item_count
        self.collective = looks_collective(name)
        kwargs.setdefault("prefix", mapping_prefix(name))
        initial = {"new_name": name}
        if self.collective and groups is not None and groups.exists():
            initial["action"] = self.GROUP  # 区直各单位, 各镇（街道）: most likely a group
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["group"].queryset = groups if groups is not None else UnitGroup.objects.none()
        self.fields["group"].label_from_instance = lambda g: (
            _("%(name)s（全部单位）") % {"name": g.name}
            if g.all_units
            else _("%(name)s（%(count)s个单位）") % {"name": g.name, "count": g.members.count()}
        )
        self.fields["unit"].label_from_instance = lambda u: (
            f"{u.short_name}（{u.name}）" if u.short_name else u.name
        )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.EXISTING and not data.get("unit"):
            self.add_error("unit", _("请选择对应的单位"))
        if action == self.GROUP and not data.get("group"):
            self.add_error("group", _("请选择对应的单位组；没有合适的组时，请先在“单位组”中新建"))
        if action == self.CREATE and not (data.get("new_name") or "").strip():
            self.add_error("new_name", _("请填写新单位的全称"))
        return data


class ImportRuleForm(RuleFieldsForm):
    """Adjusting one rule of a parsed item before the import: change it or drop it."""

    drop = forms.BooleanField(label=_("删除此规则（不据此生成任务）"), required=False)

    def __init__(self, *args, original: dict[str, Any], current: dict[str, Any] | None, **kwargs):
        self.original = original
        self.dropped = current is None
        kwargs.setdefault("initial", {**rule_initial(current or original), "drop": current is None})
        super().__init__(*args, base_rule=original, **kwargs)

    def clean(self):
        if self.data.get(self.add_prefix("drop")) in ("on", "true", "1", "True"):
            self.rule = None
            return {"drop": True}
        return super().clean()

    def override(self) -> tuple[bool, dict[str, Any] | None]:
        """(overridden?, the rule or None when dropped)."""
        if self.cleaned_data.get("drop"):
            return True, None
        try:
            original = cleaned(self.original)
        except ValidationFailed:  # an invalid parsed rule: any valid replacement is a change
            original = None
        return self.rule != original, self.rule


class NewRuleForm(RuleFieldsForm):
    """A rule added to a parsed item before the import. A blank kind adds nothing."""

    drop = forms.BooleanField(label=_("删除此新增规则"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False
        self.fields["kind"].choices = [("", _("——不新增——")), *self.fields["kind"].choices]

    def clean(self):
        if self.data.get(self.add_prefix("drop")) in ("on", "true", "1", "True"):
            self.rule = None
            return {"drop": True}
        return super().clean()
