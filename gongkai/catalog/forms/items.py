"""Forms of the item pages: the item list filters, the item form with its attachment uploads,
and the review and publishing actions on the item page.

They parse input only (uploads are checked and their text extracted here, before anything is
written); the services decide what is allowed."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import ValidationFailed
from gongkai.core.uploads import CheckedUpload, check_upload
from gongkai.core.widgets import DateInput, MultipleFileField

from ..models import LIVE_Q, Column, Item, ItemStatus, PublicState
from ..services.items import ATTACHMENT_KINDS

MAX_FILES = 20
MAX_RELATED = 20
#: Kinds whose text the scan cannot read: legacy Office files and images.
UNREADABLE_KINDS = frozenset({"doc", "xls"})
IMAGE_KINDS = frozenset({"png", "jpeg", "gif"})

SUBJECTS = [
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "城乡建设、环境保护",
    "农业、林业、水利",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "人口与计划生育、妇女儿童工作",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "市场监管、安全生产监管",
    "其他",
]


def max_upload_bytes() -> int:
    return int(settings.CATALOG_MAX_UPLOAD_BYTES)


def date_widget() -> forms.DateInput:
    return DateInput()


# ---------------------------------------------------------------------------------------------
# Attachments


@dataclass
class PreparedAttachment:
    """A checked upload and the text extracted from it (empty when it cannot be read)."""

    upload: CheckedUpload
    text: str
    warning: str = ""


def _extract(upload: CheckedUpload) -> tuple[str, str]:
    """(text, warning) for an attachment; unreadable legacy files and images get a warning."""
    if upload.kind in UNREADABLE_KINDS:
        return "", _(
            "附件“%(name)s”是旧版 Office 文件，无法读取其中的文字，个人信息检查未覆盖该附件；"
            "请人工核对，或另存为 DOCX/XLSX/PDF 后上传"
        ) % {"name": upload.name}
    if upload.kind in IMAGE_KINDS:
        return "", _("附件“%(name)s”是图片，无法自动检查其中的文字，请人工核对是否含有个人信息") % {
            "name": upload.name
        }
    from gongkai.core.text_extract import extract_text

    try:
        text = extract_text(upload.data) or ""
    except ValidationFailed as exc:
        raise ValidationFailed(
            _("附件“%(name)s”无法读取：%(reason)s") % {"name": upload.name, "reason": exc.message}
        ) from None
    if not text.strip():
        return "", _(
            "附件“%(name)s”中没有可读取的文字（可能是扫描件），个人信息检查未覆盖该附件，请人工核对"
        ) % {"name": upload.name}
    return text, ""


def prepare_attachments(files) -> list[PreparedAttachment]:
    """Check each upload (type from content, size) and extract its text; all or nothing."""
    if len(files) > MAX_FILES:
        raise ValidationError(_("一次最多上传 %(n)d 个文件") % {"n": MAX_FILES})
    prepared, errors = [], []
    for upload in files:
        try:
            checked = check_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=max_upload_bytes())
            text, warning = _extract(checked)
        except ValidationFailed as exc:
            errors.append(exc.message)
        else:
            prepared.append(PreparedAttachment(checked, text, warning))
    if errors:
        raise ValidationError(errors)
    return prepared


def _attachments_field() -> MultipleFileField:
    """A fresh field (the size limit in its help text is read from settings per form)."""
    return MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_(
            "可选择多个文件：PDF、Word（DOCX/DOC）、Excel（XLSX/XLS）或图片，每个不超过 %(mb)d MB；"
            "类型按文件内容识别"
        )
        % {"mb": max_upload_bytes() // (1024 * 1024)},
    )


class _VersionedForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("页面已过期，请刷新页面后重试"),
            "invalid": _("页面已过期，请刷新页面后重试"),
            "min_value": _("页面已过期，请刷新页面后重试"),
        },
    )


class AttachmentForm(_VersionedForm):
    attachments = MultipleFileField(label=_("附件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = _attachments_field()
        self.fields["attachments"].required = True
        self.fields["attachments"].error_messages["required"] = _("请选择要上传的文件")

    def clean_attachments(self):
        return prepare_attachments(self.cleaned_data["attachments"])


# ---------------------------------------------------------------------------------------------
# The item list


STATUS_CHOICES = [
    ("", _("全部审核状态")),
    ("review", _("待我审核")),
    ("returned", _("被退回修改")),
    *ItemStatus.choices,
]
PUBLIC_CHOICES = [("", _("全部公开状态")), *PublicState.choices]


class ItemFilterForm(forms.Form):
    column = forms.ModelChoiceField(
        label=_("栏目"), queryset=Column.objects.none(), required=False, empty_label=_("全部栏目")
    )
    unit = forms.ModelChoiceField(
        label=_("发布单位"), queryset=None, required=False, empty_label=_("全部单位")
    )
    status = forms.ChoiceField(label=_("审核状态"), choices=STATUS_CHOICES, required=False)
    public_state = forms.ChoiceField(label=_("公开状态"), choices=PUBLIC_CHOICES, required=False)
    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["column"].queryset = Column.objects.all()

    def filters(self) -> dict:
        """The valid filters; an invalid one (e.g. another unit's id) is dropped and shown."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "column": data.get("column"),
            "unit": data.get("unit"),
            "status": data.get("status") or "",
            "public_state": data.get("public_state") or "",
            "q": (data.get("q") or "").strip(),
        }


