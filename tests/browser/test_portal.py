"""The public portal in a real browser: accessible (axe-core: no serious or critical findings),
usable on a phone (no horizontal scrolling at 390 px), no CSP violations."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.models import Column, Validity
from gongkai.catalog.tests.factories import ColumnFactory
from gongkai.portal.tests import helpers as h
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "关于印发《高新区进一步深化政务公开标准化规范化建设推进基层政务公开全覆盖工作实施方案（2026—2028年）》的通知"


@pytest.fixture
def site(coordinator, settings, tmp_path):
    """A small portal: columns of every home kind, a policy abolished by a newer one, with an
    interpretation, an attachment and a revision note; a withdrawn and a removed item."""
    settings.MEDIA_ROOT = tmp_path
    settings.GONGKAI_GUIDE = {
        "address": "高新区科技路1号",
        "phone": "0756-1234567",
        "fax": "0756-7654321",
        "email": "gk@example.gov.cn",
    }
    root = ColumnFactory(
        code="fdzdgk", name="法定主动公开内容", kind=Column.Kind.OTHER, sort_order=1
    )
    notices = ColumnFactory(code="tzgg", name="通知公告", kind=Column.Kind.NOTICE, parent=root)
    ColumnFactory(code="gzdt", name="工作动态", kind=Column.Kind.NEWS, parent=root)
    policies = ColumnFactory(code="zcwj", name="政策文件", kind=Column.Kind.POLICY, parent=root)
    ColumnFactory(code="gfxwj", name="规范性文件", kind=Column.Kind.POLICY, parent=policies)
    readings = ColumnFactory(
        code="zcjd", name="政策解读", kind=Column.Kind.INTERPRETATION, parent=root
    )
    ColumnFactory(code="ndbg", name="年度报告", kind=Column.Kind.ANNUAL_REPORT)

    h.live(actor=coordinator, column=notices, title=LONG_TITLE)
    new = h.live(actor=coordinator, column=policies, title="高新区政务公开管理办法（2026年修订）")
    old = h.draft(
        actor=coordinator,
        column=policies,
        title="高新区政务公开管理办法",
        written_date=dt.date(2026, 1, 5),
        doc_number="高新办〔2026〕1号",
        subject="综合政务",
        body="<p>第一条 为了规范政务公开工作……</p><table><tr><th>公开事项</th><th>公开时限</th>"
        "<th>公开依据</th><th>公开主体</th><th>公开渠道和载体</th><th>公开对象</th><th>公开方式</th>"
        "<th>公开层级</th></tr><tr><td>MORE-THAN-A-PHONE-WIDE-UNBROKEN-TOKEN-IN-A-CELL</td></tr></table>",
    )
    h.attach(actor=coordinator, item=old, name="高新区政务公开管理办法（全文）.pdf")
    from gongkai.catalog.services import item_approve, item_submit

    old = item_approve(
        actor=coordinator, item=item_submit(actor=coordinator, item=old), publish=True
    )
    old = h.republish(actor=coordinator, item=old, change_note="更正第三条中的联系电话")
    h.mark_validity(old, Validity.ABOLISHED, dt.date(2026, 9, 28), replaced_by=new)
    reading = h.live(
        actor=coordinator, column=readings, title="《高新区政务公开管理办法》解读", interprets=old
    )
    withdrawn = h.withdrawn(
        actor=coordinator, column=notices, title="已撤回的通知", explanation="内容已更新"
    )
    removed = h.withdrawn(
        actor=coordinator, column=notices, title="已撤下的通知", remove=True, explanation="误发"
    )
    return {
        "home": "/",
        "xxgk": "/xxgk/",
        "column": "/xxgk/tzgg/",
        "policy_column": "/xxgk/zcwj/",
        "abolished_item": f"/xxgk/item/{old.pk}/",
        "interpretation": f"/xxgk/item/{reading.pk}/",
        "withdrawn": f"/xxgk/item/{withdrawn.pk}/",
        "removed": f"/xxgk/item/{removed.pk}/",
        "guide": "/xxgk/guide/",
        "abolished": "/xxgk/abolished/",
        "api_docs": "/api/v1/docs",
    }


PAGES = [
    "home",
    "xxgk",
    "column",
    "policy_column",
    "abolished_item",
    "interpretation",
    "withdrawn",
    "removed",
    "guide",
    "abolished",
    "api_docs",
]


def test_portal_pages_pass_axe(page, live_server, site):
    csp_errors = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    found = {}
    for name in PAGES:
        page.goto(live_server.url + site[name])
        assert page.locator("h1").count() == 1, name
        violations = axe_violations(page)
        if violations:
            found[name] = [(v["id"], v["impact"], len(v["nodes"])) for v in violations]
    assert found == {}
    assert csp_errors == []


def test_portal_pages_fit_a_phone(phone_page, live_server, site):
    too_wide = {}
    for name in PAGES:
        phone_page.goto(live_server.url + site[name])
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[name] = width
    assert too_wide == {}


def test_abolished_document_shows_a_prominent_banner(page, live_server, site):
    page.goto(live_server.url + site["abolished_item"])
    banner = page.get_by_role("alert")
    assert banner.is_visible()
    assert "本文件已于2026年9月28日废止" in banner.inner_text()
    banner.get_by_role("link", name="高新区政务公开管理办法（2026年修订）").click()
    page.wait_for_url("**/xxgk/item/*/")
    assert page.locator("h1").inner_text() == "高新区政务公开管理办法（2026年修订）"
    assert page.get_by_role("alert").count() == 0


def test_a_visitor_reaches_an_item_from_the_home_page(page, live_server, site):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="政策文件", exact=True).first.click()
    page.get_by_role("link", name="高新区政务公开管理办法", exact=True).click()
    assert page.locator("h1").inner_text() == "高新区政务公开管理办法"
    assert page.get_by_role("link", name="《高新区政务公开管理办法》解读").is_visible()
    assert "本文于" in page.locator(".doc-changes").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="高新区政务公开管理办法（全文）.pdf").click()
    assert download.value.suggested_filename == "高新区政务公开管理办法（全文）.pdf"


def test_removed_item_answers_410(page, live_server, site):
    response = page.goto(live_server.url + site["removed"])
    assert response.status == 410
    assert "误发" in page.locator("main").inner_text()
