"""The pre-approval checks: metadata, personal data (check_pii) and internal links (check_links)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from gongkai.catalog.checks import run_checks
from gongkai.catalog.checks.content import check_links, check_pii, portal_item_url
from gongkai.catalog.checks.metadata import check_metadata
from gongkai.catalog.models import Column, ItemAttachment, PublicState
from gongkai.catalog.tests.factories import ColumnFactory, ItemFactory, id_number, published_item

pytestmark = pytest.mark.django_db

ID = id_number()
MOBILE = "13812345678"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_BASE_URL = "https://xxgk.example.gov.cn"


def attach(item, name="名单.pdf", text="", active=True, kind="pdf"):
    a = ItemAttachment(
        item=item,
        original_name=name,
        kind=kind,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        text=text,
        is_active=active,
    )
    a.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=False)
    a.save()
    return a


# ---------------------------------------------------------------------------------------------
# Metadata


def test_policy_item_without_doc_number_is_blocked():
    item = ItemFactory(
        column=ColumnFactory(kind=Column.Kind.POLICY), written_date=dt.date(2026, 1, 5)
    )
    findings = check_metadata(item)
    assert len(findings) == 1 and findings[0].blocking
    assert "文号" in findings[0].message
    item.doc_number = "珠高办〔2026〕1号"
    assert check_metadata(item) == []


def test_news_item_needs_no_doc_number():
    assert check_metadata(ItemFactory(column=ColumnFactory(kind=Column.Kind.NEWS))) == []


# ---------------------------------------------------------------------------------------------
# Personal data


def test_id_number_in_body_is_a_blocking_finding_without_the_raw_number():
    item = ItemFactory(body=f"<p>低保户张三，身份证号 {ID}，联系电话 {MOBILE}。</p>")
    [finding] = check_pii(item)
    assert finding.code == "pii" and finding.blocking
    assert "正文" in finding.message
    assert ID not in finding.message and MOBILE not in finding.message
    assert ID not in repr(finding.details) and MOBILE not in repr(finding.details)
    previews = finding.details[0]["previews"]
    assert any("440*************3X" in p for p in previews)
    assert any("138****5678" in p for p in previews)
    assert finding.details[0]["maskable"] is True


def test_number_split_by_markup_is_found():
    item = ItemFactory(body=f"<p>身份证：<strong>{ID[:9]}</strong>{ID[9:]}</p>")
    assert [f.code for f in check_pii(item)] == ["pii"]


def test_title_and_summary_are_scanned_too():
    item = ItemFactory(title=f"关于{ID}的公示", body="<p>无</p>")
    [finding] = check_pii(item)
    assert finding.details[0]["place"] == "标题"


def test_attachment_text_is_scanned_and_named():
    item = ItemFactory(body="<p>见附件。</p>")
    attach(item, name="低保名单.pdf", text=f"王五 {ID}")
    attach(item, name="旧名单.pdf", text=f"赵六 {id_number('11010519491231002')}", active=False)
    [finding] = check_pii(item)
    assert "附件“低保名单.pdf”" in finding.message
    assert "旧名单.pdf" not in finding.message  # removed from the working copy
    place = finding.details[0]
    assert place["maskable"] is False and "重新上传" in place["advice"]
    assert ID not in finding.message


def test_clean_item_has_no_pii_finding():
    item = ItemFactory(
        body="<p>索引号 11440400MB2C00001F/2026-00001，金额 4404001990030712 元。</p>"
    )
    assert check_pii(item) == []


# ---------------------------------------------------------------------------------------------
# Links


def links(item):
    findings = check_links(item)
    assert all(f.code == "link" and f.blocking for f in findings)
    return [d["path"] for f in findings for d in f.details]


def test_internal_path_that_resolves_to_nothing_is_blocking():
    item = ItemFactory(body='<p><a href="/no/such/page/">见此</a></p>')
    assert links(item) == ["/no/such/page/"]


def test_own_host_absolute_link_is_checked_and_external_links_are_not():
    item = ItemFactory(
        body='<p><a href="https://xxgk.example.gov.cn/gone/">a</a>'
        '<a href="https://www.gov.cn/zhengce/whatever/">b</a>'
        '<a href="mailto:x@example.com">c</a><a href="#top">d</a></p>'
    )
    assert links(item) == ["/gone/"]


def test_link_to_a_portal_item_that_is_not_public_is_blocking(unit_a):
    draft = ItemFactory(unit=unit_a)
    public = published_item(unit=unit_a)
    removed = published_item(unit=unit_a, title="已撤下")
    removed.public_state = PublicState.REMOVED
    removed.save()
    item = ItemFactory(
        unit=unit_a,
        body=f'<a href="{portal_item_url(draft.pk)}">草稿</a>'
        f'<a href="{portal_item_url(public.pk)}">已发布</a>'
        f'<a href="https://xxgk.example.gov.cn{portal_item_url(removed.pk)}">撤下</a>'
        f'<a href="{portal_item_url(999999)}">不存在</a>',
    )
    findings = check_links(item)
    problems = {d["path"]: d["problem"] for d in findings[0].details}
    assert problems == {
        portal_item_url(draft.pk): "信息未公开",
        portal_item_url(removed.pk): "信息未公开",
        portal_item_url(999999): "信息不存在",
    }


def test_own_page_home_page_and_relative_links():
    item = ItemFactory()
    item.body = f'<a href="{portal_item_url(item.pk)}">本页</a><a href="/">首页</a><a href="missing.html">x</a>'
    assert links(item) == [f"/xxgk/item/{item.pk}/missing.html"]


def test_links_into_the_workbench_are_blocking():
    item = ItemFactory(body='<a href="/workbench/catalog/items/">后台</a>')
    assert links(item) == ["/workbench/catalog/items/"]


def test_media_links_must_point_to_existing_files(settings):
    item = ItemFactory()
    kept = attach(item)
    item.body = (
        f'<a href="{settings.MEDIA_URL}{kept.file.name}">有</a><img src="/media/nope.png" alt="">'
    )
    assert links(item) == ["/media/nope.png"]


def test_run_checks_includes_every_check():
    item = ItemFactory(
        column=ColumnFactory(kind=Column.Kind.POLICY),
        body=f'<p>{ID}</p><a href="/nowhere/">x</a>',
    )
    assert [f.code for f in run_checks(item)] == ["metadata", "pii", "link"]
