"""Segmentation: the user dictionary, extra words, limits, and — on the database of the run —
that every indexable character and word reaches the full-text index unchanged."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.search import segment
from gongkai.search.segment import (
    FILLER,
    MAX_FIELD_TOKENS,
    MAX_OCCURRENCES,
    MAX_TOKEN_LENGTH,
    SAFE_CHARS,
    Segmenter,
    normalize,
)

SAFE_WORD = re.compile(f"[{SAFE_CHARS}]+")


@pytest.fixture(scope="module")
def seg():
    return Segmenter(segment.read_dictionary_file())


def test_government_terms_are_whole_words(seg):
    text = "深化放管服改革，推行双随机一公开监管，全面推行河长制，做好预决算公开和城乡低保工作"
    words = seg.tokens(text)
    for term in ("放管服", "双随机一公开", "河长制", "预决算", "低保"):
        assert term in words


def test_normalize_folds_width_and_case_and_drops_punctuation():
    assert normalize("ＡＢＣ１２３，ＤＥＦ") == "abc123 def"
    assert normalize("《关于…的通知》") == " 关于 的通知 "
    assert normalize("①②") == "12"
    assert normalize("") == ""


def test_words_are_made_of_safe_characters_only(seg):
    words = seg.tokens("C++、COVID-19 疫情！@#￥%……&*（）——+ 3.14 “引号” <script>")
    assert words and all(SAFE_WORD.fullmatch(w) for w in words)
    assert "script" in words and "<" not in "".join(words)


def test_long_words_are_cut(seg):
    assert seg.tokens("a" * 500) == ["a" * MAX_TOKEN_LENGTH]


def test_extra_words_make_parts_of_longer_words_findable(seg):
    field = seg.field("全面推行河长制")
    assert "河长制" in field.main_tokens
    extra = field.extra.split()
    assert "河长" in extra
    # Only pairs a query can consist of: a query is cut by the same dictionary, so 长制 (not a
    # word) never reaches the index as one word; it is searched as the phrase 长 制.
    assert not seg.has_word("长制") and "长制" not in extra
    assert seg.tokens("长制") == ["长", "制"]
    assert "河" not in extra  # single characters only for names (chars=True)
    names = seg.field("高新区民政局李晓峰", chars=True)
    assert {"民", "李", "峰"} <= set(names.extra.split())


def test_extra_words_never_repeat_words_in_order(seg):
    field = seg.field("河长 河长制", chars=True)
    assert "河长" in field.main_tokens
    assert "河长" not in field.extra.split()


def test_occurrences_beyond_the_limit_become_filler(seg):
    field = seg.field_from_tokens(["的"] * (MAX_OCCURRENCES + 5) + ["结束"])
    words = field.main_tokens
    assert words.count("的") == MAX_OCCURRENCES
    assert words.count(FILLER) == 5
    assert words[-1] == "结束"  # positions are kept


def test_words_beyond_the_field_limit_stay_findable(seg):
    tokens = [f"w{i % 1000}" for i in range(MAX_FIELD_TOKENS)] + ["尾巴词"]
    field = seg.field_from_tokens(tokens)
    assert len(field.main_tokens) == MAX_FIELD_TOKENS
    assert "尾巴词" in field.extra.split()


def test_dictionary_words_of_administrators_change_segmentation(db, admin_user):
    from gongkai.search.services import dictionary_word_add, dictionary_word_remove

    assert "珠海横琴" not in segment.tokens("珠海横琴新区")
    dictionary_word_add(actor=admin_user, word="珠海横琴")
    segment.reset()
    assert "珠海横琴" in segment.tokens("珠海横琴新区")
    dictionary_word_remove(actor=admin_user, word="河长制")
    segment.reset()
    assert "河长制" not in segment.tokens("推行河长制")


# --- what the database's full-text tokenizer makes of our words --------------------------------


def _database_words(text: str) -> list[str]:
    """The words the database indexes for `text`, in position order."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT lexeme, positions FROM unnest(to_tsvector('simple', %s))", [text]
            )
            placed = sorted(
                (p, lexeme) for lexeme, positions in cursor.fetchall() for p in positions
            )
            return [lexeme for _p, lexeme in placed]
        from gongkai.search.backends.sqlite import TOKENIZE

        cursor.execute(f"CREATE VIRTUAL TABLE temp.tok_check USING fts5(a, {TOKENIZE})")
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.tok_vocab USING fts5vocab(temp, tok_check, instance)"
        )
        try:
            cursor.execute("INSERT INTO temp.tok_check (a) VALUES (%s)", [text])
            cursor.execute('SELECT term FROM temp.tok_vocab ORDER BY "offset"')
            return [term for (term,) in cursor.fetchall()]
        finally:
            cursor.execute("DROP TABLE temp.tok_vocab")
            cursor.execute("DROP TABLE temp.tok_check")


def _safe_characters() -> list[str]:
    chars = []
    for match in re.finditer(r"(.)-(.)|(.)", SAFE_CHARS):
        if match.group(3):
            chars.append(match.group(3))
        else:
            chars.extend(chr(c) for c in range(ord(match.group(1)), ord(match.group(2)) + 1))
    return chars


@pytest.mark.django_db
def test_every_indexable_character_is_one_word_in_the_database():
    # Every character that can be left in normalised text (upper case letters cannot).
    chars = [c for c in _safe_characters() if normalize(c) == c]
    assert len(chars) > 90_000
    step = 8000  # PostgreSQL positions stop at 16,383
    for start in range(0, len(chars), step):
        chunk = chars[start : start + step]
        assert _database_words(" ".join(chunk)) == chunk, (chunk[0], chunk[-1])


@pytest.mark.django_db
def test_mixed_words_reach_the_database_unchanged(seg):
    text = (
        "珠府办函〔2017〕136号 abc123 123abc 1e5 0x1f v2 covid19 ǆ σας ß 々 〇 カタカナ 한국어 "
        f"{FILLER} 互联网 双随机一公开 " + "长" * 70
    )
    words = seg.tokens(text)
    assert _database_words(" ".join(words)) == words


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_text_reaches_the_database_unchanged(seg, text):
    words = seg.tokens(text)
    if words:
        assert _database_words(" ".join(words)) == words
