"""Searching published items, on the database of the run. Run the suite on SQLite and on
PostgreSQL: the expected id lists here are the same for both, so passing twice means both
databases give the same results."""

from __future__ import annotations

import pytest

from gongkai.catalog.models import Item, Validity
from gongkai.catalog.services.items import item_revise, item_withdraw
from gongkai.search import receivers, services
from gongkai.search.backends import Filters, Request, get_backend
from gongkai.search.models import Scope, SearchDocument
from gongkai.search.query import parse
from gongkai.search.selectors import SearchParams, search_params, search_public

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["read at once", "tier by tier"])
def ranking(request, monkeypatch):
    """Both ways of ranking (all results read at once when they are few, or a query per tier)
    must give the same pages."""
    from gongkai.search.backends import base

    if request.param == "tier by tier":
        monkeypatch.setattr(base, "FEW", 0)
    return request.param


def titles(q: str, **params) -> list[str]:
    page = search_public(SearchParams(q=q, **params))
    assert not page.error, page.error
    return [item.title for item in page.items]


def total(q: str, **params) -> int:
    return search_public(SearchParams(q=q, **params)).total


# --- what is found -----------------------------------------------------------------------------


def test_two_character_words_are_found(publish):
    publish("城乡低保标准调整", "自七月起提高城乡低保标准。")
    publish("全面推行河长制工作方案", "落实河长制，各级河长履职。")
    publish("产业扶贫项目公示", "扶贫资金使用情况。")
    publish("关于深化政务公开的意见", "推进双随机一公开监管。")
    assert titles("低保") == ["城乡低保标准调整"]
    assert titles("河长") == ["全面推行河长制工作方案"]
    assert titles("扶贫") == ["产业扶贫项目公示"]
    assert set(titles("公开")) == {"关于深化政务公开的意见"}
    assert titles("随机") == ["关于深化政务公开的意见"]  # inside 双随机一公开
    assert titles("放管服") == []


def test_single_characters_of_names_are_found(publish):
    publish("关于表彰欧阳娜娜等同志的决定", "表彰先进。", unit="water")
    assert titles("娜") == ["关于表彰欧阳娜娜等同志的决定"]
    assert titles("欧阳") == ["关于表彰欧阳娜娜等同志的决定"]
    assert titles("水") == ["关于表彰欧阳娜娜等同志的决定"]  # 发布机构 高新区水务局


def test_every_field_is_searched(publish):
    publish("甲", "正文里有防汛抢险。", day=1)
    publish("乙", "", summary="概述里有垃圾分类。", day=2)
    publish("丙", "", doc_number="高新管〔2024〕7号", day=3)
    publish("丁", "", attachment="附件里有老旧小区改造计划表。", day=4)
    item = publish("戊", "", day=5)
    assert titles("防汛抢险") == ["甲"]
    assert titles("垃圾分类") == ["乙"]
    assert titles("高新管") == ["丙"]
    assert titles("老旧小区改造") == ["丁"]
    assert titles(item.index_number) == ["戊"]
    assert titles("水务局") == []
    assert titles("民政局") == ["戊", "丁", "丙", "乙", "甲"]  # 发布机构


def test_phrases(publish):
    publish("甲", "各街道要落实低保政策。", day=1)
    publish("乙", "政策宣传和低保审核。", day=2)
    assert titles('"低保 政策"') == ["甲"]
    assert titles("“落实低保政策”") == ["甲"]
    assert titles("低保 政策") == ["乙", "甲"]
    assert titles('"政策 低保"') == []


def test_exclusion(ranking, publish):
    publish("甲", "低保和扶贫。", day=1)
    publish("乙", "低保审核。", day=2)
    publish("丙", "低保资金专项审计。", day=3)
    assert titles("低保 -扶贫") == ["丙", "乙"]
    assert titles('低保 -"专项 审计"') == ["乙", "甲"]
    assert titles("低保 -扶贫 -审核") == ["丙"]


