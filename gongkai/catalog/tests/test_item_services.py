"""The item workflow through the services: permissions, concurrency, the checks that block
approval, masking, overrides, withdrawal and revisions."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.checks import run_checks
from gongkai.catalog.checks.content import portal_item_url
from gongkai.catalog.models import (
    Column,
    Item,
    ItemAttachment,
    ItemStatus,
    ItemVersion,
    PublicState,
    ReviewEntry,
)
from gongkai.catalog.services.items import (
    item_approve,
    item_attach,
    item_create,
    item_detach,
    item_publish,
    item_return,
    item_revise,
    item_submit,
    item_update,
    item_withdraw,
)
from gongkai.catalog.services.pii import item_mask_pii
from gongkai.catalog.tests.factories import ColumnFactory, id_number, published_item
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.core.uploads import CheckedUpload

pytestmark = pytest.mark.django_db

ID = id_number()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def news():
    return ColumnFactory(kind=Column.Kind.NEWS, name="工作动态")


def draft(actor, unit, column, **fields):
    fields.setdefault("body", "<p>正文。</p>")
    return item_create(
        actor=actor, unit=unit, column=column, title=fields.pop("title", "测试信息"), **fields
    )


def upload(name="a.pdf", data=b"%PDF-1.4 test"):
    return CheckedUpload(
        name=name,
        data=data,
        kind="pdf",
        content_type="application/pdf",
        size=len(data),
        sha256="ab" * 32,
    )


# ---------------------------------------------------------------------------------------------
# Permissions


def test_liaison_of_unit_a_cannot_touch_unit_b_items(liaison_a, liaison_b, unit_a, unit_b, news):
    theirs = draft(liaison_b, unit_b, news)
    with pytest.raises(PermissionDenied):
        draft(liaison_a, unit_b, news)
    with pytest.raises(PermissionDenied):
        item_update(actor=liaison_a, item=theirs, title="改了")
    with pytest.raises(PermissionDenied):
        item_submit(actor=liaison_a, item=theirs)
    with pytest.raises(PermissionDenied):
        item_attach(actor=liaison_a, item=theirs, upload=upload())
    with pytest.raises(PermissionDenied):
        item_mask_pii(actor=liaison_a, item=theirs)
    theirs.refresh_from_db()
    assert theirs.title == "测试信息" and theirs.status == ItemStatus.DRAFT
    assert not theirs.attachments.exists()


def test_liaison_cannot_approve_and_reviewer_cannot_approve_other_units(
    liaison_a, reviewer_a, liaison_b, unit_a, unit_b, news
):
    own = item_submit(actor=liaison_a, item=draft(liaison_a, unit_a, news))
    with pytest.raises(PermissionDenied):
        item_approve(actor=liaison_a, item=own)
    theirs = item_submit(actor=liaison_b, item=draft(liaison_b, unit_b, news))
    with pytest.raises(PermissionDenied):
        item_approve(actor=reviewer_a, item=theirs)
    with pytest.raises(PermissionDenied):
        item_return(actor=reviewer_a, item=theirs, reason="不行")
    assert Item.objects.get(pk=theirs.pk).status == ItemStatus.SUBMITTED


# ---------------------------------------------------------------------------------------------
# Editing


def test_stale_version_is_refused(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    seen = item.version
    item_update(actor=liaison_a, item=item, expected_version=seen, title="第一人修改")
    with pytest.raises(ValidationFailed, match="已被他人修改"):
        item_update(actor=liaison_a, item=item, expected_version=seen, title="第二人修改")
    with pytest.raises(ValidationFailed, match="已被他人修改"):
        item_submit(actor=liaison_a, item=item, expected_version=seen)
    item.refresh_from_db()
    assert item.title == "第一人修改" and item.status == ItemStatus.DRAFT


def test_scripts_and_event_handlers_do_not_survive(liaison_a, unit_a, news):
    item = draft(
        liaison_a,
        unit_a,
        news,
        body='<p onclick="steal()">正文<script>alert(1)</script>'
        '<a href="javascript:alert(2)" onmouseover="x()">链接</a>'
        '<img src="/static/x.png" onerror="y()"><span style="color:red">红</span></p>',
    )
    item.refresh_from_db()
    body = item.body.lower()
    for bad in (
        "<script",
        "alert(1)",
        "onclick",
        "onmouseover",
        "onerror",
        "javascript:",
        "style=",
    ):
        assert bad not in body
    assert "正文" in item.body and "链接" in item.body
    item_update(actor=liaison_a, item=item, body="<p>新</p><script>evil()</script>")
    item.refresh_from_db()
    assert "script" not in item.body and "evil" not in item.body


def test_related_items_are_set_and_replaced(liaison_a, unit_a, news):
    one, two = published_item(unit=unit_a, title="一"), published_item(unit=unit_a, title="二")
    item = draft(liaison_a, unit_a, news, related=[one])
    assert list(item.related.all()) == [one]
    item_update(actor=liaison_a, item=item, related=[two])
    assert list(item.related.all()) == [two]
    assert AuditEvent.objects.filter(action="item.update", object_id=str(item.pk)).exists()


def test_attach_and_detach(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    a = item_attach(actor=liaison_a, item=item, upload=upload(), text="文字")
    assert a.file.read() == b"%PDF-1.4 test"
    item_detach(actor=liaison_a, item=item, attachment=a)
    a.refresh_from_db()
    assert a.is_active is False


# ---------------------------------------------------------------------------------------------
# The checks block approval


def test_pii_blocks_approval_and_masking_clears_it(liaison_a, reviewer_a, unit_a, news):
    item = draft(liaison_a, unit_a, news, body=f"<p>困难群众：李四，身份证号{ID}，已纳入救助。</p>")
    item = item_submit(actor=liaison_a, item=item)
    with pytest.raises(ValidationFailed, match="个人信息") as exc:
        item_approve(actor=reviewer_a, item=item)
    assert ID not in exc.value.message
    item.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED

    item = item_return(actor=reviewer_a, item=item, reason="请遮盖身份证号")
    item = item_mask_pii(actor=liaison_a, item=item)
    item.refresh_from_db()
    assert ID not in item.body
    assert "440*************3X" in item.body and "李*" in item.body
    assert [f.code for f in run_checks(item)] == []
    entry = item.review_entries.get(kind=ReviewEntry.Kind.MASK)
    assert entry.actor == liaison_a and "正文1处" in entry.text
    assert AuditEvent.objects.filter(action="item.mask_pii", object_id=str(item.pk)).count() == 1

    item = item_approve(actor=reviewer_a, item=item_submit(actor=liaison_a, item=item))
    assert item.status == ItemStatus.APPROVED
    assert item.pii_override_reason == ""


def test_mask_masks_title_and_summary_too(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news, title=f"{ID}的公示", summary="联系 13812345678")
    item_mask_pii(actor=liaison_a, item=item)
    item.refresh_from_db()
    assert ID not in item.title and "13812345678" not in item.summary
    assert "138****5678" in item.summary


def test_mask_refuses_when_nothing_to_mask_and_names_attachments(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    with pytest.raises(ValidationFailed, match="未发现"):
        item_mask_pii(actor=liaison_a, item=item)
    item_attach(actor=liaison_a, item=item, upload=upload("名单.pdf"), text=f"王五 {ID}")
    before = Item.objects.get(pk=item.pk).version
    with pytest.raises(ValidationFailed, match=r"附件“名单\.pdf”") as exc:
        item_mask_pii(actor=liaison_a, item=item)
    assert "重新上传" in exc.value.message
    assert Item.objects.get(pk=item.pk).version == before
    assert not item.review_entries.filter(kind=ReviewEntry.Kind.MASK).exists()


def test_mask_needs_a_draft(liaison_a, unit_a, news):
    item = item_submit(actor=liaison_a, item=draft(liaison_a, unit_a, news, body=f"<p>{ID}</p>"))
    with pytest.raises(ValidationFailed, match="不能修改"):
        item_mask_pii(actor=liaison_a, item=item)
    assert ID in Item.objects.get(pk=item.pk).body


def test_pii_override_with_reason_is_logged(liaison_a, reviewer_a, unit_a, news):
    item = item_submit(actor=liaison_a, item=draft(liaison_a, unit_a, news, body=f"<p>{ID}</p>"))
    with pytest.raises(ValidationFailed):
        item_approve(actor=reviewer_a, item=item, override_reason="   ")
    reason = "依据《社会救助暂行办法》须公示救助对象，已取得本人同意"
    item = item_approve(actor=reviewer_a, item=item, override_reason=reason)
    item.refresh_from_db()
    assert item.status == ItemStatus.APPROVED
    assert item.pii_override_reason == reason and item.pii_override_by == reviewer_a
    entry = item.review_entries.get(kind=ReviewEntry.Kind.PII_OVERRIDE)
    assert entry.text == reason and entry.actor == reviewer_a
    assert AuditEvent.objects.filter(action="item.pii_override", object_id=str(item.pk)).exists()


def test_override_does_not_skip_other_blocking_findings(liaison_a, reviewer_a, unit_a, news):
    item = item_submit(
        actor=liaison_a,
        item=draft(liaison_a, unit_a, news, body=f'<p>{ID}</p><a href="/nowhere/">x</a>'),
    )
    with pytest.raises(ValidationFailed, match="站内链接"):
        item_approve(actor=reviewer_a, item=item, override_reason="确需公开")
    assert Item.objects.get(pk=item.pk).status == ItemStatus.SUBMITTED


def test_missing_doc_number_blocks_policy_approval(liaison_a, reviewer_a, unit_a):
    policy = ColumnFactory(kind=Column.Kind.POLICY, name="规范性文件")
    item = draft(liaison_a, unit_a, policy, written_date=dt.date(2026, 1, 5))
    item = item_submit(actor=liaison_a, item=item)
    with pytest.raises(ValidationFailed, match="文号"):
        item_approve(actor=reviewer_a, item=item)
    item = item_return(actor=reviewer_a, item=item, reason="补文号")
    item = item_update(actor=liaison_a, item=item, doc_number="珠高办〔2026〕3号")
    item = item_approve(actor=reviewer_a, item=item_submit(actor=liaison_a, item=item))
    assert item.status == ItemStatus.APPROVED


def test_broken_internal_link_blocks_approval(liaison_a, reviewer_a, unit_a, news):
    hidden = draft(liaison_a, unit_a, news, title="未发布")
    item = draft(
        liaison_a, unit_a, news, body=f'<p><a href="{portal_item_url(hidden.pk)}">见</a></p>'
    )
    item = item_submit(actor=liaison_a, item=item)
    with pytest.raises(ValidationFailed, match="信息未公开"):
        item_approve(actor=reviewer_a, item=item)
    # Once the linked item is public, the link is fine.
    item_approve(actor=reviewer_a, item=item_submit(actor=liaison_a, item=hidden), publish=True)
    assert item_approve(actor=reviewer_a, item=item).status == ItemStatus.APPROVED


# ---------------------------------------------------------------------------------------------
# Publishing, withdrawal, revision


def test_approve_and_publish_in_one_step(liaison_a, reviewer_a, unit_a, news):
    item = item_submit(actor=liaison_a, item=draft(liaison_a, unit_a, news))
    item = item_approve(actor=reviewer_a, item=item, publish=True)
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.public_state == PublicState.LIVE
    assert item.current_version.number == 1 and item.publish_date is not None


def test_withdraw_keeps_page_remove_takes_it_down(reviewer_a, liaison_a, unit_a, news):
    item = published_item(unit=unit_a, column=news)
    version = item.current_version_id
    with pytest.raises(PermissionDenied):
        item_withdraw(actor=liaison_a, item=item, remove=False, explanation="过时")
    with pytest.raises(ValidationFailed, match="说明"):
        item_withdraw(actor=reviewer_a, item=item, remove=False, explanation=" ")

    item = item_withdraw(actor=reviewer_a, item=item, remove=False, explanation="内容已过时")
    item.refresh_from_db()
    assert item.public_state == PublicState.WITHDRAWN
    assert item.current_version_id == version  # the page stays, with the notice
    assert item.withdrawal_explanation == "内容已过时" and item.withdrawn_at is not None
    assert item.review_entries.filter(kind=ReviewEntry.Kind.WITHDRAW).exists()
    with pytest.raises(ValidationFailed, match="已撤回"):
        item_withdraw(actor=reviewer_a, item=item, remove=False, explanation="再撤")

    item = item_withdraw(actor=reviewer_a, item=item, remove=True, explanation="含有误发内容")
    item.refresh_from_db()
    assert item.public_state == PublicState.REMOVED
    assert item.review_entries.filter(kind=ReviewEntry.Kind.REMOVE).exists()
    assert AuditEvent.objects.filter(action="item.remove", object_id=str(item.pk)).exists()
    with pytest.raises(ValidationFailed):
        item_withdraw(actor=reviewer_a, item=item, remove=True, explanation="再撤")


def test_revision_keeps_old_version_public_until_published(liaison_a, reviewer_a, unit_a, news):
    item = published_item(unit=unit_a, column=news, title="原标题", body="<p>原正文</p>")
    v1 = item.current_version
    with pytest.raises(ValidationFailed, match="开始修订"):
        item_update(actor=liaison_a, item=item, title="直接改")

    item = item_revise(actor=liaison_a, item=item)
    item = item_update(actor=liaison_a, item=item, title="新标题", body="<p>新正文</p>")
    item.refresh_from_db()
    assert item.current_version_id == v1.pk and item.public_state == PublicState.LIVE
    assert item.current_version.title == "原标题" and "原正文" in item.current_version.body

    item = item_approve(actor=reviewer_a, item=item_submit(actor=liaison_a, item=item))
    item.refresh_from_db()
    assert item.current_version_id == v1.pk  # approved is not published

    with pytest.raises(ValidationFailed, match="修改说明"):
        item_publish(actor=reviewer_a, item=item)
    item.refresh_from_db()
    assert item.current_version_id == v1.pk

    item = item_publish(actor=reviewer_a, item=item, change_note="更正标题")
    item.refresh_from_db()
    assert item.current_version.number == 2 and item.current_version.title == "新标题"
    assert item.current_version.change_note == "更正标题"
    assert ItemVersion.objects.get(pk=v1.pk).title == "原标题"  # the old snapshot is kept
    assert item.versions.count() == 2


def test_attachments_of_published_versions_are_kept(liaison_a, reviewer_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    a = item_attach(actor=liaison_a, item=item, upload=upload())
    item = item_approve(
        actor=reviewer_a, item=item_submit(actor=liaison_a, item=item), publish=True
    )
    item = item_revise(actor=liaison_a, item=item)
    item_detach(actor=liaison_a, item=item, attachment=a)
    item.refresh_from_db()
    assert item.current_version.attachment_ids == [a.pk]
    assert ItemAttachment.objects.filter(pk=a.pk).exists()
    assert a.file.storage.exists(ItemAttachment.objects.get(pk=a.pk).file.name)


def test_published_item_helper_goes_through_services(unit_a):
    policy = ColumnFactory(kind=Column.Kind.POLICY)
    item = published_item(unit=unit_a, column=policy)
    kinds = list(item.review_entries.values_list("kind", flat=True))
    assert kinds == ["create", "submit", "approve", "publish"]
    assert item.doc_number and item.written_date
