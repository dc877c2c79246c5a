"""The query language, parsed into a backend-neutral tree. Pure: no database, no Django.

    低保 扶贫              both words (AND)
    "河长制 工作"          a phrase: the words next to each other, in this order
    -扶贫  -"专项 资金"    without this word / phrase
    珠府办函〔2017〕136号   a 文号: matched exactly against the item's 文号 (also written with
                          [] () 【】 brackets); other words in the query must match as well

A word the segmenter cuts into several words is a conjunction of them (低保对象 → 低保 AND 对象),
except that single characters stay glued to their neighbours as a phrase, so a name the
dictionary does not know (张 小 明) is matched as written. Everything else a user may type —
unbalanced quotes, AND OR NEAR * ( ) : ^, control characters, very long strings — is either
meaningless here (removed; bare AND/OR/NOT/NEAR are ignored with a notice) or cut short with a
notice. The tree holds only words produced by the segmenter, so nothing a user types reaches the
FTS5 or tsquery syntax; the backends quote every word again anyway.

`parse()` raises `QueryError` (with a message for the user) when nothing is left to look for.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200
MAX_PARTS = 12

_QUOTES = '"“”„‟«»「」『』'
_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,20})\s*[〔\[(【［（]\s*(\d{4})\s*[〕\])】］）]\s*第?\s*(\d{1,6})\s*号"
)
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_DROP = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


class QueryError(ValueError):
    """Nothing to search for; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Term:
    token: str

    @property
    def tokens(self) -> tuple[str, ...]:
        return (self.token,)


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]


Part = Term | Phrase


@dataclass(frozen=True)
class DocNumber:
    key: str

    @property
    def facet(self) -> str:
        return doc_number_facet(self.key)


@dataclass(frozen=True)
class Query:
    required: tuple[Part, ...] = ()
    excluded: tuple[Part, ...] = ()
    doc_numbers: tuple[DocNumber, ...] = ()
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_text(self) -> bool:
        return bool(self.required)


# --- 文号 ------------------------------------------------------------------------------------

_OPEN = str.maketrans({"[": "〔", "(": "〔", "【": "〔", "［": "〔", "（": "〔"})
_CLOSE = str.maketrans({"]": "〕", ")": "〕", "】": "〕", "］": "〕", "）": "〕"})


def doc_number_key(text: str) -> str:
    """The comparable form of a 文号: NFKC, no spaces, brackets as 〔〕, no 第 before the number,
    no leading zeros. Other text is returned normalised (NFKC, no spaces, case folded)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"\s+", "", text).casefold()
    match = _DOC_NUMBER.fullmatch(text)
    if match:
        prefix, year, number = match.groups()
        return f"{prefix}〔{year}〕{int(number)}号"
    return text.translate(_OPEN).translate(_CLOSE)[:120]


def doc_number_facet(key: str) -> str:
    """The index word standing for a 文号 (letters and digits only, so no tokenizer cuts it)."""
    return "d" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


# --- parsing ---------------------------------------------------------------------------------


@dataclass
class _Chunk:
    text: str
    quoted: bool = False
    negated: bool = False


def _clean(text: str) -> tuple[str, list[str]]:
    notices = []
    text = str(text or "")
    long = len(text) > MAX_QUERY_LENGTH * 4
    text = _CONTROL.sub(" ", text[: MAX_QUERY_LENGTH * 4])
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(c) in _DROP else c for c in text)
    text = " ".join(text.split())
    if long or len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        notices.append(f"查询内容过长，只按前 {MAX_QUERY_LENGTH} 个字查找")
    return text, notices


def _chunks(text: str) -> list[_Chunk]:
    """Split into plain words, quoted phrases and -exclusions. An unclosed quote runs to the
    end; a lone "-" is ignored."""
    chunks: list[_Chunk] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        negated = False
        if c == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
            c = text[i]
        if c in _QUOTES:
            j = i + 1
            while j < n and text[j] not in _QUOTES:
                j += 1
            chunks.append(_Chunk(text[i + 1 : j], quoted=True, negated=negated))
            i = j + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _QUOTES:
            j += 1
        chunks.append(_Chunk(text[i:j], negated=negated))
        i = j
    return chunks


def _glue(tokens: list[str]) -> list[Part]:
    """Words of an unquoted chunk: each its own term, except that single characters are glued
    to their neighbours into a phrase (张 小 明 → "张 小 明"; 李 晓峰 → "李 晓峰")."""
    parts: list[Part] = []
    run: list[str] = []

    def flush():
        if len(run) == 1:
            parts.append(Term(run[0]))
        elif run:
            parts.append(Phrase(tuple(run)))
        run.clear()

    for k, token in enumerate(tokens):
        if not run:
            run.append(token)
            continue
        if len(token) == 1 or len(tokens[k - 1]) == 1:
            run.append(token)
        else:
            flush()
            run.append(token)
    flush()
    return parts


def _part(tokens: list[str]) -> Part | None:
    if not tokens:
        return None
    return Term(tokens[0]) if len(tokens) == 1 else Phrase(tuple(tokens))


def parse(text: str, *, segment: Callable[[str], list[str]] | None = None) -> Query:
    """Parse what a user typed. `segment` defaults to the search segmenter."""
    if segment is None:
        from .segment import tokens as segment
    from .segment import FILLER

    text, notices = _clean(text)
    doc_numbers: list[DocNumber] = []

    def take_doc_number(match: re.Match) -> str:
        key = doc_number_key(match.group(0))
        if DocNumber(key) not in doc_numbers:
            doc_numbers.append(DocNumber(key))
        return " "

    text = _DOC_NUMBER.sub(take_doc_number, text)
    required: list[Part] = []
    excluded: list[Part] = []
    ignored: list[str] = []
    for chunk in _chunks(text):
        if not chunk.quoted and chunk.text in _OPERATORS:
            ignored.append(chunk.text)
            continue
        words = [t for t in segment(chunk.text) if t != FILLER]
        if not words:
            continue
        if chunk.negated:
            part = _part(words)
            if part not in excluded:
                excluded.append(part)
        elif chunk.quoted:
            part = _part(words)
            if part not in required:
                required.append(part)
        else:
            for part in _glue(words):
                if part not in required:
                    required.append(part)
    if ignored:
        notices.append(
            "不支持运算符 " + "、".join(dict.fromkeys(ignored)) + "，已忽略；多个词之间默认为“并且”"
        )
    if len(required) > MAX_PARTS or len(excluded) > MAX_PARTS:
        required, excluded = required[:MAX_PARTS], excluded[:MAX_PARTS]
        notices.append(f"查询词过多，只按前 {MAX_PARTS} 个词查找")
    if not required and not doc_numbers:
        if excluded:
            raise QueryError("请至少输入一个要查找的词：不能只有排除的词（以“-”开头）")
        raise QueryError("请输入要查找的词语或文号")
    return Query(tuple(required), tuple(excluded), tuple(doc_numbers), tuple(notices))


def needles(query: Query) -> list[tuple[str, ...]]:
    """The token sequences to highlight: every required word and phrase."""
    return [part.tokens for part in query.required]
