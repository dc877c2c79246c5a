"""Public pages of /hdjl/: the message form (captcha, rate limits, bad input), lookup, rating,
follow-up, the list with filters, the message page, statistics, error reports, consultations,
feeds — and a crawl of every public page, feed and API answer that finds no submitter's
particulars."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.catalog.tests.factories import published_item
from gongkai.interaction.models import ErrorReport, Message, MessageStatus
from gongkai.interaction.services import consultations as cs
from gongkai.interaction.services import messages as svc

from .factories import EMAIL, NAME, PHONE, message, replied

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, monkeypatch):
    import captcha.conf.settings as captcha_settings

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    from django.core.cache import cache

    cache.clear()


def form(**over):
    data = {
        "kind": "consult",
        "mailbox": "leader",
        "title": "路灯坏了找谁维修",
        "content": "我们小区门口的路灯坏了一周了，请问应该找哪个部门？",
        "name": NAME,
        "phone": PHONE,
        "email": EMAIL,
        "consent_public": "on",
        "captcha_0": "key",
        "captcha_1": "PASSED",
    }
    data.update(over)
    return data


def test_write_shows_code_once(client, coordinator):
    page = client.get(reverse("interaction:write")).content.decode()
    assert 'name="captcha_1"' in page and "同意公开" in page
    r = client.post(reverse("interaction:write"), form())
    assert r.status_code == 302
    m = Message.objects.get()
    done = client.get(r["Location"]).content.decode()
    assert m.tracking_code in done
    assert m.tracking_code not in client.get(r["Location"]).content.decode()


@pytest.mark.parametrize(
    "over,text",
    [
        ({"title": "", "content": ""}, "请填写标题"),
        ({"content": "x" * 5001}, "留言内容最多5000个字"),
        ({"content": "<script>alert(1)</script>看看这个问题的内容"}, "不能包含脚本"),
        ({"phone": "abc"}, "联系电话格式不正确"),
        ({"captcha_1": "WRONG"}, "验证码不正确"),
        ({"mailbox": "unit"}, "请选择收信单位"),
    ],
)
def test_bad_input_chinese_errors_nothing_saved(client, over, text):
    r = client.post(reverse("interaction:write"), form(**over))
    assert r.status_code == 200 and text in r.content.decode()
    assert not Message.objects.exists()


def test_unsupported_attachment_refused(client):
    exe = SimpleUploadedFile("a.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    r = client.post(reverse("interaction:write"), form(attachments=exe))
    assert "类型不被接受" in r.content.decode() and not Message.objects.exists()


def test_rate_limit(client, settings):
    settings.INTERACTION_RATE_LIMITS = {"message": [(2, 600)]}
    for _ in range(2):
        assert client.post(reverse("interaction:write"), form()).status_code == 302
    r = client.post(reverse("interaction:write"), form())
    assert r.status_code == 429 and "操作过于频繁" in r.content.decode() and r["Retry-After"]
    assert Message.objects.count() == 2


def test_lookup_rate_and_follow_up(client, unit_a, liaison_a, reviewer_a):
    m = replied(message(unit=unit_a), unit=unit_a, liaison=liaison_a, reviewer=reviewer_a)
    url = reverse("interaction:lookup")
    r = client.post(
        url, {"action": "lookup", "tracking_code": m.tracking_code, "phone": "13800000000"}
    )
    assert "查询码或联系电话不正确" in r.content.decode()
    client.post(url, {"action": "lookup", "tracking_code": m.tracking_code, "phone": PHONE})
    page = client.get(url).content.decode()
    assert "已安排维修" in page and "您对答复是否满意" in page
    client.post(url, {"action": "rate", "satisfaction": "satisfied"})
    m.refresh_from_db()
    assert m.satisfaction == "satisfied"
    client.post(url, {"action": "follow_up", "text": "请问几号维修？"})
    m.refresh_from_db()
    assert m.follow_up and m.status == MessageStatus.PROCESSING


def test_list_filters_and_detail_show_the_four_fields(
    client, unit_a, unit_b, liaison_a, reviewer_a
):
    m = replied(
        message(unit=unit_a, kind="help"), unit=unit_a, liaison=liaison_a, reviewer=reviewer_a
    )
    message(unit=unit_b)  # not answered: not listed
    lst = client.get(reverse("interaction:message_list")).content.decode()
    assert m.public_title in lst
    assert (
        m.public_title
        not in client.get(reverse("interaction:message_list"), {"kind": "consult"}).content.decode()
    )
    assert (
        m.public_title
        in client.get(
            reverse("interaction:message_list"), {"unit": unit_a.pk, "q": "路灯"}
        ).content.decode()
    )
    assert (
        m.public_title
        not in client.get(reverse("interaction:message_list"), {"unit": unit_b.pk}).content.decode()
    )
    detail = client.get(reverse("interaction:message_detail", args=[m.pk])).content.decode()
    for label in ("受理日期", "答复日期", "答复部门", "答复内容", unit_a.name, "已安排维修"):
        assert label in detail
    unpublished = message(unit=unit_b)
    assert (
        client.get(reverse("interaction:message_detail", args=[unpublished.pk])).status_code == 404
    )


def test_statistics_page_has_chart_and_table(client, unit_a, liaison_a, reviewer_a):
    replied(message(unit=unit_a), unit=unit_a, liaison=liaison_a, reviewer=reviewer_a)
    page = client.get(reverse("interaction:statistics")).content.decode()
    assert "echarts.min.js" in page and 'id="hdjl-chart-data"' in page and "平均答复用时" in page


def test_error_report_prefilled_and_routed_to_item_unit(client, unit_a, liaison_a):
    item = published_item(unit=unit_a)
    page_url = f"http://testserver/xxgk/item/{item.pk}/"
    r = client.get(reverse("interaction:error_report"), {"url": page_url, "text": "错别子"})
    page = r.content.decode()
    assert page_url in page and "错别子" in page
    r = client.post(
        reverse("interaction:error_report"),
        {
            "url": page_url,
            "selected_text": "错别子",
            "kind": "typo",
            "description": "错别子应为错别字",
            "captcha_0": "k",
            "captcha_1": "PASSED",
        },
    )
    assert "感谢您的纠错" in r.content.decode()
    report = ErrorReport.objects.get()
    assert report.unit == unit_a and report.due_date
    shell = client.post(
        reverse("interaction:error_report"),
        {
            "url": "/xxgk/",
            "kind": "link",
            "description": "链接打不开",
            "captcha_0": "k",
            "captcha_1": "PASSED",
        },
    )
    assert shell.status_code == 200 and ErrorReport.objects.filter(unit__isnull=True).count() == 1


def test_error_report_bad_input(client):
    r = client.post(
        reverse("interaction:error_report"),
        {"url": "", "kind": "", "description": "", "captcha_0": "k", "captcha_1": "PASSED"},
    )
    page = r.content.decode()
    assert (
        "请填写出错页面地址" in page
        and "请选择错误类型" in page
        and not ErrorReport.objects.exists()
    )


def _consultation(unit, actor, reviewer, *, start=None, end=None):
    today = dt.date.today()
    c = cs.consultation_create(
        actor=actor,
        unit=unit,
        title="关于加强小区停车管理的办法（征求意见稿）",
        explanation="为规范停车秩序，起草本办法。",
        clauses_text="第一条 总则。\n第二条 停车收费标准。",
        start_date=start or today,
        end_date=end or today + dt.timedelta(days=30),
    )
    return cs.consultation_publish(actor=reviewer, consultation=c)


def test_consultation_comment_on_clause(client, unit_a, liaison_a, reviewer_a):
    c = _consultation(unit_a, liaison_a, reviewer_a)
    page = client.get(reverse("interaction:consultation", args=[c.pk])).content.decode()
    assert "第2条" in page and "停车收费标准" in page
    clause = c.clauses.get(number=2)
    r = client.post(
        reverse("interaction:consultation", args=[c.pk]),
        {
            "clause": clause.pk,
            "text": f"收费太高。联系人：{NAME} {PHONE}",
            "contact": EMAIL,
            "captcha_0": "k",
            "captcha_1": "PASSED",
        },
    )
    assert r.status_code == 302
    cm = c.comments.get()
    assert cm.clause == clause
    assert (
        "收费太高"
        not in client.get(reverse("interaction:consultation", args=[c.pk])).content.decode()
    )
    cs.comment_moderate(actor=liaison_a, comment=cm, approve=True)
    page = client.get(reverse("interaction:consultation", args=[c.pk])).content.decode()
    assert "收费太高" in page and PHONE not in page and NAME not in page


def _crawl_text(client) -> str:
    urls = [
        reverse("interaction:index"),
        reverse("interaction:message_list"),
        reverse("interaction:messages_feed"),
        reverse("interaction:consultations"),
        reverse("interaction:consultations_feed"),
        reverse("interaction:statistics"),
        "/api/v1/messages",
        "/api/v1/messages/statistics",
        "/api/v1/consultations",
    ]
    seen, out = set(), []
    while urls:
        url = urls.pop()
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        assert r.status_code == 200, url
        text = r.content.decode()
        out.append(text)
        for link in re.findall(r'(?:href="|"url": ")(/(?:hdjl|api/v1)/[^"?#]*)', text):
            if (
                "rss" not in link
                and "write" not in link
                and "jiucuo" not in link
                and "lookup" not in link
            ):
                urls.append(link)
    return "\n".join(out)


def test_crawl_of_public_pages_feeds_and_api_finds_no_personal_data(
    client, unit_a, liaison_a, reviewer_a
):
    m = message(
        unit=unit_a,
        title=f"{NAME}反映路灯问题",
        content=f"本人{NAME}，手机{PHONE}，邮箱{EMAIL}，路灯坏了。",
    )
    m = replied(
        m,
        unit=unit_a,
        liaison=liaison_a,
        reviewer=reviewer_a,
        text=f"{NAME}您好：已修复，如有问题请回电{PHONE}。",
    )
    svc.message_rate(message=m, satisfaction="basic")
    c = _consultation(unit_a, liaison_a, reviewer_a)
    cm = cs.comment_submit(consultation=c, text=f"建议修改，联系{PHONE}", contact=EMAIL)
    cs.comment_moderate(actor=liaison_a, comment=cm, approve=True)
    text = _crawl_text(client)
    assert m.public_title in text and "/hdjl/messages/" in text
    for secret in (NAME, PHONE, EMAIL, "wangxm"):
        assert secret not in text, secret
