"""The item workflow: draft → submitted → approved → published; withdraw or remove; revise.

Permissions (gongkai.orgs.permissions): drafting and editing need EDIT on the item's unit,
submitting needs SUBMIT, approving, returning, publishing and withdrawing need APPROVE (the
unit's 审核人, or the 公开办). Every step writes a ReviewEntry and an audit record in the same
transaction; what must happen after publishing (cache, task binding, search) is sent through
`gongkai.catalog.events` on commit.

Each hand-off notifies, in the same transaction (`gongkai.core.notifications.notify`; the actor
is never notified):

    submitted  → the approvers: the unit's 审核人, or the 公开办 when the unit has none
    returned   → the authors (creator, last editor, last submitter) and the unit's 联络员
    approved   → the authors, the 联络员 and the approvers (who publish next); approving with
                 `publish=True` sends "published" instead
    published  → the authors and the 联络员
    withdrawn  → the authors, the 联络员 and the 审核人 (also for removal, 撤下)

Uploads (`uploads=`) are `CheckedUpload`s or `(CheckedUpload, extracted_text)` pairs; all are
checked before any is stored, so a bad one leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import coordinators, notify, unit_staff
from gongkai.core.richtext import sanitize_html
from gongkai.core.uploads import CheckedUpload
from gongkai.orgs.models import Unit
from gongkai.orgs.permissions import Action, check_perm, has_perm

from .. import events, notifications
from ..checks import run_checks
from ..index_numbers import next_index_number
from ..models import Column, Item, ItemAttachment, ItemStatus, ItemVersion, PublicState, ReviewEntry

EDITABLE_FIELDS = (
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
ATTACHMENT_KINDS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "png", "jpeg", "gif"})


def _lock(item: Item, expected_version: int | None = None) -> Item:
    locked = Item.objects.select_for_update().select_related("column", "unit").get(pk=item.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationFailed("该信息已被他人修改，请刷新页面后重试")
    return locked


def _entry(item: Item, kind: str, actor, text: str = "") -> None:
    ReviewEntry.objects.create(
        item=item, kind=kind, actor=actor if getattr(actor, "pk", None) else None, text=text
    )


def _save(item: Item, fields: list[str]) -> None:
    item.version += 1
    item.save(update_fields=[*fields, "version", "updated_at"])


def _clean(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed("不能修改这些字段：" + "、".join(sorted(unknown)))
    out = dict(fields)
    if "title" in out:
        out["title"] = (out["title"] or "").strip()
        if not out["title"]:
            raise ValidationFailed("请填写标题")
        if len(out["title"]) > 300:
            raise ValidationFailed("标题不能超过300字")
    if "body" in out:
        out["body"] = sanitize_html(out["body"] or "")
    for key in ("summary", "publisher_name", "doc_number", "subject"):
        if key in out:
            out[key] = (out[key] or "").strip()
    column = out.get("column")
    if column is not None and not column.is_active:
        raise ValidationFailed("该栏目已停用")
    interprets = out.get("interprets")
    if interprets is not None and interprets.column.kind != Column.Kind.POLICY:
        raise ValidationFailed("只能解读“政策文件”栏目中的信息")
    if "related" in out:
        out["related"] = list(dict.fromkeys(out["related"] or ()))
    written = out.get("written_date")
    if written and written > timezone.localdate():
        raise ValidationFailed("成文日期不能晚于今天")
    return out


# -- uploads -----------------------------------------------------------------------------------

Upload = CheckedUpload | tuple[CheckedUpload, str]


def _uploads(uploads: Iterable[Upload]) -> list[tuple[CheckedUpload, str]]:
    """Normalise to (upload, text) pairs and refuse the lot if one is of a wrong type."""
    pairs = [u if isinstance(u, tuple) else (u, "") for u in uploads or ()]
    for upload, _text in pairs:
        if upload.kind not in ATTACHMENT_KINDS:
            raise ValidationFailed(
                f"附件“{upload.name}”的类型不被接受：可上传 PDF、Word、Excel 文件和图片"
            )
    return pairs


def _store(item: Item, actor, pairs: Sequence[tuple[CheckedUpload, str]]) -> list[ItemAttachment]:
    out = []
    for upload, text in pairs:
        attachment = ItemAttachment(
            item=item,
            original_name=upload.name,
            kind=upload.kind,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            text=text or "",
            uploaded_by=actor,
        )
        attachment.file.save(
            f"{upload.sha256[:20]}.{upload.kind}", ContentFile(upload.data), save=False
        )
        attachment.save()
        out.append(attachment)
    return out


# -- notifications -----------------------------------------------------------------------------


def _item_url(item: Item) -> str:
    return reverse("catalog:item_detail", args=[item.pk])


def _approvers(unit: Unit) -> list:
    """Who is asked to approve: the unit's 审核人; the 公开办 (who may approve every unit's
    items) only when the unit has no active 审核人, so a submission is never left unseen."""
    reviewers = list(unit_staff(unit, roles=("reviewer",)).order_by("pk"))
    return reviewers or list(coordinators().order_by("pk"))


def _authors(item: Item) -> list:
    """The creator, the last editor and the last submitter, while they may still edit the
    unit's items (someone who has left the unit is not told about its items)."""
    people = [item.created_by]
    for kinds in (
        (
            ReviewEntry.Kind.CREATE,
            ReviewEntry.Kind.EDIT,
            ReviewEntry.Kind.MASK,
            ReviewEntry.Kind.REVISE,
        ),
        (ReviewEntry.Kind.SUBMIT,),
    ):
        entry = (
            item.review_entries.filter(kind__in=kinds, actor__isnull=False)
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )
        if entry is not None:
            people.append(entry.actor)
    return [u for u in people if u is not None and has_perm(u, Action.EDIT, item.unit_id)]


