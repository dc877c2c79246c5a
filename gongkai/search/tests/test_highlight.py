"""Highlighting titles and snippets over the original text."""

from __future__ import annotations

from gongkai.search.highlight import highlight, pattern, snippet


def test_highlight_marks_and_escapes():
    regex = pattern([("低保",), ("河长", "工作")])
    assert highlight("<b>低保</b>与河长制工作", regex) == (
        "&lt;b&gt;<mark>低保</mark>&lt;/b&gt;与河长制工作"  # the phrase is not there
    )
    assert highlight("河长 工作", regex) == "<mark>河长 工作</mark>"
    assert highlight("abc", None) == "abc"


def test_highlight_is_case_insensitive():
    assert highlight("COVID疫情", pattern([("covid",)])) == "<mark>COVID</mark>疫情"


def test_snippet_around_the_best_match():
    text = "开头" * 200 + "低保" + "中间" * 10 + "扶贫" + "结尾" * 200
    out = snippet(text, pattern([("低保",), ("扶贫",)]), length=60)
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>低保</mark>" in out and "<mark>扶贫</mark>" in out


def test_snippet_without_match_is_the_beginning():
    assert snippet("一二三四五", pattern([("低保",)]), length=3) == "一二三…"
    assert snippet("", None) == ""
    assert snippet("  多个   空格 ", None) == "多个 空格"
