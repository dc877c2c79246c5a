"""Repeated requests by the same applicant; similar requests by several applicants (Art. 44)."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.models import Item, ItemStatus
from gongkai.catalog.tests.factories import ColumnFactory
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.foi import similarity
from gongkai.foi.models import Event
from gongkai.foi.services import proactive, replies
from gongkai.foi.tests.factories import application

BUDGET = "2025年度本区财政预算执行情况的报告"
BUDGET_VARIANT = "请公开：《二〇二五年 本区财政预算执行情况 的报告》。"
OTHER = "高新区某小区规划许可证及总平面图"


def test_normalize_width_punctuation_brackets_whitespace_years():
    assert similarity.normalize("２０２５年度《预算》，　报告！") == "2025年预算报告"
    assert similarity.normalize("二〇二五年度 财政 预算") == "2025年财政预算"
    assert similarity.normalize("ＡＢＣ（一）") == "abc一"
    assert similarity.normalize(BUDGET) == similarity.normalize("2025年本区财政预算执行情况的报告")


def test_words_keep_two_character_terms_and_drop_stop_words():
    ws = similarity.words("请提供低保资金发放情况")
    assert "低保" in ws and "资金" in ws
    assert not ws & {"请", "提供", "情况"}


def test_scores():
    assert similarity.score(BUDGET, "２０２５年度，本区财政预算执行情况的报告。") == 1.0
    assert similarity.score(BUDGET, BUDGET_VARIANT) >= 0.6
    assert similarity.score(BUDGET, OTHER) < 0.2
    a, b = similarity.words(BUDGET), similarity.words(BUDGET_VARIANT)
    assert 0 < similarity.jaccard(a, b) <= similarity.cosine(a, b) <= 1
    assert similarity.cosine_counts(BUDGET, BUDGET) == pytest.approx(1.0)


OTHER_PERSON = {"id_type": "passport", "id_number": "E11223344", "applicant_name": "李四"}
THIRD_PERSON = {"id_type": "passport", "id_number": "E55667788", "applicant_name": "王五"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_repeat_by_the_same_applicant_is_flagged_once_answered(unit_a, liaison_a, reviewer_a):
    first = application(received=dt.date(2026, 10, 8), unit=unit_a, description=BUDGET)
    second = application(received=dt.date(2026, 11, 2), unit=unit_a, description=BUDGET_VARIANT)
    report = similarity.find_similar(second)
    assert [m.application.pk for m in report.repeats] == [first.pk]
    assert not report.is_repeat  # the first is not answered yet
    assert report.repeats[0].label == "同一申请人的相同申请正在办理"

    replies.reply_approve(
        actor=reviewer_a, letter=replies.reply_draft(actor=liaison_a, app=first, result="disclose")
    )
    first.refresh_from_db()
    report = similarity.find_similar(second)
    assert report.is_repeat
    assert report.answered_repeats[0].application.pk == first.pk
    assert report.answered_repeats[0].label.startswith("重复申请")
    assert report.similar == []
    # the earlier one is not a repeat of the later one
    assert not similarity.find_similar(first).is_repeat
    # queue flags
    flags = similarity.repeat_flags([first, second])
    assert list(flags) == [second.pk]
    assert flags[second.pk][0].application.pk == first.pk


@pytest.mark.django_db
def test_unrelated_request_by_the_same_applicant_is_not_a_repeat(unit_a, liaison_a, reviewer_a):
    first = application(received=dt.date(2026, 10, 8), unit=unit_a, description=BUDGET)
    replies.reply_approve(
        actor=reviewer_a, letter=replies.reply_draft(actor=liaison_a, app=first, result="disclose")
    )
    other = application(received=dt.date(2026, 11, 2), unit=unit_a, description=OTHER)
    report = similarity.find_similar(other)
    assert report.repeats == [] and not report.is_repeat
    assert similarity.repeat_flags([other]) == {}


@pytest.mark.django_db
def test_different_applicants_asking_the_same_are_grouped(unit_a, unit_b):
    a = application(received=dt.date(2026, 11, 2), unit=unit_a, description=BUDGET)
    b = application(
        received=dt.date(2026, 11, 3), unit=unit_a, description=BUDGET_VARIANT, **OTHER_PERSON
    )
    c = application(
        received=dt.date(2026, 11, 4),
        unit=unit_a,
        description="本区2025年财政预算执行情况报告",
        **THIRD_PERSON,
    )
    application(received=dt.date(2026, 11, 4), unit=unit_a, description=OTHER, **THIRD_PERSON)
    elsewhere = application(
        received=dt.date(2026, 11, 4), unit=unit_b, description=BUDGET, **THIRD_PERSON
    )
    report = similarity.find_similar(a)
    assert {m.application.pk for m in report.similar} == {b.pk, c.pk}
    assert elsewhere.pk not in {m.application.pk for m in report.similar}
    assert report.applicants == 3 and report.suggest_proactive
    assert [x.pk for x in report.group] == [a.pk, b.pk, c.pk]
    assert "财政预算" in report.shared_words and "执行" in report.shared_words
    alone = similarity.find_similar(
        application(
            received=dt.date(2026, 11, 5), unit=unit_a, description="本区2026年道路绿化养护合同"
        )
    )
    assert not alone.suggest_proactive


@pytest.mark.django_db
def test_proactive_suggestion_creates_a_catalog_draft_without_personal_data(
    unit_a, liaison_a, liaison_b
):
    column = ColumnFactory(name="财政预决算", units=[unit_a])
    a = application(received=dt.date(2026, 11, 2), unit=unit_a, description=BUDGET)
    b = application(
        received=dt.date(2026, 11, 3), unit=unit_a, description=BUDGET_VARIANT, **OTHER_PERSON
    )
    group = similarity.find_similar(a).group
    with pytest.raises(PermissionDenied):
        proactive.suggest_proactive(actor=liaison_b, apps=group, column=column)
    item = proactive.suggest_proactive(actor=liaison_a, apps=group, column=column)
    item = Item.objects.get(pk=item.pk)
    assert item.status == ItemStatus.DRAFT and item.unit == unit_a and item.column == column
    assert "第四十四条" in item.summary
    assert a.tracking_code in item.summary and b.tracking_code in item.summary
    for personal in ("张三", "李四", "13800138000", "E11223344", "某市某区某路1号"):
        assert personal not in item.summary and personal not in item.title
    assert "财政预算" in item.title
    for app in (a, b):
        note = app.events.get(kind=Event.Kind.NOTE)
        assert note.data["proactive_item"] == item.pk and not note.public


@pytest.mark.django_db
def test_proactive_refuses_mixed_units(unit_a, unit_b, coordinator):
    column = ColumnFactory()
    a = application(received=dt.date(2026, 11, 2), unit=unit_a, description=BUDGET)
    b = application(received=dt.date(2026, 11, 3), unit=unit_b, description=BUDGET, **OTHER_PERSON)
    with pytest.raises(ValidationFailed):
        proactive.suggest_proactive(actor=coordinator, apps=[a, b], column=column)


@pytest.mark.django_db
def test_similar_card_and_proactive_pages(client, login, settings, unit_a, liaison_a):
    from gongkai.foi.tests.test_replies import URLCONF

    settings.ROOT_URLCONF = URLCONF
    column = ColumnFactory(name="财政预决算", units=[unit_a])
    a = application(received=dt.date(2026, 11, 2), unit=unit_a, description=BUDGET)
    application(
        received=dt.date(2026, 11, 3), unit=unit_a, description=BUDGET_VARIANT, **OTHER_PERSON
    )
    login(liaison_a)
    page = client.get(f"/workbench/foi/{a.pk}/reply/similar/").content.decode()
    assert "相似申请" in page and "第四十四条" in page and "建议转为主动公开" in page
    assert "李四" not in page
    assert client.get(f"/workbench/foi/{a.pk}/reply/proactive/").status_code == 200
    response = client.post(
        f"/workbench/foi/{a.pk}/reply/proactive/", {"column": column.pk, "title": ""}
    )
    assert response.status_code == 302
    assert Item.objects.filter(column=column, unit=unit_a, status=ItemStatus.DRAFT).count() == 1
