"""Portal pages: what the public sees, and that nothing unpublished shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from gongkai.catalog.models import Column, Validity
from gongkai.catalog.tests.factories import ColumnFactory

from . import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Pages here are checked without the page cache (test_portal_cache.py covers it)."""
    settings.GONGKAI_PORTAL_CACHE_SECONDS = 0


@pytest.fixture
def w(coordinator):
    return h.world(coordinator)


def text(response) -> str:
    return response.content.decode()


def assert_no_hidden(html: str) -> None:
    for state, title in h.HIDDEN_TITLES.items():
        assert title not in html, f"{state} item shown: {title}"


def test_home_lists_live_items_of_the_featured_columns(client, w):
    response = client.get("/")
    html = text(response)
    assert response.status_code == 200
    assert h.LIVE_TITLE in html and h.REVISED_OLD_TITLE in html
    assert_no_hidden(html)
    assert reverse("portal:column", args=["tzgg"]) in html
    for href in (
        'href="/ysqgk/"',
        f'href="{reverse("portal:guide")}"',
        f'href="{reverse("portal:xxgk")}"',
    ):
        assert href in html


def test_column_page_lists_live_items_only(client, w):
    response = client.get(reverse("portal:column", args=["tzgg"]))
    html = text(response)
    assert response.status_code == 200
    assert h.LIVE_TITLE in html and h.REVISED_OLD_TITLE in html
    assert_no_hidden(html)
    assert f'href="{reverse("portal:item", args=[w.live.pk])}"' in html
    assert f"/xxgk/item/{w.draft.pk}/" not in html


def test_column_page_pages_by_twenty_and_lists_children(client, coordinator):
    column = ColumnFactory(code="gzdt", name="工作动态")
    ColumnFactory(code="bmdt", name="部门动态", parent=column)
    for n in range(21):
        h.live(actor=coordinator, column=column, title=f"动态第{n:02d}条")
    first = text(client.get("/xxgk/gzdt/"))
    second = text(client.get("/xxgk/gzdt/?page=2"))
    assert len(re.findall(r"动态第\d\d条", first)) == 20
    assert re.findall(r"动态第\d\d条", second) == ["动态第00条"]
    assert "部门动态" in first and 'href="/xxgk/bmdt/"' in first
    assert "第 1 / 2 页" in first


def test_unknown_or_switched_off_column_is_404(client, db):
    ColumnFactory(code="off", is_active=False)
    assert client.get("/xxgk/nope/").status_code == 404
    assert client.get("/xxgk/off/").status_code == 404


def test_item_page_shows_the_metadata_of_the_current_version(client, coordinator):
    policies = ColumnFactory(code="zcwj", name="政策文件", kind=Column.Kind.POLICY)
    item = h.live(
        actor=coordinator,
        column=policies,
        title="关于加强政务公开的办法",
        written_date=dt.date(2026, 1, 5),
        doc_number="高新办〔2026〕3号",
        subject="综合政务",
        body="<p>第一条 <strong>总则</strong></p><script>alert(1)</script>",
    )
    html = text(client.get(reverse("portal:item", args=[item.pk])))
    for label, value in [
        ("索引号", item.index_number),
        ("发布机构", item.publisher_name),
        ("成文日期", "2026年1月5日"),
        ("文号", "高新办〔2026〕3号"),
        ("主题分类", "综合政务"),
        ("有效性", "有效"),
    ]:
        assert re.search(rf"<th scope=\"row\">{label}</th><td>{re.escape(value)}</td>", html), label
    assert "发布日期" in html
    assert "<strong>总则</strong>" in html  # sanitised HTML is rendered, not escaped
    assert "<script>alert(1)</script>" not in html


def test_revision_in_progress_does_not_show(client, w):
    html = text(client.get(reverse("portal:item", args=[w.revision.pk])))
    assert h.REVISED_OLD_TITLE in html
    assert h.REVISED_NEW_TITLE not in html and "修订中的正文" not in html


@pytest.mark.parametrize("name", ["draft", "submitted", "approved"])
def test_unpublished_item_pages_are_404(client, w, name):
    assert client.get(reverse("portal:item", args=[getattr(w, name).pk])).status_code == 404


def test_unknown_item_is_404(client, db):
    assert client.get("/xxgk/item/987654/").status_code == 404


def test_withdrawn_item_keeps_its_page_with_a_notice(client, w):
    response = client.get(reverse("portal:item", args=[w.withdrawn.pk]))
    html = text(response)
    assert response.status_code == 200
    assert h.WITHDRAWN_TITLE in html
    day = dt.datetime.fromisoformat(w.withdrawn.withdrawn_at.isoformat()).astimezone()
    assert f"本信息已于{day.year}年{day.month}月{day.day}日撤回" in html
    assert "该通知内容已调整" in html