def _liaisons(unit: Unit) -> list:
    return list(unit_staff(unit, roles=("liaison",)).order_by("pk"))


def _notify(item: Item, kind: str, users, title: str, body: str, actor) -> None:
    notify(
        kind=kind,
        users=users,
        title=f"{title}：{item.title[:40]}",
        body=body,
        url=_item_url(item),
        actor=actor,
    )


# -- the workflow ------------------------------------------------------------------------------


@transaction.atomic
def item_create(
    *, actor, unit: Unit, column: Column, title: str, uploads: Iterable[Upload] = (), **fields
) -> Item:
    """A draft with its attachments (`uploads`), all or nothing."""
    check_perm(actor, Action.EDIT, unit)
    data = _clean({"title": title, "column": column, **fields})
    pairs = _uploads(uploads)
    data.setdefault("publisher_name", unit.name)
    if not data["publisher_name"]:
        data["publisher_name"] = unit.name
    related = data.pop("related", None)
    item = Item(unit=unit, created_by=actor, **data)
    item.index_number = next_index_number(unit=unit, year=timezone.localdate().year)
    item.save()
    if related:
        item.related.set([r for r in related if r.pk != item.pk])
    attachments = _store(item, actor, pairs)
    _entry(item, ReviewEntry.Kind.CREATE, actor)
    after = {"index_number": item.index_number, "column": column.pk}
    if attachments:
        after["attachments"] = [a.original_name for a in attachments]
    audit_record(
        actor=actor,
        action="item.create",
        obj=item,
        unit=unit,
        summary=f"新建信息：{item.title[:80]}",
        after=after,
    )
    return item


def _require_editable(item: Item) -> None:
    if item.status in (ItemStatus.SUBMITTED, ItemStatus.APPROVED):
        raise ValidationFailed(f"信息处于“{item.get_status_display()}”状态，不能修改；请先退回")
    if item.status == ItemStatus.PUBLISHED:
        raise ValidationFailed("已发布的信息请先“开始修订”，修订稿审核发布后替换公开版本")
    if item.public_state == PublicState.REMOVED:
        raise ValidationFailed("已撤下的信息不能修改")