def test_document_number_is_found_exactly(ranking, publish):
    publish("甲", "", doc_number="珠府办函〔2017〕136号", day=1)
    publish("乙", "", doc_number="珠府办函〔2017〕13号", day=2)
    publish("丙", "", doc_number="珠府办函〔2018〕136号", day=3)
    publish("丁", "正文提到珠府办函〔2017〕136号。", day=4)
    assert titles("珠府办函〔2017〕136号") == ["甲"]
    assert titles("珠府办函[2017]136号") == ["甲"]
    assert titles("珠府办函（2017）136号") == ["甲"]
    assert titles("珠府办函〔2017〕136号 民政局") == ["甲"]
    assert titles("珠府办函〔2019〕1号") == []


def test_filters(ranking, publish, columns, units):
    publish("低保甲", "", column="notice", unit="civil", day=1)
    publish("低保乙", "", column="policy", unit="civil", day=2)
    publish("低保丙", "", column="news", unit="water", day=400)
    Item.objects.filter(title="低保乙").update(validity=Validity.ABOLISHED)
    services.index_item(item_id=Item.objects.get(title="低保乙").pk)
    assert titles("低保", column="zcwj") == ["低保乙"]
    assert titles("低保", unit=units["water"].pk) == ["低保丙"]
    assert titles("低保", year=2026) == ["低保丙"]
    assert titles("低保", year=2025) == ["低保乙", "低保甲"]
    assert titles("低保", validity="abolished") == ["低保乙"]
    assert titles("低保", kind="notice") == ["低保甲"]
    assert titles("低保", kind="policy", validity="in_force") == []
    page = search_public(SearchParams(q="低保", column="tzgg"))
    counts = {f.code: f.count for f in page.facets}
    assert counts == {"tzgg": 1, "zcwj": 1, "gzdt": 1}  # the column filter left out
    assert [f.code for f in page.facets if f.selected] == ["tzgg"]


def test_policy_documents_without_validity_count_as_in_force(publish):
    publish("低保政策甲", "", column="policy", day=1)
    assert titles("低保", validity="in_force") == ["低保政策甲"]


def test_unknown_column_is_a_message(publish):
    publish("低保", "")
    page = search_public(SearchParams(q="低保", column="nosuch"))
    assert page.error and not page.items


# --- order ---------------------------------------------------------------------------------------


def test_relevance_is_title_then_metadata_then_body_then_attachments_then_date(ranking, publish):
    publish("附件新", "", attachment="低保", day=9)
    publish("正文新", "低保", day=8)
    publish("概述新", "", summary="低保", day=7)
    publish("标题旧低保", "", day=1)
    publish("正文旧", "低保", day=2)
    publish("低保标题新", "", day=6)
    assert titles("低保") == ["低保标题新", "标题旧低保", "概述新", "正文新", "正文旧", "附件新"]
    assert titles("低保", sort="date") == [
        "附件新",
        "正文新",
        "概述新",
        "低保标题新",
        "正文旧",
        "标题旧低保",
    ]
    scores = [i.score for i in search_public(SearchParams(q="低保")).items]
    assert scores == [3, 3, 2, 1, 1, 0]


def test_all_words_must_be_in_a_field_for_its_tier(ranking, publish):
    publish("低保审核", "扶贫", day=1)  # 低保 in the title, 扶贫 only in the body
    publish("扶贫低保", "", day=0)
    assert titles("低保 扶贫") == ["扶贫低保", "低保审核"]


def test_ties_are_broken_by_date_then_id(ranking, publish):
    first = publish("低保甲", "", day=3)
    second = publish("低保乙", "", day=3)
    assert second.pk > first.pk
    assert titles("低保") == ["低保乙", "低保甲"]


