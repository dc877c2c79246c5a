"""The query parser (pure): words, phrases, exclusions, 文号, and hostile input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.search import segment
from gongkai.search.query import (
    MAX_PARTS,
    MAX_QUERY_LENGTH,
    DocNumber,
    Phrase,
    QueryError,
    Term,
    doc_number_key,
    parse,
)
from gongkai.search.segment import SAFE_CHARS

SAFE_WORD = re.compile(f"[{SAFE_CHARS}]+")

HOSTILE = [
    '"低保',
    '低保"',
    '"""',
    "“河长制",
    "低保 AND 扶贫",
    "低保 OR",
    "NEAR(低保 扶贫, 3)",
    "低保*",
    "(低保",
    "低保)",
    "title:低保",
    "^低保",
    "低保^2",
    '{title}: "x"',
    "* ( ) : ^ - + ~ | & ! \\ / ; ' ` ",
    "低保\x00扶贫\x1b[31m\x7f",
    "\u200b\u202e低保\ufeff",
    "低保" * 5000,
    "a" * 10000,
    "-",
    "--低保",
    "- 低保",
    "' OR 1=1 --",
    "'; DROP TABLE search_searchdocument; --",
    "<script>alert(1)</script>",
    "%s %(x)s {0} $1 ?",
    "\ud800",
    "珠府办函〔2017〕",
    "〔2017〕136号",
    "\U0010ffff",
    "NOT NOT NOT",
    "AND",
    " ",
    "",
]


@pytest.fixture(scope="module")
def seg():
    return segment.Segmenter(segment.read_dictionary_file())


def _parse(seg, text):
    return parse(text, segment=seg.tokens)


def _tokens(query) -> list[str]:
    return [t for part in (*query.required, *query.excluded) for t in part.tokens]


def test_words_are_required_terms(seg):
    query = _parse(seg, "低保 扶贫")
    assert query.required == (Term("低保"), Term("扶贫"))
    assert not query.excluded and not query.doc_numbers


def test_a_segmented_word_is_a_conjunction(seg):
    query = _parse(seg, "低保政策")
    assert query.required == (Term("低保"), Term("政策"))


def test_single_characters_are_glued_to_their_neighbours(seg):
    query = _parse(seg, "关于开展工作的通知")
    assert Phrase(("工作", "的", "通知")) in query.required
    assert Term("关于") in query.required
    unknown = _parse(seg, "张小明")
    assert len(unknown.required) == 1


def test_quoted_phrase(seg):
    query = _parse(seg, '"低保 政策" 扶贫')
    assert query.required == (Phrase(("低保", "政策")), Term("扶贫"))
    chinese_quotes = _parse(seg, "“落实低保政策”")
    assert chinese_quotes.required == (Phrase(("落实", "低保", "政策")),)


def test_unclosed_quote_runs_to_the_end(seg):
    assert _parse(seg, '扶贫 "低保 政策').required == (Term("扶贫"), Phrase(("低保", "政策")))


def test_exclusions(seg):
    query = _parse(seg, '低保 -扶贫 -"专项 资金"')
    assert query.required == (Term("低保"),)
    assert query.excluded == (Term("扶贫"), Phrase(("专项", "资金")))


def test_only_exclusions_is_a_clear_error(seg):
    with pytest.raises(QueryError) as exc:
        _parse(seg, "-扶贫")
    assert "排除" in exc.value.message


@pytest.mark.parametrize("text", ["", "   ", "***", "()", "AND OR", "-", "《》：；"])
def test_nothing_to_look_for_is_a_clear_error(seg, text):
    with pytest.raises(QueryError) as exc:
        _parse(seg, text)
    assert exc.value.message


@pytest.mark.parametrize(
    "text",
    [
        "珠府办函〔2017〕136号",
        "珠府办函[2017]136号",
        "珠府办函(2017)136号",
        "珠府办函（2017）136号",
        "珠府办函【2017】136号",
        "珠府办函［２０１７］１３６号",
        "珠府办函 〔2017〕 136 号",
        "珠府办函〔2017〕第136号",
        "珠府办函〔2017〕0136号",
    ],
)
def test_document_numbers_are_recognised_in_every_bracket(seg, text):
    query = _parse(seg, text)
    assert query.doc_numbers == (DocNumber("珠府办函〔2017〕136号"),)
    assert not query.required


def test_document_number_with_words(seg):
    query = _parse(seg, "低保 珠府办函〔2017〕136号")
    assert query.doc_numbers == (DocNumber("珠府办函〔2017〕136号"),)
    assert query.required == (Term("低保"),)


def test_document_number_key():
    assert doc_number_key(" 珠府办函[2017]136号 ") == "珠府办函〔2017〕136号"
    assert doc_number_key("高新管〔2024〕7号") == "高新管〔2024〕7号"
    assert doc_number_key("无文号的文字") == "无文号的文字"
    assert doc_number_key("") == ""


def test_operators_are_ignored_with_a_notice(seg):
    query = _parse(seg, "低保 OR 扶贫")
    assert query.required == (Term("低保"), Term("扶贫"))
    assert any("OR" in n for n in query.notices)


def test_long_queries_are_cut_with_a_notice(seg):
    query = _parse(seg, "低保 " * 1000)
    assert query.required == (Term("低保"),)
    assert any(str(MAX_QUERY_LENGTH) in n for n in query.notices)


def test_many_words_are_capped(seg):
    words = ["低保", "扶贫", "河长", "公开", "预算", "决算", "教育", "医疗", "养老", "就业"]
    query = _parse(seg, " ".join([*words, "住房", "交通", "环保", "农业", "水利"]))
    assert len(query.required) == MAX_PARTS
    assert query.notices


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_gives_a_query_or_a_message(seg, text):
    try:
        query = _parse(seg, text)
    except QueryError as exc:
        assert exc.message
        return
    for token in _tokens(query):
        assert SAFE_WORD.fullmatch(token), token


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_input_gives_safe_words_or_a_message(seg, text):
    try:
        query = _parse(seg, text)
    except QueryError:
        return
    assert query.required or query.doc_numbers
    for token in _tokens(query):
        assert SAFE_WORD.fullmatch(token)