@transaction.atomic
def item_update(
    *,
    actor,
    item: Item,
    expected_version: int | None = None,
    uploads: Iterable[Upload] = (),
    **fields,
) -> Item:
    """Change the working copy and add `uploads` to it, all or nothing."""
    item = _lock(item, expected_version)
    check_perm(actor, Action.EDIT, item.unit)
    _require_editable(item)
    data = _clean(fields)
    pairs = _uploads(uploads)
    if item.current_version_id is not None:
        # The portal lists a published item under its column and links it to its policy; a
        # revision in progress must not move it before the revision is published.
        for key, label in (("column", "栏目"), ("interprets", "解读的政策文件")):
            if key in data and data[key] != getattr(item, key):
                raise ValidationFailed(
                    f"已发布的信息在修订时不能更改{label}；如需调整请撤回后重新发布"
                )
    related = data.pop("related", None)
    before = {k: str(getattr(item, k)) for k in data}
    if related is not None:
        before["related"] = sorted(item.related.values_list("pk", flat=True))
    for key, value in data.items():
        setattr(item, key, value)
    _save(item, list(data))
    if related is not None:
        item.related.set([r for r in related if r.pk != item.pk])
    attachments = _store(item, actor, pairs)
    after = {k: str(getattr(item, k)) for k in data}
    if related is not None:
        after["related"] = sorted(item.related.values_list("pk", flat=True))
    if attachments:
        after["attachments"] = [a.original_name for a in attachments]
    _entry(item, ReviewEntry.Kind.EDIT, actor)
    audit_record(
        actor=actor,
        action="item.update",
        obj=item,
        unit=item.unit,
        summary="修改信息",
        before=before,
        after=after,
    )
    return item


def item_attach(
    *,
    actor,
    item: Item,
    upload: CheckedUpload,
    text: str = "",
    expected_version: int | None = None,
) -> ItemAttachment:
    """Attach a checked upload (type sniffed from content). `text` is the extracted text."""
    (attachment,) = item_attach_many(
        actor=actor, item=item, uploads=[(upload, text)], expected_version=expected_version
    )
    return attachment


@transaction.atomic
def item_attach_many(
    *, actor, item: Item, uploads: Iterable[Upload], expected_version: int | None = None
) -> list[ItemAttachment]:
    """Attach several uploads at once: one version, one audit record, all or nothing."""
    item = _lock(item, expected_version)
    check_perm(actor, Action.EDIT, item.unit)
    _require_editable(item)
    pairs = _uploads(uploads)
    if not pairs:
        raise ValidationFailed("请选择要上传的文件")
    attachments = _store(item, actor, pairs)
    _save(item, [])
    audit_record(
        actor=actor,
        action="item.attach",
        obj=item,
        unit=item.unit,
        summary="上传附件：" + "、".join(a.original_name for a in attachments),
    )
    return attachments


@transaction.atomic
def item_detach(*, actor, item: Item, attachment: ItemAttachment) -> None:
    """Remove an attachment from the working copy (the file stays for published versions)."""
    item = _lock(item)
    check_perm(actor, Action.EDIT, item.unit)
    _require_editable(item)
    if attachment.item_id != item.pk:
        raise ValidationFailed("附件不属于该信息")
    attachment.is_active = False
    attachment.save(update_fields=["is_active"])
    _save(item, [])
    audit_record(
        actor=actor,
        action="item.detach",
        obj=item,
        unit=item.unit,
        summary=f"移除附件：{attachment.original_name}",
    )


@transaction.atomic
def item_submit(*, actor, item: Item, expected_version: int | None = None) -> Item:
    item = _lock(item, expected_version)
    check_perm(actor, Action.SUBMIT, item.unit)
    if item.status != ItemStatus.DRAFT:
        raise ValidationFailed(f"信息处于“{item.get_status_display()}”状态，不能提交审核")
    item.status = ItemStatus.SUBMITTED
    _save(item, ["status"])
    _entry(item, ReviewEntry.Kind.SUBMIT, actor)
    audit_record(actor=actor, action="item.submit", obj=item, unit=item.unit, summary="提交审核")
    _notify(
        item,
        notifications.ITEM_SUBMITTED,
        _approvers(item.unit),
        "信息待审核",
        f"{item.unit.name}提交审核，索引号 {item.index_number}",
        actor,
    )
    return item