def test_paging(ranking, publish):
    for n in range(45):
        publish(f"低保第{n:02d}号", "", day=n, index=False)
    services.reindex(scope=Scope.PUBLIC)
    pages = [search_public(SearchParams(q="低保", page=p)) for p in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [45, 45, 45, 45]
    assert [len(p.items) for p in pages] == [20, 20, 5, 0]
    listed = [i.title for p in pages for i in p.items]
    assert listed == [f"低保第{n:02d}号" for n in range(44, -1, -1)]
    assert pages[0].pages == 3 and pages[0].has_next and not pages[0].has_previous


def test_paging_across_tiers(ranking, publish):
    for n in range(15):
        publish(f"低保{n:02d}", "", day=n, index=False)
    for n in range(15):
        publish(f"正文{n:02d}", "低保", day=n, index=False)
    services.reindex(scope=Scope.PUBLIC)
    first = [i.title for i in search_public(SearchParams(q="低保", page=1)).items]
    second = [i.title for i in search_public(SearchParams(q="低保", page=2)).items]
    expected = [f"低保{n:02d}" for n in range(14, -1, -1)] + [
        f"正文{n:02d}" for n in range(14, -1, -1)
    ]
    assert first + second == expected


# --- the same results on both databases ----------------------------------------------------------

CORPUS = [
    # (label, title, body, fields)
    ("a", "关于做好城乡低保工作的通知", "各街道要落实低保政策，做好扶贫工作。", {}),
    ("b", "河长制工作会议召开", "全面推行河长制，河长巡河。", {"summary": "会议部署防汛工作。"}),
    ("c", "双随机一公开抽查结果", "市场监管部门开展双随机一公开检查。", {}),
    (
        "d",
        "2024年部门预决算公开",
        "部门预算和决算公开，三公经费说明。",
        {"doc_number": "高新财〔2024〕3号"},
    ),
    ("e", "低保对象名单公示", "", {"attachment": "低保对象名单：张三、李四，扶贫对象另行公示。"}),
    ("f", "放管服改革工作要点", "深化放管服改革，优化营商环境，推进政务公开。", {}),
    ("g", "防汛工作通知", "做好河道防汛，河长到岗。", {"doc_number": "珠府办函〔2017〕136号"}),
    ("h", "扶贫资金使用情况", "扶贫资金专项审计，低保资金另行公开。", {}),
]
QUERIES = {
    "低保": ["e", "a", "h"],
    "河长": ["b", "g"],
    "扶贫": ["h", "a", "e"],
    "公开": ["d", "c", "h", "f"],
    "工作": ["g", "f", "b", "a"],
    "低保 扶贫": ["h", "a", "e"],
    '"低保 政策"': ["a"],
    "防汛 -会议": ["g"],
    "珠府办函[2017]136号": ["g"],
    "预决算": ["d"],
    "三公经费": ["d"],
    "放管服": ["f"],
    "随机": ["c"],
    "张三": ["e"],
    "公开 -扶贫 -预算": ["c", "f"],
    "政务": ["f"],
    "巡河": ["b"],
    "资金": ["h"],
}


def test_fixed_corpus_gives_the_expected_results(ranking, publish):
    ids = {}
    for day, (label, title, body, fields) in enumerate(CORPUS):
        ids[publish(title, body, day=day, **fields).pk] = label
    for query, expected in QUERIES.items():
        page = search_public(SearchParams(q=query))
        assert [ids[i.id] for i in page.items] == expected, query
        assert page.total == len(expected), query
        by_date = search_public(SearchParams(q=query, sort="date"))
        assert [ids[i.id] for i in by_date.items] == sorted(
            expected, key=lambda label: -[c[0] for c in CORPUS].index(label)
        ), query


# --- withdrawing, revising, reindexing ---------------------------------------------------------


def test_withdrawn_item_disappears_at_once(publish, coordinator):
    item = publish("低保标准调整", "")
    kept = publish("低保审核", "")
    assert total("低保") == 2
    item_withdraw(actor=coordinator, item=item, remove=False, explanation="内容有误")
    receivers.item_unpublished(item_id=item.pk)  # what catalog's item_unpublished signal calls
    assert titles("低保") == ["低保审核"]
    assert total("低保") == 1
    assert not SearchDocument.objects.filter(item=item, scope=Scope.PUBLIC).exists()
    item_withdraw(actor=coordinator, item=kept, remove=True, explanation="已撤下")
    receivers.item_unpublished(item_id=kept.pk)
    assert total("低保") == 0


def test_withdrawn_item_is_not_shown_even_before_the_index_catches_up(publish, coordinator):
    item = publish("低保标准调整", "")
    item_withdraw(actor=coordinator, item=item, remove=False, explanation="内容有误")
    assert titles("低保") == []


def test_events_remove_withdrawn_items(publish, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = publish("低保标准调整", "", index=False)
    assert titles("低保") == ["低保标准调整"]
    with django_capture_on_commit_callbacks(execute=True):
        item_withdraw(actor=coordinator, item=item, remove=False, explanation="内容有误")
    assert titles("低保") == []


def test_index_item_removes_items_that_are_not_live(publish, coordinator):
    item = publish("低保标准调整", "")
    Item.objects.filter(pk=item.pk).update(public_state="withdrawn")
    assert services.index_item(item_id=item.pk) is False
    assert total("低保") == 0
    assert services.index_item(item_id=999_999) is False


def test_revision_replaces_the_indexed_version(publish, coordinator):
    from gongkai.catalog.services.items import item_approve, item_submit, item_update

    item = publish("低保标准调整", "旧标准")
    item_revise(actor=coordinator, item=item)
    item_update(actor=coordinator, item=Item.objects.get(pk=item.pk), title="扶贫标准调整")
    assert titles("低保") == ["低保标准调整"]  # the draft is not public
    item = item_submit(actor=coordinator, item=Item.objects.get(pk=item.pk))
    item_approve(actor=coordinator, item=item, publish=True, change_note="改为扶贫")
    receivers.item_published(item_id=item.pk)
    assert titles("低保") == []
    assert titles("扶贫") == ["扶贫标准调整"]


def test_deleted_items_leave_the_index(publish):
    item = publish("低保标准调整", "")
    services.index_working_copy(item_id=item.pk)
    item.delete()
    assert total("低保") == 0
    assert not SearchDocument.objects.exists()
    backend = get_backend()
    assert backend.search(Request(query=parse("低保"), scope=Scope.STAFF)).total == 0


def test_reindex_rebuilds_and_removes_stale_rows(publish):
    a = publish("低保甲", "", day=1)
    publish("低保乙", "", day=2, index=False)
    Item.objects.filter(pk=a.pk).update(public_state="removed")
    stats = services.reindex(scope=Scope.PUBLIC)
    assert (stats.items, stats.removed) == (1, 1)
    assert titles("低保") == ["低保乙"]
    stats = services.reindex(scope=Scope.PUBLIC, clear=True)
    assert stats.items == 1
    assert titles("低保") == ["低保乙"]


def test_reindex_in_worker_processes_gives_the_same_index(publish):
    for n in range(12):
        publish(f"低保{n}", "扶贫" if n % 2 else "", day=n, index=False)
    services.reindex(scope=Scope.PUBLIC, workers=2, batch_size=5)
    assert total("低保") == 12 and total("低保 扶贫") == 6


# --- staff search (working copies) ------------------------------------------------------------


def test_working_copies_are_indexed_after_commit(
    columns, units, liaison_a, django_capture_on_commit_callbacks
):
    from gongkai.catalog.services.items import item_create

    with django_capture_on_commit_callbacks(execute=True):
        item = item_create(
            actor=liaison_a,
            unit=liaison_a.memberships.first().unit,
            column=columns["notice"],
            title="低保草稿",
            body="<p>扶贫</p>",
        )
    assert SearchDocument.objects.filter(item=item, scope=Scope.STAFF).exists()
    assert not SearchDocument.objects.filter(item=item, scope=Scope.PUBLIC).exists()


def test_backend_requests_directly():
    """No rows: every request answers zero, whatever the filters."""
    backend = get_backend()
    request = Request(
        query=parse("低保 -扶贫 珠府办函〔2017〕136号"),
        scope=Scope.PUBLIC,
        filters=Filters(column_id=1, unit_id=2, year=2024, validity="in_force", kind="policy"),
        unit_ids=(1, 2),
        facets=True,
    )
    result = backend.search(request)
    assert (result.total, result.hits, result.facets) == (0, [], {})
    assert backend.search(Request(query=parse("低保"), scope=Scope.STAFF, unit_ids=())).total == 0


def test_search_params_ignore_junk():
    params = search_params(
        {
            "q": "低保",
            "page": "x",
            "year": "19999",
            "unit": "-3",
            "sort": "evil",
            "kind": "<b>",
            "validity": "in_force",
            "column": "a b",
        }
    )
    assert params == SearchParams(q="低保", validity="in_force")
