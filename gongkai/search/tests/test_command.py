"""`gongkai search …`: reindex with a progress bar, a query as JSON, the dictionary export."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.search.models import Scope, SearchDocument

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_reindex_both_scopes(publish):
    publish("低保甲", "", index=False)
    publish("低保乙", "", index=False)
    output = run("reindex", "--workers", "0")
    assert "公开版本：2 条" in output and "工作稿：2 条" in output
    assert SearchDocument.objects.filter(scope=Scope.PUBLIC).count() == 2
    assert SearchDocument.objects.filter(scope=Scope.STAFF).count() == 2
    run("reindex", "--scope", "public", "--clear", "--workers", "0")
    assert SearchDocument.objects.filter(scope=Scope.PUBLIC).count() == 2


def test_reindex_progress_shows_the_rate_of_a_single_batch(publish):
    """The progress bar's rate counts from the start, not from the first finished batch."""
    publish("低保甲", "", index=False)
    output = run("reindex", "--scope", "public", "--workers", "0")
    bar = next(line for line in output.splitlines() if line.startswith("重建索引（公开版本）"))
    assert "1/1" in bar and "条/秒" in bar and " 0 条/秒" not in bar


def test_query_as_json(publish):
    a = publish("关于城乡低保的通知", "", day=2)
    b = publish("扶贫", "落实低保", day=1)
    data = json.loads(run("关于城乡低保的通知 ", "--json"))
    assert data["total"] == 1
    data = json.loads(run("低保", "--json"))
    assert data["total"] == 2
    assert [r["id"] for r in data["results"]] == [a.pk, b.pk]
    assert data["results"][0] == {
        "id": a.pk,
        "title": "关于城乡低保的通知",
        "url": f"http://127.0.0.1:8000/xxgk/item/{a.pk}/",
        "score": 3,
    }
    assert [r["score"] for r in data["results"]] == [3, 1]
    assert "共 2 条结果" in run("低保")
    assert json.loads(run("query", "reindex", "--json"))["total"] == 0


def test_unusable_query_exits_with_a_message(db):
    with pytest.raises(CommandError) as exc:
        run("--", "-扶贫")
    assert "排除" in str(exc.value)
    with pytest.raises(CommandError):
        run("***", "--json")


def test_dictionary_export(tmp_path):
    path = tmp_path / "userdict.txt"
    run("dictionary", "export", str(path))
    assert "放管服 20000" in path.read_text(encoding="utf-8").splitlines()
    assert "河长制 20000" in run("dictionary", "export")