def test_removed_item_is_410_with_the_explanation_only(client, w):
    response = client.get(reverse("portal:item", args=[w.removed.pk]))
    html = text(response)
    assert response.status_code == 410
    assert "含有不应公开的内容" in html and "撤下" in html
    assert h.REMOVED_TITLE not in html


def test_validity_banner_with_the_replacing_document(client, coordinator):
    policies = ColumnFactory(code="zcwj", kind=Column.Kind.POLICY)
    old = h.live(actor=coordinator, column=policies, title="旧办法")
    new = h.live(actor=coordinator, column=policies, title="新办法")
    h.mark_validity(old, Validity.ABOLISHED, dt.date(2026, 9, 28), replaced_by=new)
    html = text(client.get(reverse("portal:item", args=[old.pk])))
    banner = re.search(r'<div class="validity-banner[^"]*" role="alert">(.*?)</div>', html, re.S)
    assert banner, "no validity banner"
    assert "本文件已于2026年9月28日废止" in banner.group(1)
    assert f'<a href="{reverse("portal:item", args=[new.pk])}">新办法</a>' in banner.group(1)
    assert 'role="alert"' not in text(client.get(reverse("portal:item", args=[new.pk])))
    listing = text(client.get("/xxgk/zcwj/"))
    assert re.search(r"旧办法</a>\s*<span class=\"validity-tag[^\"]*\">已废止</span>", listing)


def test_interpretation_and_policy_link_each_other(client, coordinator):
    policies = ColumnFactory(code="zcwj", kind=Column.Kind.POLICY)
    readings = ColumnFactory(code="zcjd", kind=Column.Kind.INTERPRETATION)
    policy = h.live(actor=coordinator, column=policies, title="某某管理办法")
    reading = h.live(
        actor=coordinator, column=readings, title="某某管理办法图解", interprets=policy
    )
    policy_html = text(client.get(reverse("portal:item", args=[policy.pk])))
    reading_html = text(client.get(reverse("portal:item", args=[reading.pk])))
    assert (
        f'<a href="{reverse("portal:item", args=[reading.pk])}">某某管理办法图解</a>' in policy_html
    )
    assert f'<a href="{reverse("portal:item", args=[policy.pk])}">某某管理办法</a>' in reading_html


def test_change_notes_are_public(client, coordinator):
    item = h.live(actor=coordinator, column=ColumnFactory(), title="办事指南")
    item = h.republish(actor=coordinator, item=item, change_note="更新了办理时间")
    version = item.current_version
    day = version.published_at.astimezone()
    html = text(client.get(reverse("portal:item", args=[item.pk])))
    assert f"本文于{day.year}年{day.month}月{day.day}日修订：更新了办理时间" in html


def test_attachment_download_serves_only_published_attachments(
    client, coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = h.draft(actor=coordinator, column=ColumnFactory(), title="带附件")
    att = h.attach(actor=coordinator, item=item, name="实施细则.pdf", text="published-bytes")
    from gongkai.catalog.services import item_approve, item_revise, item_submit, item_withdraw

    item = item_approve(
        actor=coordinator, item=item_submit(actor=coordinator, item=item), publish=True
    )
    item = item_revise(actor=coordinator, item=item)
    pending = h.attach(actor=coordinator, item=item, name="未发布.pdf", text="secret-bytes")
    page = text(client.get(reverse("portal:item", args=[item.pk])))
    url = reverse("portal:attachment", args=[item.pk, att.pk])
    assert url in page and "未发布.pdf" not in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"published-bytes" in b"".join(response.streaming_content)
    assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("portal:attachment", args=[item.pk, pending.pk])).status_code == 404
    other = h.live(actor=coordinator, column=ColumnFactory(), title="另一条")
    assert client.get(reverse("portal:attachment", args=[other.pk, att.pk])).status_code == 404
    item.refresh_from_db()
    item_withdraw(actor=coordinator, item=item, remove=True, explanation="撤下")
    assert client.get(url).status_code == 410


