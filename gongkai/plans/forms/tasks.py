"""Forms of the task ledger pages: filters, progress and submission, acceptance and return,
event registration and the XLSX progress import. They parse input only; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import ValidationFailed
from gongkai.core.uploads import check_upload
from gongkai.core.widgets import DateInput, MultipleFileField

from ..models import TaskStatus
from ..services.tasks import MAX_TEXT

MAX_FILES = 10
MAX_LINKS = 20

STATUS_CHOICES = [
    ("", _("全部状态")),
    ("open", _("待办（未开始、进行中、已退回、待单位审核）")),
    *TaskStatus.choices,
]
STATE_CHOICES = [
    ("", _("不限")),
    ("due_soon", _("即将到期")),
    ("overdue", _("已逾期")),
    ("completed_late", _("逾期完成")),
]
MONTH_CHOICES = [("", _("全部月份")), *((m, f"{m}月") for m in range(1, 13))]


class TaskFilterForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("工作方案"), queryset=None, required=False, empty_label=_("全部方案")
    )
    unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=None, required=False, empty_label=_("全部单位")
    )
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    state = forms.ChoiceField(label=_("期限"), choices=STATE_CHOICES, required=False)
    month = forms.TypedChoiceField(
        label=_("完成时限月份"), choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False
    )
    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, plans, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["unit"].queryset = units

    def filters(self) -> dict:
        """Keyword arguments for `selectors.task_list` from the fields that are valid; an
        invalid field (e.g. another unit's id) is dropped and shown as an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        plan, unit = data.get("plan"), data.get("unit")
        return {
            "plan_id": plan.pk if plan else None,
            "unit_id": unit.pk if unit else None,
            "status": data.get("status") or "",
            "state": data.get("state") or "",
            "month": data.get("month"),
            "q": (data.get("q") or "").strip(),
        }


class _VersionedForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("页面已过期，请刷新页面后重试"),
            "invalid": _("页面已过期，请刷新页面后重试"),
        },
    )


def _clean_evidence_files(files) -> list:
    if len(files) > MAX_FILES:
        raise ValidationError(_("一次最多上传 %(n)d 个文件") % {"n": MAX_FILES})
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(check_upload(upload, max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES))
        except ValidationFailed as exc:
            errors.append(exc.message)
    if errors:
        raise ValidationError(errors)
    return checked


def _clean_link_lines(value: str) -> list[str]:
    lines = list(dict.fromkeys(line.strip() for line in (value or "").splitlines() if line.strip()))
    if len(lines) > MAX_LINKS:
        raise ValidationError(_("一次最多填写 %(n)d 个链接") % {"n": MAX_LINKS})
    validator = URLValidator(schemes=["http", "https"])
    bad = []
    for line in lines:
        try:
            validator(line)
        except ValidationError:
            bad.append(line[:100])
    if bad:
        raise ValidationError(
            _("链接格式不正确（须以 http:// 或 https:// 开头）：%(links)s")
            % {"links": "、".join(bad)}
        )
    return lines


class ProgressForm(_VersionedForm):
    """填报进展 and 报送: text, evidence files and links to published information."""

    text = forms.CharField(
        label=_("进展情况"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("可选择多个文件（PDF、Word、Excel、图片或纯文本），每个文件不超过 %(mb)d MB"),
    )
    links = forms.CharField(
        label=_("公开信息链接"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一个链接，以 http:// 或 https:// 开头"),
    )

    def __init__(self, *args, submit: bool = False, late: bool = False, **kwargs):
        """`late`: submitting after the due date, so a late reason (逾期说明) is asked."""
        super().__init__(*args, **kwargs)
        mb = settings.EVIDENCE_MAX_UPLOAD_BYTES // 1048576
        self.fields["attachments"].help_text = self.fields["attachments"].help_text % {"mb": mb}
        if submit:
            self.fields["text"].label = _("完成情况")
            self.fields["text"].help_text = _("可不填：已填报的进展和佐证材料会一并报送")
        if submit and late:
            self.fields["late_reason"] = forms.CharField(
                label=_("逾期说明"),
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("该任务已超过完成时限，请说明逾期原因；公开办验收时可见，并列入台账"),
                error_messages={"required": _("该任务已超过完成时限，报送时请填写逾期说明")},
            )

    def clean_attachments(self):
        return _clean_evidence_files(self.cleaned_data.get("attachments") or [])

    def clean_links(self):
        return _clean_link_lines(self.cleaned_data.get("links", ""))


class AcceptForm(_VersionedForm):
    comment = forms.CharField(
        label=_("验收意见"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(_VersionedForm):
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("退回时须填写理由")},
    )


class ReviewApproveForm(_VersionedForm):
    """单位审核通过: the unit's reviewer passes a submitted task on to the coordinator."""

    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewReturnForm(ReturnForm):
    """单位审核退回: the unit's reviewer returns a submitted task to the liaison."""


class EventForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=None, empty_label=None)
    event_date = forms.DateField(
        label=_("事件日期"),
        widget=DateInput(),
        help_text=_("例如文件废止、失效的日期；完成时限按工作日从此日起算"),
        error_messages={"required": _("请填写事件日期"), "invalid": _("日期格式不正确")},
    )
    note = forms.CharField(
        label=_("事件说明"),
        max_length=300,
        help_text=_("例如废止的文件名称和文号"),
        error_messages={"required": _("请说明发生的事件")},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ProgressImportForm(forms.Form):
    file = forms.FileField(
        label=_("台账文件（XLSX）"),
        help_text=_("请使用本系统导出的台账，在“进展情况”列填写后上传；按“任务编号”列匹配任务"),
        error_messages={"required": _("请选择要导入的文件")},
    )

    def clean_file(self):
        try:
            return check_upload(
                self.cleaned_data["file"],
                allowed=frozenset({"xlsx"}),
                max_bytes=settings.PLANS_MAX_UPLOAD_BYTES,
            )
        except ValidationFailed as exc:
            raise ValidationError(exc.message) from None
