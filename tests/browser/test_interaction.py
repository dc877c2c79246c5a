"""互动交流 end to end in a real browser.

1. A citizen on a phone writes to the 区长信箱 → the coordinator routes it to unit A → unit A's
   liaison signs for it and drafts the reply → unit A's reviewer approves → the reply is public
   (受理日期, 答复日期, 答复部门, 答复内容; no name or phone) and the citizen rates it.
2. An error report from a page's footer link (prefilled with the page URL) reaches the unit that
   owns the page.
3. A consultation collects a clause comment, which is moderated, and publishes its feedback.

axe-core finds no serious or critical problem on the public pages; they fit a phone's width.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from gongkai.catalog.tests.factories import published_item
from gongkai.interaction.models import Consultation, ErrorReport, Message
from gongkai.interaction.services import consultations as cs
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import UnitFactory, user_with_role
from tests.browser.conftest import axe_violations
from tests.browser.test_plan_cycle import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "刘晓东"
PHONE = "13700137000"


@pytest.fixture(autouse=True)
def public_settings(monkeypatch, settings, tmp_path):
    import captcha.conf.settings as captcha_settings

    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()


def fits_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture
def people(db):
    unit = UnitFactory(name="高新区住房和城乡建设局", short_name="住建局")
    return {
        "unit": unit,
        "coordinator": user_with_role(Role.COORDINATOR, username="coord_hd"),
        "liaison": user_with_role(Role.LIAISON, unit=unit, username="liaison_hd"),
        "reviewer": user_with_role(Role.REVIEWER, unit=unit, username="reviewer_hd"),
    }


def test_message_from_phone_to_published_reply_and_rating(browser, phone_page, live_server, people):
    base = live_server.url
    page = phone_page
    page.goto(base + "/hdjl/")
    assert fits_phone(page) and axe_violations(page) == [], "index"
    page.get_by_role("link", name="我要留言").first.click()
    page.wait_for_url("**/hdjl/write/")
    assert fits_phone(page) and axe_violations(page) == [], "form"
    # nothing filled: Chinese errors, nothing stored
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_selector("#form-errors")
    assert "请填写标题" in page.content() and Message.objects.count() == 0
    assert axe_violations(page) == [], "form with errors"
    page.get_by_label("投诉", exact=True).check()
    page.get_by_label("区长信箱", exact=True).check()
    page.get_by_label("标题").fill("小区旁工地夜间施工扰民")
    page.get_by_label("留言内容").fill(
        f"我是{NAME}，家住附近，工地每晚十一点后还在施工，电话{PHONE}。"
    )
    page.locator("#id_name").fill(NAME)
    page.locator("#id_phone").fill(PHONE)
    page.get_by_label("同意公开", exact=False).check()
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url("**/hdjl/write/done/")
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"LY[0-9A-Z]{10}", code)
    assert fits_phone(page) and axe_violations(page) == [], "done"
    message = Message.objects.get()

    coordinator = sign_in(browser, base, "coord_hd")
    coordinator.goto(base + f"/workbench/interaction/messages/{message.pk}/")
    coordinator.get_by_label(people["unit"].name).check()
    coordinator.get_by_role("button", name="分办", exact=True).click()
    coordinator.wait_for_selector("text=已分办")

    liaison = sign_in(browser, base, "liaison_hd")
    liaison.goto(base + "/workbench/")
    liaison.get_by_role("link", name=f"留言 {code}").first.click()
    liaison.get_by_role("button", name="签收").click()
    liaison.wait_for_selector("text=已签收")
    liaison.get_by_label("答复内容").fill(f"{NAME}您好：经核查，已责令施工单位停止夜间施工。")
    liaison.get_by_role("button", name="提交审核").click()
    liaison.wait_for_selector("text=答复已提交审核")

    reviewer = sign_in(browser, base, "reviewer_hd")
    reviewer.goto(base + f"/workbench/interaction/messages/{message.pk}/")
    reviewer.get_by_role("button", name="审核通过并答复").click()
    reviewer.wait_for_selector("text=答复已审核通过")

    page.goto(base + "/hdjl/messages/")
    page.get_by_role("link", name="小区旁工地夜间施工扰民").click()
    body = page.locator("main").inner_text()
    for label in (
        "受理日期",
        "答复日期",
        "答复部门",
        "答复内容",
        people["unit"].name,
        "停止夜间施工",
    ):
        assert label in body
    assert NAME not in page.content() and PHONE not in page.content()
    assert fits_phone(page) and axe_violations(page) == [], "message page"

    page.goto(base + "/hdjl/lookup/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("留言时填写的联系电话").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    assert page.locator("#message-status").inner_text() == "已答复"
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=您的评价：满意")
    assert axe_violations(page) == [], "lookup"
    message.refresh_from_db()
    assert message.satisfaction == "satisfied"
    page.goto(base + "/hdjl/statistics/")
    assert axe_violations(page) == [], "statistics"


def test_error_report_from_footer_reaches_owning_unit(browser, page, live_server, people):
    base = live_server.url
    item = published_item(unit=people["unit"], title="关于住房公积金的通知")
    item_url = base + f"/xxgk/item/{item.pk}/"
    page.goto(item_url)
    # The footer link "我为政府网站找错" (data-error-report, with hdjl-error-link.js) opens the
    # form with this page's URL and the selected text. Added here as the portal will add it.
    page.evaluate(
        """() => {
        const a = document.createElement("a");
        a.href = "/hdjl/jiucuo/"; a.dataset.errorReport = ""; a.textContent = "我为政府网站找错";
        document.querySelector("footer").appendChild(a);
        const s = document.createElement("script");
        s.src = "/static/gongkai/js/hdjl-error-link.js"; document.body.appendChild(s);
        return new Promise(resolve => { s.onload = resolve; });
    }"""
    )
    page.evaluate(
        """() => { const h = document.querySelector("main h1"); const r = document.createRange();
        r.selectNodeContents(h); const sel = window.getSelection(); sel.removeAllRanges();
        sel.addRange(r); }"""
    )
    page.get_by_role("link", name="我为政府网站找错").click()
    page.wait_for_url("**/hdjl/jiucuo/**")
    assert page.get_by_label("出错页面地址").input_value() == item_url
    assert "公积金" in page.get_by_label("出错的文字").input_value()
    assert axe_violations(page) == [], "error form"
    page.get_by_label("错别字", exact=True).check()
    page.get_by_label("问题描述").fill("标题中“公积金”写成了“公基金”")
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_selector("text=感谢您的纠错")
    report = ErrorReport.objects.get()
    assert report.unit == people["unit"]
    liaison = sign_in(browser, base, "liaison_hd")
    liaison.goto(base + "/workbench/interaction/errors/")
    liaison.get_by_role("link", name=report.tracking_code).click()
    liaison.get_by_label("说明").fill("已更正")
    liaison.get_by_role("button", name="保存").click()
    assert liaison.locator("#error-status").inner_text() == "已修改"


def test_consultation_clause_comment_and_feedback(browser, phone_page, live_server, people):
    base = live_server.url
    today = timezone.localdate()
    c = cs.consultation_create(
        actor=people["liaison"],
        unit=people["unit"],
        title="老旧小区改造实施办法（征求意见稿）",
        explanation="起草说明：为推进老旧小区改造。",
        clauses_text="第一条 改造范围为2000年前建成的小区。\n第二条 居民出资比例不超过10%。",
        start_date=today,
        end_date=today + dt.timedelta(days=30),
    )
    cs.consultation_publish(actor=people["reviewer"], consultation=c)
    page = phone_page
    page.goto(base + f"/hdjl/yjzj/{c.pk}/")
    assert fits_phone(page) and axe_violations(page) == [], "consultation"
    page.get_by_label("针对").select_option(label="第2条")
    page.get_by_label("您的意见").fill("建议出资比例降至5%。")
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_selector("text=感谢您的意见")

    liaison = sign_in(browser, base, "liaison_hd")
    liaison.goto(base + f"/workbench/interaction/consultations/{c.pk}/")
    liaison.get_by_role("button", name="公开", exact=True).click()
    liaison.wait_for_selector("text=已公开")
    cs.consultations_close_due(today + dt.timedelta(days=31))
    liaison.reload()
    liaison.get_by_label("采纳情况").select_option(label="部分采纳")
    liaison.get_by_label("理由").fill("调整为不超过8%。")
    liaison.get_by_role("button", name="保存").click()
    reviewer = sign_in(browser, base, "reviewer_hd")
    reviewer.goto(base + f"/workbench/interaction/consultations/{c.pk}/")
    reviewer.get_by_label("采纳情况说明").fill("共收到意见1条，部分采纳1条。")
    reviewer.get_by_role("button", name="发布反馈").click()
    assert Consultation.objects.get(pk=c.pk).status == "feedback"

    page.goto(base + f"/hdjl/yjzj/{c.pk}/")
    text = page.locator("main").inner_text()
    assert "意见采纳情况" in text and "部分采纳" in text and "共收到意见1条" in text
    assert axe_violations(page) == [], "consultation with feedback"