@transaction.atomic
def item_return(*, actor, item: Item, reason: str, expected_version: int | None = None) -> Item:
    item = _lock(item, expected_version)
    check_perm(actor, Action.APPROVE, item.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("退回时须填写理由")
    if item.status not in (ItemStatus.SUBMITTED, ItemStatus.APPROVED):
        raise ValidationFailed("只有待审核或已审核未发布的信息可以退回")
    item.status = ItemStatus.DRAFT
    _save(item, ["status"])
    _entry(item, ReviewEntry.Kind.RETURN, actor, reason)
    audit_record(
        actor=actor, action="item.return", obj=item, unit=item.unit, summary=f"退回：{reason[:100]}"
    )
    _notify(
        item,
        notifications.ITEM_RETURNED,
        [*_authors(item), *_liaisons(item.unit)],
        "信息被退回",
        f"退回理由：{reason}",
        actor,
    )
    return item


@transaction.atomic
def item_approve(
    *,
    actor,
    item: Item,
    override_reason: str = "",
    publish: bool = False,
    change_note: str = "",
    expected_version: int | None = None,
) -> Item:
    """Approve after the automatic checks. Blocking findings stop approval unless the reviewer
    gives a reason to override the personal-data finding (logged); missing metadata and broken
    links must be fixed."""
    item = _lock(item, expected_version)
    check_perm(actor, Action.APPROVE, item.unit)
    if item.status != ItemStatus.SUBMITTED:
        raise ValidationFailed("只有待审核的信息可以审核")
    findings = [f for f in run_checks(item) if f.blocking]
    override_reason = (override_reason or "").strip()
    hard = [f for f in findings if f.code != "pii"]
    if hard:
        raise ValidationFailed("；".join(f.message for f in hard))
    if any(f.code == "pii" for f in findings):
        if not override_reason:
            raise ValidationFailed("检测到疑似个人信息，请遮盖后重新提交，或填写放行理由")
        item.pii_override_reason = override_reason
        item.pii_override_by = actor
        _entry(item, ReviewEntry.Kind.PII_OVERRIDE, actor, override_reason)
        audit_record(
            actor=actor,
            action="item.pii_override",
            obj=item,
            unit=item.unit,
            summary=f"放行个人信息提示：{override_reason[:100]}",
        )
    item.status = ItemStatus.APPROVED
    _save(item, ["status", "pii_override_reason", "pii_override_by"])
    _entry(item, ReviewEntry.Kind.APPROVE, actor)
    audit_record(actor=actor, action="item.approve", obj=item, unit=item.unit, summary="审核通过")
    if publish:
        return _publish(actor, item, change_note)  # notifies "published"
    _notify(
        item,
        notifications.ITEM_APPROVED,
        [*_authors(item), *_liaisons(item.unit), *_approvers(item.unit)],
        "信息已审核通过，待发布",
        f"索引号 {item.index_number}",
        actor,
    )
    return item


def _snapshot_metadata(item: Item) -> dict:
    return {
        "index_number": item.index_number,
        "publisher_name": item.publisher_name,
        "written_date": item.written_date.isoformat() if item.written_date else None,
        "publish_date": item.publish_date.isoformat() if item.publish_date else None,
        "doc_number": item.doc_number,
        "subject": item.subject,
        "disclosure_mode": item.disclosure_mode,
    }


def _publish(actor, item: Item, change_note: str) -> Item:
    now = timezone.now()
    revision = item.current_version_id is not None
    change_note = (change_note or "").strip()
    if revision and not change_note:
        raise ValidationFailed("发布修订版本须填写公开的修改说明")
    if not revision or not item.publish_date:
        item.publish_date = timezone.localdate()
    number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ItemVersion.objects.create(
        item=item,
        number=number,
        title=item.title,
        body=item.body,
        summary=item.summary,
        metadata=_snapshot_metadata(item),
        attachment_ids=list(item.attachments.filter(is_active=True).values_list("pk", flat=True)),
        change_note=change_note,
        published_by=actor if getattr(actor, "pk", None) else None,
        published_at=now,
    )
    item.current_version = version
    item.status = ItemStatus.PUBLISHED
    item.public_state = PublicState.LIVE
    item.published_at = now
    item.first_published_at = item.first_published_at or now
    item.withdrawn_at = None
    item.withdrawal_explanation = ""
    _save(
        item,
        [
            "current_version",
            "status",
            "public_state",
            "published_at",
            "first_published_at",
            "publish_date",
            "withdrawn_at",
            "withdrawal_explanation",
        ],
    )
    _entry(item, ReviewEntry.Kind.PUBLISH, actor, change_note)
    audit_record(
        actor=actor,
        action="item.publish",
        obj=item,
        unit=item.unit,
        summary=f"发布第{number}版：{item.title[:80]}",
        after={"version": number},
    )
    _notify(
        item,
        notifications.ITEM_PUBLISHED,
        [*_authors(item), *_liaisons(item.unit)],
        "信息已发布",
        f"索引号 {item.index_number}，第{number}版" + (f"：{change_note}" if change_note else ""),
        actor,
    )
    item_id, actor_id = item.pk, getattr(actor, "pk", None)
    transaction.on_commit(
        lambda: events.item_published(item_id=item_id, actor_id=actor_id, first=number == 1)
    )
    return item


@transaction.atomic
def item_publish(
    *, actor, item: Item, change_note: str = "", expected_version: int | None = None
) -> Item:
    item = _lock(item, expected_version)
    check_perm(actor, Action.APPROVE, item.unit)
    if item.status != ItemStatus.APPROVED:
        raise ValidationFailed("只有审核通过的信息可以发布")
    return _publish(actor, item, change_note)


@transaction.atomic
def item_withdraw(
    *, actor, item: Item, remove: bool, explanation: str, expected_version: int | None = None
) -> Item:
    """Withdraw a published item: the page stays with a notice (remove=False), or is removed and
    answers 410 with the explanation (remove=True)."""
    item = _lock(item, expected_version)
    check_perm(actor, Action.APPROVE, item.unit)
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationFailed("撤回须填写说明，说明将公开显示")
    if item.public_state not in (PublicState.LIVE, PublicState.WITHDRAWN):
        raise ValidationFailed("该信息未公开，无需撤回")
    if item.public_state == PublicState.WITHDRAWN and not remove:
        raise ValidationFailed("该信息已撤回")
    item.public_state = PublicState.REMOVED if remove else PublicState.WITHDRAWN
    item.withdrawn_at = timezone.now()
    item.withdrawal_explanation = explanation
    _save(item, ["public_state", "withdrawn_at", "withdrawal_explanation"])
    kind = ReviewEntry.Kind.REMOVE if remove else ReviewEntry.Kind.WITHDRAW
    _entry(item, kind, actor, explanation)
    audit_record(
        actor=actor,
        action="item.remove" if remove else "item.withdraw",
        obj=item,
        unit=item.unit,
        summary=f"{'撤下' if remove else '撤回'}：{explanation[:100]}",
    )
    _notify(
        item,
        notifications.ITEM_WITHDRAWN,
        [*_authors(item), *unit_staff(item.unit, roles=("liaison", "reviewer")).order_by("pk")],
        "信息已撤下" if remove else "信息已撤回",
        f"说明：{explanation}",
        actor,
    )
    item_id = item.pk
    transaction.on_commit(lambda: events.item_unpublished(item_id=item_id))
    return item


@transaction.atomic
def item_revise(*, actor, item: Item, expected_version: int | None = None) -> Item:
    """Start a revision of a published item: the working copy becomes a draft again while the
    published version stays on the portal until the revision is published."""
    item = _lock(item, expected_version)
    check_perm(actor, Action.EDIT, item.unit)
    if item.status != ItemStatus.PUBLISHED or item.public_state != PublicState.LIVE:
        raise ValidationFailed("只有公开中的信息可以修订")
    item.status = ItemStatus.DRAFT
    _save(item, ["status"])
    _entry(item, ReviewEntry.Kind.REVISE, actor)
    audit_record(actor=actor, action="item.revise", obj=item, unit=item.unit, summary="开始修订")
    return item
