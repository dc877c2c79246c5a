"""The item services own the whole change: uploads are attached in the transaction that creates
or changes the item, and attaching or starting a revision checks the page's version, so a stale
page or a bad file writes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.catalog.models import (
    Column,
    IndexSequence,
    Item,
    ItemAttachment,
    ItemStatus,
    PublicState,
    ReviewEntry,
)
from gongkai.catalog.services.items import (
    item_approve,
    item_attach,
    item_attach_many,
    item_create,
    item_revise,
    item_submit,
    item_update,
)
from gongkai.catalog.tests.factories import ColumnFactory, pdf_bytes
from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.core.uploads import CheckedUpload

pytestmark = pytest.mark.django_db

STALE = "该信息已被他人修改，请刷新页面后重试"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def news():
    return ColumnFactory(kind=Column.Kind.NEWS, name="工作动态")


def upload(name="a.pdf", kind="pdf", data=b"%PDF-1.4 test"):
    return CheckedUpload(
        name=name,
        data=data,
        kind=kind,
        content_type="application/pdf",
        size=len(data),
        sha256=(name.encode().hex() + "0" * 64)[:64],
    )


def draft(actor, unit, column, **fields):
    return item_create(actor=actor, unit=unit, column=column, title="测试信息", **fields)


def audits(action):
    return AuditEvent.objects.filter(action=action).count()


# ---------------------------------------------------------------------------------------------
# item_create with uploads


def test_create_attaches_the_uploads_in_one_change(liaison_a, unit_a, news):
    item = draft(
        liaison_a, unit_a, news, uploads=[(upload("通知.pdf"), "通知正文"), upload("名单.pdf")]
    )
    texts = dict(item.attachments.values_list("original_name", "text"))
    assert texts == {"通知.pdf": "通知正文", "名单.pdf": ""}
    assert all(a.uploaded_by == liaison_a and a.file for a in item.attachments.all())
    assert audits("item.create") == 1 and audits("item.attach") == 0
    record = AuditEvent.objects.get(action="item.create")
    assert record.after["attachments"] == ["通知.pdf", "名单.pdf"]
    assert Item.objects.get(pk=item.pk).version == 0


def test_create_with_a_bad_upload_creates_nothing(liaison_a, unit_a, news):
    with pytest.raises(ValidationFailed, match="类型不被接受"):
        draft(liaison_a, unit_a, news, uploads=[upload("好.pdf"), upload("坏.exe", kind="exe")])
    assert not Item.objects.exists() and not ItemAttachment.objects.exists()
    assert not ReviewEntry.objects.exists() and not AuditEvent.objects.exists()
    assert not IndexSequence.objects.exists()  # no index number was used up


def test_create_failing_half_way_leaves_nothing(liaison_a, unit_a, news, monkeypatch):
    real_save = ItemAttachment.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.original_name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ItemAttachment, "save", failing_save)
    with pytest.raises(OSError):
        draft(liaison_a, unit_a, news, uploads=[upload("一.pdf"), upload("二.pdf")])
    assert calls == ["一.pdf", "二.pdf"]
    assert not Item.objects.exists() and not ItemAttachment.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_with_bad_fields_stores_no_upload(liaison_a, unit_a, news):
    with pytest.raises(ValidationFailed, match="标题"):
        item_create(actor=liaison_a, unit=unit_a, column=news, title=" ", uploads=[upload()])
    assert not Item.objects.exists() and not ItemAttachment.objects.exists()


# ---------------------------------------------------------------------------------------------
# item_update with uploads


def test_update_with_uploads_is_one_change(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    item = item_update(
        actor=liaison_a, item=item, expected_version=0, title="新标题", uploads=[upload()]
    )
    assert item.version == 1 and item.title == "新标题"
    assert item.attachments.get().original_name == "a.pdf"
    assert audits("item.update") == 1 and audits("item.attach") == 0


def test_update_with_a_stale_version_stores_no_upload(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    item_update(actor=liaison_a, item=item, expected_version=0, title="甲改的")
    with pytest.raises(ValidationFailed, match=STALE):
        item_update(
            actor=liaison_a, item=item, expected_version=0, title="乙改的", uploads=[upload()]
        )
    item.refresh_from_db()
    assert item.title == "甲改的" and item.version == 1
    assert not ItemAttachment.objects.exists()


# ---------------------------------------------------------------------------------------------
# item_attach / item_attach_many


def test_attach_with_a_stale_version_is_refused_and_writes_nothing(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    item_update(actor=liaison_a, item=item, expected_version=0, title="别人先改了")
    before = audits("item.attach"), ReviewEntry.objects.count()
    with pytest.raises(ValidationFailed, match=STALE):
        item_attach(actor=liaison_a, item=item, upload=upload(), expected_version=0)
    with pytest.raises(ValidationFailed, match=STALE):
        item_attach_many(actor=liaison_a, item=item, uploads=[upload()], expected_version=0)
    assert not ItemAttachment.objects.exists()
    assert Item.objects.get(pk=item.pk).version == 1
    assert (audits("item.attach"), ReviewEntry.objects.count()) == before


def test_attach_with_the_current_version(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    attachment = item_attach(
        actor=liaison_a, item=item, upload=upload(), text="文字", expected_version=0
    )
    assert attachment.text == "文字" and Item.objects.get(pk=item.pk).version == 1


def test_attach_many_is_all_or_nothing(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    with pytest.raises(ValidationFailed, match="类型不被接受"):
        item_attach_many(
            actor=liaison_a,
            item=item,
            uploads=[upload("好.pdf"), upload("坏.exe", kind="exe")],
            expected_version=0,
        )
    assert not ItemAttachment.objects.exists() and Item.objects.get(pk=item.pk).version == 0

    attachments = item_attach_many(
        actor=liaison_a,
        item=item,
        uploads=[(upload("一.pdf"), "一"), upload("二.pdf")],
        expected_version=0,
    )
    assert [a.original_name for a in attachments] == ["一.pdf", "二.pdf"]
    assert Item.objects.get(pk=item.pk).version == 1  # one change, one version
    record = AuditEvent.objects.get(action="item.attach")
    assert record.summary == "上传附件：一.pdf、二.pdf"


def test_attach_many_needs_a_file(liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    with pytest.raises(ValidationFailed, match="请选择要上传的文件"):
        item_attach_many(actor=liaison_a, item=item, uploads=[])
    assert audits("item.attach") == 0


# ---------------------------------------------------------------------------------------------
# item_revise


def published(liaison, reviewer, unit, column):
    item = item_submit(actor=liaison, item=draft(liaison, unit, column, body="<p>正文。</p>"))
    return item_approve(actor=reviewer, item=item, publish=True)


def test_revise_with_a_stale_version_is_refused_and_writes_nothing(
    liaison_a, reviewer_a, unit_a, news
):
    item = published(liaison_a, reviewer_a, unit_a, news)
    stale = item.version - 1
    with pytest.raises(ValidationFailed, match=STALE):
        item_revise(actor=liaison_a, item=item, expected_version=stale)
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.public_state == PublicState.LIVE
    assert not item.review_entries.filter(kind=ReviewEntry.Kind.REVISE).exists()
    assert audits("item.revise") == 0

    item = item_revise(actor=liaison_a, item=item, expected_version=item.version)
    assert item.status == ItemStatus.DRAFT and audits("item.revise") == 1


# ---------------------------------------------------------------------------------------------
# The pages go through the services


def test_attach_page_with_a_stale_version_writes_nothing(client, login, liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    item_update(actor=liaison_a, item=item, expected_version=0, title="别人先改了")
    login(liaison_a)
    files = [
        SimpleUploadedFile("一.pdf", pdf_bytes("one"), content_type="application/pdf"),
        SimpleUploadedFile("二.pdf", pdf_bytes("two"), content_type="application/pdf"),
    ]
    address = reverse("catalog:item_attach", args=[item.pk])
    response = client.post(address, {"attach-version": 0, "attach-attachments": files})
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    assert not ItemAttachment.objects.exists()

    for f in files:
        f.seek(0)
    response = client.post(address, {"attach-version": 1, "attach-attachments": files})
    assert response.status_code == 302
    assert sorted(item.attachments.values_list("original_name", flat=True)) == ["一.pdf", "二.pdf"]
    assert Item.objects.get(pk=item.pk).version == 2


def test_revise_page_with_a_stale_version_is_refused(
    client, login, liaison_a, reviewer_a, unit_a, news
):
    item = published(liaison_a, reviewer_a, unit_a, news)
    login(liaison_a)
    address = reverse("catalog:item_revise", args=[item.pk])
    response = client.post(address, {"revise-version": item.version - 1})
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    assert Item.objects.get(pk=item.pk).status == ItemStatus.PUBLISHED
    response = client.post(address, {"revise-version": item.version})
    assert response.status_code == 302
    assert Item.objects.get(pk=item.pk).status == ItemStatus.DRAFT


def test_edit_page_attaches_with_the_change(client, login, liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    login(liaison_a)
    data = {
        "column": news.pk,
        "unit": unit_a.pk,
        "title": "改后的标题",
        "body": "<p>正文</p>",
        "version": 0,
        "attachments": [SimpleUploadedFile("附.pdf", pdf_bytes("x"), "application/pdf")],
    }
    response = client.post(reverse("catalog:item_edit", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "改后的标题" and item.version == 1
    assert item.attachments.get().original_name == "附.pdf"
    assert audits("item.update") == 1 and audits("item.attach") == 0
