"""Highlighting over the original text (not the segmented words): titles with every match marked,
and a snippet of the body around the place where most query words meet.

Matching is by the query's words in the text, case-insensitive, a phrase's words allowing
punctuation or spaces between them. Everything is HTML-escaped; only `<mark>` is added.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_LENGTH = 120
_MAX_MATCHES = 200


def pattern(needles: Sequence[Sequence[str]]) -> re.Pattern | None:
    """One regular expression for the needles (token sequences), longest first."""
    alternatives = []
    for tokens in sorted({tuple(n) for n in needles if n}, key=lambda t: -sum(map(len, t))):
        alternatives.append(r"\W*".join(re.escape(t) for t in tokens))
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out, pos = [], start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    return "".join(out)


def _spans(text: str, regex: re.Pattern | None) -> list[tuple[int, int]]:
    if regex is None or not text:
        return []
    spans = []
    for match in regex.finditer(text):
        if match.end() > match.start():
            spans.append(match.span())
            if len(spans) >= _MAX_MATCHES:
                break
    return spans


def highlight(text: str, regex: re.Pattern | None) -> SafeString:
    """The whole text, escaped, with matches in <mark>."""
    text = text or ""
    return mark_safe(_marked(text, _spans(text, regex), 0, len(text)))  # noqa: S308 - escaped


def snippet(text: str, regex: re.Pattern | None, length: int = SNIPPET_LENGTH) -> SafeString:
    """About `length` characters of `text` around its best match (the window holding the most
    different query words), escaped, with matches in <mark>; the beginning when nothing
    matches."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")
    spans = _spans(text, regex)
    start = 0
    if spans:
        best, best_score = spans[0][0], -1
        for a, _b in spans[:50]:
            window = {text[x:y].casefold() for x, y in spans if a <= x and y <= a + length}
            if len(window) > best_score:
                best, best_score = a, len(window)
        start = max(0, best - length // 4)
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    body = _marked(text, spans, start, end)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + body + suffix)  # noqa: S308 - every piece is escaped