# ---------------------------------------------------------------------------------------------
# The item form


def column_choices_for(units) -> Q:
    """Active columns a user with EDIT on `units` may write in: unrestricted columns, or
    columns maintained by one of the units."""
    return Q(is_active=True) & (Q(units__isnull=True) | Q(units__in=units))


class ColumnChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_kind_display()}）"


class PolicyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        number = f"（{obj.doc_number}）" if obj.doc_number else ""
        return f"{obj.title}{number}"


class ItemForm(forms.Form):
    column = ColumnChoiceField(label=_("栏目"), queryset=Column.objects.none())
    unit = forms.ModelChoiceField(label=_("发布单位"), queryset=None)
    title = forms.CharField(label=_("标题"), max_length=300)
    body = forms.CharField(
        label=_("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "可填写 HTML（段落、标题、列表、表格、链接、图片）。保存时会自动清除脚本、样式、"
            "事件属性和不安全的链接。"
        ),
    )
    summary = forms.CharField(
        label=_("内容概述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    publisher_name = forms.CharField(
        label=_("发布机构"),
        required=False,
        max_length=120,
        help_text=_("留空则使用发布单位的全称"),
    )
    written_date = forms.DateField(label=_("成文日期"), required=False, widget=date_widget())
    doc_number = forms.CharField(
        label=_("文号"),
        required=False,
        max_length=100,
        help_text=_("如 珠高办〔2026〕12号；“政策文件”栏目必填"),
    )
    subject = forms.ChoiceField(
        label=_("主题分类"),
        required=False,
        choices=[("", _("（未选择）")), *((s, s) for s in SUBJECTS)],
    )
    interprets = PolicyChoiceField(
        label=_("解读的政策文件"),
        required=False,
        queryset=Item.objects.none(),
        empty_label=_("（无）"),
        help_text=_("仅“政策解读”栏目的信息填写：选择所解读的已发布政策文件"),
    )
    related = forms.CharField(
        label=_("相关信息"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("填写已发布信息的索引号，每行一个"),
    )
    attachments = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args, edit_units, item: Item | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["attachments"] = _attachments_field()
        unit_ids = list(edit_units.values_list("pk", flat=True))
        allowed = Q(pk__in=Column.objects.filter(column_choices_for(unit_ids)).values("pk"))
        if item is not None:
            allowed |= Q(pk=item.column_id)  # keep the current column even if restricted since
        columns = Column.objects.filter(allowed)
        if item is not None:
            self.fields["unit"].disabled = True
            self.fields["unit"].queryset = type(item.unit).objects.filter(pk=item.unit_id)
            self.fields["unit"].help_text = _("发布单位创建后不能更改")
        else:
            self.fields["unit"].queryset = edit_units.filter(is_active=True)
        self.fields["column"].queryset = columns.order_by("sort_order", "pk")
        policies = Item.objects.filter(LIVE_Q, column__kind=Column.Kind.POLICY)
        if item is not None:
            policies = policies.exclude(pk=item.pk)
        self.fields["interprets"].queryset = policies.order_by("-published_at", "-pk")

    def clean_related(self) -> list[Item]:
        numbers = list(
            dict.fromkeys(n.strip() for n in self.cleaned_data["related"].splitlines() if n.strip())
        )
        if len(numbers) > MAX_RELATED:
            raise ValidationError(_("相关信息最多 %(n)d 条") % {"n": MAX_RELATED})
        found = {i.index_number: i for i in Item.objects.filter(LIVE_Q, index_number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise ValidationError(
                _("找不到这些已发布的信息：%(numbers)s") % {"numbers": "、".join(missing)}
            )
        if self.item is not None and self.item.index_number in found:
            raise ValidationError(_("不能把信息本身列为相关信息"))
        return [found[n] for n in numbers]

    def clean_attachments(self):
        return prepare_attachments(self.cleaned_data["attachments"])

    def clean(self):
        data = super().clean()
        column, unit = data.get("column"), data.get("unit")
        if column is not None and unit is not None:
            maintainers = set(column.units.values_list("pk", flat=True))
            if maintainers and unit.pk not in maintainers:
                self.add_error(
                    "column",
                    _("“%(unit)s”不是栏目“%(column)s”的维护单位")
                    % {"unit": unit.name, "column": column.name},
                )
        interprets = data.get("interprets")
        if (
            column is not None
            and interprets is not None
            and column.kind != Column.Kind.INTERPRETATION
        ):
            self.add_error("interprets", _("只有“政策解读”栏目的信息才能选择解读的政策文件"))
        return data

    def item_fields(self) -> dict:
        """Keyword arguments for item_create / item_update."""
        data = self.cleaned_data
        if not (data.get("publisher_name") or "").strip() and data.get("unit") is not None:
            data["publisher_name"] = data["unit"].name
        return {
            key: data[key]
            for key in (
                "title",
                "body",
                "summary",
                "publisher_name",
                "written_date",
                "doc_number",
                "subject",
                "column",
                "interprets",
                "related",
            )
        }


class ItemEditForm(ItemForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("页面已过期，请刷新页面后重试"),
            "invalid": _("页面已过期，请刷新页面后重试"),
            "min_value": _("页面已过期，请刷新页面后重试"),
        },
    )


def item_initial(item: Item) -> dict:
    return {
        "column": item.column_id,
        "unit": item.unit_id,
        "title": item.title,
        "body": item.body,
        "summary": item.summary,
        "publisher_name": item.publisher_name,
        "written_date": item.written_date,
        "doc_number": item.doc_number,
        "subject": item.subject,
        "interprets": item.interprets_id,
        "related": "\n".join(item.related.values_list("index_number", flat=True)),
        "version": item.version,
    }


# ---------------------------------------------------------------------------------------------
# Review and publishing


class SubmitForm(_VersionedForm):
    pass


class ReviseForm(_VersionedForm):
    pass


class MaskForm(_VersionedForm):
    pass


class ReturnForm(_VersionedForm):
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写退回理由")},
    )


class ApproveForm(_VersionedForm):
    override_reason = forms.CharField(
        label=_("放行理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "检测到疑似个人信息。确需公开（如依法应公示的信息）时填写理由，理由将记入审核记录；"
            "否则请退回并遮盖"
        ),
    )
    publish = forms.BooleanField(label=_("审核通过并发布"), required=False)
    change_note = forms.CharField(
        label=_("修改说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("修订已发布信息并同时发布时必填，将在门户公开显示"),
    )

    def __init__(self, *args, show_override: bool = False, revision: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_override:
            del self.fields["override_reason"]
        if not revision:
            del self.fields["change_note"]


class PublishForm(_VersionedForm):
    change_note = forms.CharField(
        label=_("修改说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("说明本次修订改了什么，将在门户公开显示"),
        error_messages={"required": _("发布修订版本须填写修改说明")},
    )

    def __init__(self, *args, revision: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not revision:
            del self.fields["change_note"]


WITHDRAW_CHOICES = [
    ("withdraw", _("撤回并保留页面说明")),
    ("remove", _("撤下页面")),
]


class WithdrawForm(_VersionedForm):
    kind = forms.ChoiceField(
        label=_("方式"),
        choices=WITHDRAW_CHOICES,
        initial="withdraw",
        widget=forms.RadioSelect,
        help_text=_("撤回：页面保留并显示说明；撤下：页面不再提供，访问时显示说明"),
    )
    explanation = forms.CharField(
        label=_("说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("将公开显示"),
        error_messages={"required": _("请填写撤回说明")},
    )

    def __init__(self, *args, withdrawn: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if withdrawn:
            # Already withdrawn with a notice: only removing the page is left.
            self.fields["kind"].choices = [WITHDRAW_CHOICES[1]]
            self.fields["kind"].initial = "remove"