def test_xxgk_platform_has_the_four_sub_columns(client, coordinator):
    ColumnFactory(code="xxgkzd", name="政府信息公开制度", kind=Column.Kind.OTHER)
    ColumnFactory(code="zn", name="公开指南栏目", kind=Column.Kind.GUIDE)
    root = ColumnFactory(code="fdzdgk", name="法定主动公开内容", kind=Column.Kind.OTHER)
    ColumnFactory(code="ghjh", name="规划计划", parent=root)
    reports = ColumnFactory(code="ndbg", name="年度报告", kind=Column.Kind.ANNUAL_REPORT)
    h.live(actor=coordinator, column=reports, title="2025年政府信息公开工作年度报告")
    html = text(client.get("/xxgk/"))
    for heading in [
        "政府信息公开指南",
        "政府信息公开制度",
        "法定主动公开内容",
        "政府信息公开工作年度报告",
    ]:
        assert re.search(rf"<h2[^>]*>(<a [^>]*>)?{heading}", html), heading
    assert 'href="/xxgk/xxgkzd/"' in html and 'href="/xxgk/ghjh/"' in html
    assert "2025年政府信息公开工作年度报告" in html
    assert 'href="/xxgk/zn/"' not in html  # the guide column is reached through the guide page
    # the single root named 法定主动公开内容 is the heading, not repeated inside its own tree
    assert re.search(
        r'<h2 id="xxgk-fdzdgk"><a href="/xxgk/fdzdgk/">法定主动公开内容</a></h2>', html
    )
    assert html.count("法定主动公开内容") == 1


def test_generated_guide_covers_article_12(client, settings, db):
    settings.GONGKAI_GUIDE = {
        "office": "高新区政务公开办公室",
        "address": "高新区科技路1号",
        "hours": "工作日9:00—17:00",
        "phone": "0756-1234567",
        "fax": "0756-7654321",
        "email": "gk@example.gov.cn",
    }
    ColumnFactory(code="tzgg", name="通知公告栏目")
    html = text(client.get(reverse("portal:guide")))
    for needle in [
        "信息的分类与编排",
        "通知公告栏目",
        "获取方式",
        "高新区政务公开办公室",
        "高新区科技路1号",
        "工作日9:00—17:00",
        "0756-1234567",
        "0756-7654321",
        "gk@example.gov.cn",
        "互联网联系方式",
        'href="/ysqgk/"',
        "20个工作日",
    ]:
        assert needle in html, needle


def test_published_guide_item_replaces_the_generated_guide(client, coordinator):
    guides = ColumnFactory(code="zn", kind=Column.Kind.GUIDE)
    h.live(actor=coordinator, column=guides, title="2026年版政府信息公开指南")
    h.draft(actor=coordinator, column=guides, title="2027年版指南（草稿）")
    html = text(client.get(reverse("portal:guide")))
    assert "2026年版政府信息公开指南" in html
    assert "2027年版指南" not in html and "信息的分类与编排" not in html


def test_abolished_page_lists_abolished_and_expired_documents(client, coordinator):
    policies = ColumnFactory(code="zcwj", kind=Column.Kind.POLICY)
    old = h.live(actor=coordinator, column=policies, title="已废止的办法")
    ended = h.live(actor=coordinator, column=policies, title="已失效的通知")
    h.live(actor=coordinator, column=policies, title="现行有效的办法")
    gone = h.withdrawn(actor=coordinator, column=policies, title="撤回的废止文件")
    for item, validity in [
        (old, Validity.ABOLISHED),
        (ended, Validity.EXPIRED),
        (gone, Validity.ABOLISHED),
    ]:
        h.mark_validity(item, validity, dt.date(2026, 9, 28))
    html = text(client.get(reverse("portal:abolished")))
    assert "已废止的办法" in html and "已失效的通知" in html
    assert "现行有效的办法" not in html and "撤回的废止文件" not in html
    assert "2026年9月28日" in html


def test_footer_shows_the_owner_and_contact(client, settings, db):
    settings.SITE_OWNER = "某某区人民政府办公室"
    settings.GONGKAI_GUIDE = {"phone": "0756-1112222", "address": "某某路8号"}
    settings.GONGKAI_PORTAL_FOOTER = {"site_code": "4404000001"}
    html = text(client.get("/"))
    footer = html[html.index("<footer") :]
    assert "主办单位：某某区人民政府办公室" in footer
    assert "0756-1112222" in footer and "某某路8号" in footer and "4404000001" in footer


def test_portal_pages_refuse_post(client, db):
    assert client.post("/").status_code == 405
    assert client.post("/xxgk/").status_code == 405


def test_main_navigation_marks_the_current_section(client, db):
    home = text(client.get("/"))
    assert 'href="/" aria-current="page"' in home
    column = ColumnFactory(code="tzgg")
    assert 'href="/xxgk/" aria-current="true"' in text(client.get(f"/xxgk/{column.code}/"))
    assert 'href="/xxgk/" aria-current="page"' in text(client.get("/xxgk/"))
    guide = reverse("portal:guide")
    assert f'href="{guide}" aria-current="page"' in text(client.get(guide))
    # pages of other modules that extend portal/base.html never mark the portal's guide
    response = client.get("/ysqgk/")
    if response.status_code == 200:
        assert f'href="{guide}" aria-current' not in text(response)
