"""The portal's results page, the workbench search, the dictionary editor and the JSON API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.catalog.services.items import item_create
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import user_with_role
from gongkai.search import services
from gongkai.search.models import DictionaryWord

from .test_query import HOSTILE

pytestmark = pytest.mark.django_db

URL = "/search/"


def api_url() -> str:
    return reverse("public_api:search")


# --- portal page ------------------------------------------------------------------------------


def test_results_page(client, publish):
    publish(
        "关于做好城乡低保工作的通知", "各街道要落实低保政策。", doc_number="珠府办函〔2017〕136号"
    )
    response = client.get(URL, {"q": "低保"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "找到 1 条结果" in html
    assert "<mark>低保</mark>" in html
    assert "珠府办函〔2017〕136号" in html
    assert 'href="?q=%E4%BD%8E%E4%BF%9D&amp;column=tzgg"' in html  # count per column
    assert "通知公告" in html and "（1）" in html


def test_empty_page_shows_the_form_only(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_no_results_message(client, publish):
    publish("低保", "")
    html = client.get(URL, {"q": "扶贫"}).content.decode()
    assert "没有找到相关信息" in html


def _get(client, url, params):
    """GET with parameters; text that is not valid UTF-8 goes as the bytes a client might send."""
    try:
        return client.get(url, params)
    except UnicodeEncodeError:
        return client.get(f"{url}?q=%ED%A0%80%FF%FE%C0%AF")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_answer_200(client, publish, text):
    publish("低保", "低保 AND 扶贫")
    for params in (
        {"q": text},
        {"q": text, "sort": "date", "page": "2"},
        {"q": text, "year": text},
    ):
        response = _get(client, URL, params)
        assert response.status_code == 200


def test_hostile_parameters_answer_200(client, publish):
    publish("低保", "")
    for params in (
        {"q": "低保", "page": "99999999999999999999"},
        {"q": "低保", "page": "-1"},
        {"q": "低保", "column": "../../etc"},
        {"q": "低保", "column": "x" * 500},
        {"q": "低保", "unit": "1e9"},
        {"q": "低保", "kind": "'; DROP TABLE x; --"},
        {"q": ["低保", "扶贫"]},
    ):
        assert client.get(URL, params).status_code == 200


def test_titles_and_snippets_are_escaped(client, publish):
    publish("低保<script>alert(1)</script>", "<b>低保</b> &lt;img src=x onerror=alert(1)&gt;")
    html = client.get(URL, {"q": "低保"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x" not in html


def _link(item) -> str:
    return f'href="/xxgk/item/{item.pk}/"'


def test_filters_and_sort_on_the_page(client, publish):
    a = publish("低保甲", "", column="notice", day=1)
    b = publish("低保乙", "", column="policy", day=2)
    html = client.get(URL, {"q": "低保", "column": "zcwj"}).content.decode()
    assert _link(b) in html and _link(a) not in html
    html = client.get(URL, {"q": "低保", "kind": "notice", "sort": "date"}).content.decode()
    assert _link(a) in html and _link(b) not in html


def test_paging_links_keep_the_filters(client, publish):
    for n in range(25):
        publish(f"低保{n}", "", day=n, index=False)
    services.reindex()
    html = client.get(URL, {"q": "低保", "kind": "notice"}).content.decode()
    assert 'href="?q=%E4%BD%8E%E4%BF%9D&amp;kind=notice&amp;page=2"' in html


# --- workbench --------------------------------------------------------------------------------


def _draft(actor, unit, column, title):
    item = item_create(actor=actor, unit=unit, column=column, title=title, body="<p>草稿正文</p>")
    services.index_working_copy(item_id=item.pk)
    return item


def test_staff_search_finds_drafts_of_own_units_only(login, liaison_a, unit_a, unit_b, columns):
    coordinator = user_with_role(Role.COORDINATOR)
    mine = _draft(liaison_a, unit_a, columns["notice"], "低保草稿甲")
    other = _draft(coordinator, unit_b, columns["notice"], "低保草稿乙")
    client = login(liaison_a)
    response = client.get("/workbench/search/", {"q": "低保"})
    assert response.status_code == 200
    html = response.content.decode()
    link = 'href="/workbench/catalog/items/{}/"'
    assert link.format(mine.pk) in html and link.format(other.pk) not in html
    assert "草稿" in html  # the status is shown
    html = login(coordinator).get("/workbench/search/", {"q": "低保"}).content.decode()
    assert link.format(mine.pk) in html and link.format(other.pk) in html


def test_staff_search_hostile_queries(login, liaison_a):
    client = login(liaison_a)
    for text in HOSTILE:
        assert _get(client, "/workbench/search/", {"q": text}).status_code == 200


def test_staff_search_needs_login(client):
    response = client.get("/workbench/search/", {"q": "低保"})
    assert response.status_code == 302


def test_public_search_does_not_show_drafts(client, liaison_a, unit_a, columns):
    _draft(liaison_a, unit_a, columns["notice"], "低保草稿甲")
    html = client.get(URL, {"q": "低保"}).content.decode()
    assert "草稿甲" not in html and "找到 0 条结果" in html


# --- dictionary editor ------------------------------------------------------------------------


def test_dictionary_page_permissions(client, login, liaison_a, admin_user):
    url = "/workbench/search/dictionary/"
    assert login(liaison_a).get(url).status_code == 403
    response = login(admin_user).get(url)
    assert response.status_code == 200
    assert "放管服" in response.content.decode()


def test_dictionary_add_remove_restore(login, coordinator):
    client = login(coordinator)
    url = "/workbench/search/dictionary/"
    response = client.post(url, {"action": "add", "word": "横琴粤澳合作区", "note": "地名"})
    assert response.status_code == 302
    assert DictionaryWord.objects.get(word="横琴粤澳合作区").note == "地名"
    response = client.post(url, {"action": "add", "word": "横琴粤澳合作区"}, follow=True)
    assert "已在词典中" in response.content.decode()
    response = client.post(url, {"action": "add", "word": "有 空格"}, follow=True)
    assert "不能含空格" in response.content.decode()
    client.post(url, {"action": "remove", "word": "横琴粤澳合作区"})
    assert not DictionaryWord.objects.filter(word="横琴粤澳合作区").exists()
    client.post(url, {"action": "remove", "word": "放管服"})
    assert DictionaryWord.objects.get(word="放管服").is_removed
    client.post(url, {"action": "add", "word": "放管服"})
    assert not DictionaryWord.objects.filter(word="放管服").exists()
    response = client.post(url, {"action": "reindex"}, follow=True)
    assert response.status_code == 200
    assert "重建检索索引" in response.content.decode()


def test_dictionary_export(db, admin_user):
    services.dictionary_word_add(actor=admin_user, word="横琴粤澳合作区")
    services.dictionary_word_remove(actor=admin_user, word="放管服")
    text = services.dictionary_text()
    assert "横琴粤澳合作区\n" in text
    assert "\n放管服 " not in text and not text.startswith("放管服 ")


# --- JSON API ---------------------------------------------------------------------------------


def test_api_results(client, publish):
    item = publish("关于做好城乡低保工作的通知", "各街道要落实低保政策。")
    response = client.get(api_url(), {"q": "低保"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1 and data["page"] == 1 and data["pages"] == 1
    hit = data["results"][0]
    assert hit["id"] == item.pk
    assert hit["url"].endswith(f"/xxgk/item/{item.pk}/")
    assert "<mark>低保</mark>" in hit["title_html"]
    assert hit["score"] == 3 and hit["matched_in"] == "标题"
    assert data["columns"] == [{"column_code": "tzgg", "column_name": "通知公告", "count": 1}]


def test_api_unusable_queries_answer_400(client):
    for params in ({}, {"q": ""}, {"q": "-扶贫"}, {"q": "***"}, {"q": "低保", "column": "nosuch"}):
        response = client.get(api_url(), params)
        assert response.status_code == 400
        assert response.json()["detail"]


@pytest.mark.parametrize("text", HOSTILE)
def test_api_hostile_queries_never_fail(client, publish, text):
    publish("低保", "")
    response = _get(client, api_url(), {"q": text})
    assert response.status_code in (200, 400)
    assert response.json()
