"""Titles: a heading line, or the first clause of a task's text."""

from __future__ import annotations

from .trailers import split_depth0

TITLE_MAX = 60
_END_PUNCT = "。；;，,：:、.． "
_SENTENCE_BREAKS = "。；！？"


def strip_end(text: str) -> str:
    return text.strip().rstrip(_END_PUNCT).strip()


def first_clause(text: str) -> str:
    """The first clause (up to ，；。：), not cutting inside brackets or quotes."""
    text = " ".join(text.split())
    if not text:
        return ""
    parts = split_depth0(text, "，。；：！？")
    title = parts[0].strip()
    if len(title) < 4 and len(parts) > 1:
        sentence = split_depth0(text, _SENTENCE_BREAKS)[0]
        title = sentence.strip()
    title = strip_end(title)
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX].rstrip() + "…"
    return title


def is_heading_like(text: str) -> bool:
    """A short one-sentence line such as "推进财税体制改革信息公开。"."""
    body = strip_end(text)
    if not body or len(body) > TITLE_MAX:
        return False
    inner = split_depth0(body, _SENTENCE_BREAKS)
    return len(inner) == 1
