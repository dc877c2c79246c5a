"""The item pages: permissions on every URL, the form with uploads, the checks on the item page,
and the review and publishing forms."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.catalog.checks.content import portal_item_url
from gongkai.catalog.models import (
    Column,
    Item,
    ItemAttachment,
    ItemStatus,
    PublicState,
    ReviewEntry,
)
from gongkai.catalog.services.items import item_attach, item_create, item_submit
from gongkai.catalog.tests.factories import ColumnFactory, id_number, pdf_bytes, published_item
from gongkai.core.uploads import check_upload

pytestmark = pytest.mark.django_db

ID = id_number()
OLE_DOC = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + b"\x00" * 100
    + "WordDocument".encode("utf-16-le")
    + b"\x00" * 64
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def news():
    return ColumnFactory(kind=Column.Kind.NEWS, name="工作动态")


def url(name, *args):
    return reverse(f"catalog:{name}", args=args)


def draft(actor, unit, column, **fields):
    fields.setdefault("body", "<p>正文。</p>")
    return item_create(
        actor=actor, unit=unit, column=column, title=fields.pop("title", "测试信息"), **fields
    )


def pdf(name="通知.pdf", text="hello"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def docx_file(name, text):
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def attach(actor, item, upload):
    checked = check_upload(upload, allowed=frozenset({"pdf", "docx"}))
    return item_attach(actor=actor, item=item, upload=checked, text="")


def create_data(column, unit, **extra):
    return {
        "column": column.pk,
        "unit": unit.pk,
        "title": "关于开展检查的通知",
        "body": "<p>正文</p>",
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Permissions: unit A's liaison cannot see, edit or act on unit B's items


def test_other_units_items_are_404_on_every_url(client, login, liaison_a, liaison_b, unit_b, news):
    theirs = draft(liaison_b, unit_b, news, title="乙局草稿")
    attachment = attach(liaison_b, theirs, pdf())
    login(liaison_a)
    pk = theirs.pk
    gets = [url("item_detail", pk), url("item_edit", pk), url("item_attachment", pk, attachment.pk)]
    for address in gets:
        assert client.get(address).status_code == 404, address
    posts = {
        url("item_edit", pk): {"title": "改", "version": theirs.version},
        url("item_attach", pk): {"attach-version": theirs.version, "attach-attachments": pdf()},
        url("item_detach", pk, attachment.pk): {},
        url("item_submit", pk): {"submit-version": theirs.version},
        url("item_return", pk): {"return-version": theirs.version, "return-reason": "x"},
        url("item_approve", pk): {"approve-version": theirs.version},
        url("item_publish", pk): {"publish-version": theirs.version},
        url("item_withdraw", pk): {
            "withdraw-version": theirs.version,
            "withdraw-kind": "remove",
            "withdraw-explanation": "x",
        },
        url("item_revise", pk): {"revise-version": theirs.version},
        url("item_mask", pk): {"mask-version": theirs.version},
    }
    for address, data in posts.items():
        assert client.post(address, data).status_code == 404, address
    theirs.refresh_from_db()
    assert theirs.title == "乙局草稿" and theirs.status == ItemStatus.DRAFT
    assert theirs.attachments.filter(is_active=True).count() == 1

    page = client.get(url("item_list"))
    assert page.status_code == 200 and "乙局草稿" not in page.content.decode()
    # Filtering by the other unit's id does not reveal anything either.
    page = client.get(url("item_list"), {"unit": unit_b.pk})
    assert "乙局草稿" not in page.content.decode()


def test_liaison_cannot_create_an_item_for_another_unit(client, login, liaison_a, unit_b, news):
    login(liaison_a)
    response = client.post(url("item_create"), create_data(news, unit_b))
    assert response.status_code == 400
    assert not Item.objects.exists()


def test_viewer_without_edit_gets_403(client, login, leader, liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    login(leader)
    assert client.get(url("item_detail", item.pk)).status_code == 200
    assert client.get(url("item_create")).status_code == 403
    assert client.get(url("item_edit", item.pk)).status_code == 403
    response = client.post(url("item_submit", item.pk), {"submit-version": item.version})
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).status == ItemStatus.DRAFT


def test_liaison_cannot_approve_own_units_item(client, login, liaison_a, unit_a, news):
    item = item_submit(actor=liaison_a, item=draft(liaison_a, unit_a, news))
    login(liaison_a)
    response = client.post(url("item_approve", item.pk), {"approve-version": item.version})
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).status == ItemStatus.SUBMITTED


# ---------------------------------------------------------------------------------------------
# The form and uploads


def test_create_with_attachments_and_sanitised_body(client, login, liaison_a, unit_a, news):
    login(liaison_a)
    data = create_data(
        news,
        unit_a,
        body='<p onclick="evil()">正文<script>alert(1)</script><img src="/x.png" onerror="y()"></p>',
        subject="综合政务",
        attachments=[pdf("通知.pdf", f"ID {ID}"), docx_file("名单.docx", "联系人 13812345678")],
    )
    response = client.post(url("item_create"), data)
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == url("item_detail", item.pk)
    assert item.unit == unit_a and item.publisher_name == unit_a.name and item.subject == "综合政务"
    for bad in ("script", "alert", "onclick", "onerror"):
        assert bad not in item.body
    texts = dict(item.attachments.values_list("original_name", "text"))
    assert ID in texts["通知.pdf"] and "13812345678" in texts["名单.docx"]

    page = client.get(url("item_detail", item.pk)).content.decode()
    assert "附件“通知.pdf”" in page and "附件“名单.docx”" in page
    assert ID not in page and "13812345678" not in page  # previews are masked
    assert "440*************3X" in page and "138****5678" in page


def test_html_file_named_pdf_is_refused(client, login, liaison_a, unit_a, news):
    login(liaison_a)
    fake = SimpleUploadedFile(
        "通知.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = client.post(url("item_create"), create_data(news, unit_a, attachments=[fake]))
    assert response.status_code == 400
    assert "类型不被接受" in response.content.decode()
    assert not Item.objects.exists() and not ItemAttachment.objects.exists()

    item = draft(liaison_a, unit_a, news)
    fake.seek(0)
    response = client.post(
        url("item_attach", item.pk), {"attach-version": item.version, "attach-attachments": fake}
    )
    assert response.status_code == 400 and "类型不被接受" in response.content.decode()
    assert not ItemAttachment.objects.exists()


def test_oversized_file_is_refused(client, login, settings, liaison_a, unit_a, news):
    settings.CATALOG_MAX_UPLOAD_BYTES = 1024
    login(liaison_a)
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    response = client.post(url("item_create"), create_data(news, unit_a, attachments=[big]))
    assert response.status_code == 400 and "过大" in response.content.decode()
    assert not Item.objects.exists() and not ItemAttachment.objects.exists()


def test_legacy_doc_is_accepted_with_a_warning(client, login, liaison_a, unit_a, news):
    login(liaison_a)
    legacy = SimpleUploadedFile("旧文件.doc", OLE_DOC)
    response = client.post(
        url("item_create"), create_data(news, unit_a, attachments=[legacy]), follow=True
    )
    attachment = ItemAttachment.objects.get()
    assert attachment.kind == "doc" and attachment.text == ""
    page = response.content.decode()
    assert "无法读取其中的文字" in page
    assert "个人信息检查未覆盖" in page


def test_nothing_is_written_when_one_upload_is_refused(client, login, liaison_a, unit_a, news):
    login(liaison_a)
    bad = SimpleUploadedFile("b.pdf", b"not a pdf at all \x00\x01")
    response = client.post(url("item_create"), create_data(news, unit_a, attachments=[pdf(), bad]))
    assert response.status_code == 400
    assert not Item.objects.exists() and not ItemAttachment.objects.exists()


def test_column_must_be_maintained_by_the_unit(client, login, liaison_a, unit_a, unit_b):
    only_b = ColumnFactory(units=[unit_b])
    login(liaison_a)
    response = client.post(url("item_create"), create_data(only_b, unit_a))
    assert response.status_code == 400
    assert not Item.objects.exists()


def test_edit_with_stale_version_is_refused(client, login, liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news, title="原标题")
    login(liaison_a)
    stale = item.version
    data = create_data(news, unit_a, title="甲改的", version=stale)
    assert client.post(url("item_edit", item.pk), data).status_code == 302
    data = create_data(news, unit_a, title="乙改的", version=stale)
    response = client.post(url("item_edit", item.pk), data)
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    assert Item.objects.get(pk=item.pk).title == "甲改的"


def test_stale_version_on_action_forms_is_refused(client, login, liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    login(liaison_a)
    response = client.post(url("item_submit", item.pk), {"submit-version": item.version + 1})
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    assert Item.objects.get(pk=item.pk).status == ItemStatus.DRAFT


def test_attachment_download_and_removal(client, login, liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news)
    attachment = attach(liaison_a, item, pdf("附件 一.pdf"))
    login(liaison_a)
    response = client.get(url("item_attachment", item.pk, attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.post(url("item_detach", item.pk, attachment.pk))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.is_active is False


# ---------------------------------------------------------------------------------------------
# Checks, masking and review on the item page


def test_pii_mask_and_override_through_the_page(client, login, liaison_a, reviewer_a, unit_a, news):
    item = item_submit(
        actor=liaison_a, item=draft(liaison_a, unit_a, news, body=f"<p>身份证 {ID}</p>")
    )
    login(reviewer_a)
    page = client.get(url("item_detail", item.pk)).content.decode()
    assert "放行理由" in page and ID not in page
    response = client.post(url("item_approve", item.pk), {"approve-version": item.version})
    assert response.status_code == 400 and "个人信息" in response.content.decode()
    assert Item.objects.get(pk=item.pk).status == ItemStatus.SUBMITTED

    response = client.post(
        url("item_approve", item.pk),
        {
            "approve-version": item.version,
            "approve-override_reason": "依法须公示",
            "approve-publish": "on",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.pii_override_reason == "依法须公示"
    assert item.review_entries.filter(
        kind=ReviewEntry.Kind.PII_OVERRIDE, text="依法须公示"
    ).exists()


def test_mask_button_clears_the_finding(client, login, liaison_a, unit_a, news):
    item = draft(liaison_a, unit_a, news, body=f"<p>身份证 {ID}</p>")
    login(liaison_a)
    page = client.get(url("item_detail", item.pk)).content.decode()
    assert "一键遮盖" in page
    response = client.post(url("item_mask", item.pk), {"mask-version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert ID not in item.body
    page = client.get(url("item_detail", item.pk)).content.decode()
    assert "一键遮盖" not in page and "疑似个人信息" not in page


def test_no_override_field_without_pii_and_broken_link_blocks(
    client, login, liaison_a, reviewer_a, unit_a, news
):
    item = item_submit(
        actor=liaison_a, item=draft(liaison_a, unit_a, news, body='<a href="/nowhere/">x</a>')
    )
    login(reviewer_a)
    page = client.get(url("item_detail", item.pk)).content.decode()
    assert "放行理由" not in page and "无效的站内链接" in page
    response = client.post(url("item_approve", item.pk), {"approve-version": item.version})
    assert response.status_code == 400 and "站内链接" in response.content.decode()


def test_review_list_and_full_workflow(
    client, login, liaison_a, reviewer_a, liaison_b, unit_a, unit_b, news
):
    mine = item_submit(actor=liaison_a, item=draft(liaison_a, unit_a, news, title="甲局待审"))
    draft(liaison_a, unit_a, news, title="甲局草稿")
    item_submit(actor=liaison_b, item=draft(liaison_b, unit_b, news, title="乙局待审"))
    login(reviewer_a)
    page = client.get(url("item_list"), {"status": "review"}).content.decode()
    assert "甲局待审" in page and "甲局草稿" not in page and "乙局待审" not in page
    assert "待我审核" in page

    response = client.post(
        url("item_return", mine.pk), {"return-version": mine.version, "return-reason": ""}
    )
    assert response.status_code == 400
    response = client.post(url("item_approve", mine.pk), {"approve-version": mine.version})
    assert response.status_code == 302
    mine.refresh_from_db()
    response = client.post(url("item_publish", mine.pk), {"publish-version": mine.version})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.public_state == PublicState.LIVE
    page = client.get(url("item_detail", mine.pk)).content.decode()
    assert portal_item_url(mine.pk) in page and "在门户查看" in page
    assert "第 1 版" in page


def test_revision_through_the_page_keeps_old_version_until_published(
    client, login, liaison_a, reviewer_a, unit_a, news
):
    item = published_item(unit=unit_a, column=news, title="原标题")
    v1 = item.current_version_id
    login(liaison_a)
    assert (
        client.post(url("item_revise", item.pk), {"revise-version": item.version}).status_code
        == 302
    )
    item.refresh_from_db()
    data = create_data(news, unit_a, title="新标题", version=item.version)
    assert client.post(url("item_edit", item.pk), data).status_code == 302
    item.refresh_from_db()
    assert (
        client.post(url("item_submit", item.pk), {"submit-version": item.version}).status_code
        == 302
    )
    login(reviewer_a)
    item.refresh_from_db()
    response = client.post(url("item_approve", item.pk), {"approve-version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_version_id == v1 and item.current_version.title == "原标题"
    response = client.post(url("item_publish", item.pk), {"publish-version": item.version})
    assert response.status_code == 400 and "修改说明" in response.content.decode()
    response = client.post(
        url("item_publish", item.pk),
        {"publish-version": item.version, "publish-change_note": "更正标题"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_version.number == 2 and item.current_version.title == "新标题"


def test_withdraw_and_remove_through_the_page(client, login, reviewer_a, unit_a, news):
    item = published_item(unit=unit_a, column=news)
    login(reviewer_a)
    response = client.post(
        url("item_withdraw", item.pk),
        {
            "withdraw-version": item.version,
            "withdraw-kind": "withdraw",
            "withdraw-explanation": "已过时",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.public_state == PublicState.WITHDRAWN and item.current_version_id is not None
    response = client.post(
        url("item_withdraw", item.pk),
        {
            "withdraw-version": item.version,
            "withdraw-kind": "remove",
            "withdraw-explanation": "误发",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.public_state == PublicState.REMOVED and item.withdrawal_explanation == "误发"
    page = client.get(url("item_detail", item.pk)).content.decode()
    assert "在门户查看" not in page


def test_list_filters_and_counts(client, login, coordinator, unit_a, unit_b, news):
    other = ColumnFactory(name="通知公告栏")
    draft(coordinator, unit_a, news, title="甲局动态")
    draft(coordinator, unit_b, other, title="乙局公告")
    published_item(unit=unit_b, column=other, title="乙局已发布")
    login(coordinator)
    page = client.get(url("item_list"), {"column": other.pk}).content.decode()
    assert "乙局公告" in page and "乙局已发布" in page and "甲局动态" not in page
    page = client.get(url("item_list"), {"status": "published"}).content.decode()
    assert "乙局已发布" in page and "乙局公告" not in page
    page = client.get(url("item_list"), {"q": "动态"}).content.decode()
    assert "甲局动态" in page and "乙局公告" not in page
    page = client.get(url("item_list"), {"public_state": "live"}).content.decode()
    assert "乙局已发布" in page and "甲局动态" not in page


def test_blank_publisher_name_falls_back_to_unit_name_on_edit(
    client, login, liaison_a, unit_a, news
):
    item = draft(liaison_a, unit_a, news, publisher_name="甲局办公室")
    login(liaison_a)
    data = create_data(news, unit_a, publisher_name="", version=item.version)
    assert client.post(url("item_edit", item.pk), data).status_code == 302
    assert Item.objects.get(pk=item.pk).publisher_name == unit_a.name


def test_interpretation_and_related_items_through_the_form(client, login, liaison_a, unit_a, news):
    policy = published_item(
        unit=unit_a, column=ColumnFactory(kind=Column.Kind.POLICY), title="某政策"
    )
    other = published_item(unit=unit_a, column=news, title="相关动态")
    hidden = draft(liaison_a, unit_a, news, title="未发布的")
    interpretation = ColumnFactory(kind=Column.Kind.INTERPRETATION, name="解读栏")
    login(liaison_a)
    response = client.post(url("item_create"), create_data(news, unit_a, interprets=policy.pk))
    assert response.status_code == 400 and "政策解读" in response.content.decode()
    response = client.post(
        url("item_create"),
        create_data(interpretation, unit_a, interprets=policy.pk, related=hidden.index_number),
    )
    assert response.status_code == 400 and "找不到" in response.content.decode()
    assert not Item.objects.filter(column=interpretation).exists()
    response = client.post(
        url("item_create"),
        create_data(
            interpretation, unit_a, interprets=policy.pk, related=f"{other.index_number}\n"
        ),
    )
    assert response.status_code == 302
    item = Item.objects.get(column=interpretation)
    assert item.interprets == policy and list(item.related.all()) == [other]
