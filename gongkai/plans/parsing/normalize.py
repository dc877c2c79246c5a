"""Character-level normalisation: traditional → simplified, one width for punctuation.

Chinese punctuation becomes full-width （），；：！？ (except ``,`` ``:`` between digits, as in
``1,000`` or ``10:30``); full-width digits, Latin letters and spaces become ASCII; line breaks
become ``\\n``. Tabs and pipes are kept (flattened tables need them).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SIMPLE = {
    "(": "（",
    ")": "）",
    ";": "；",
    "?": "？",
    "!": "！",
    "\u3000": " ",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "｜": "|",
    "\u00b7": "·",
    "﹙": "（",
    "﹚": "）",
    "︰": "：",
    "﹕": "：",
    "﹔": "；",
    "﹐": "，",
    "﹑": "、",
}
# Full-width ASCII letters and digits → ASCII.
_SIMPLE.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)})
_SIMPLE.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})
_SIMPLE.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})
_TABLE = str.maketrans(_SIMPLE)

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_COMMA_COLON = re.compile(r"[,:]")
# A half-width full stop closing a Chinese sentence ("发布." → "发布。"), not "一." numbering.
_CJK_STOP = re.compile(r"(?<=[\u4e00-\u9fff）”])\.(?=$|\s|[\u4e00-\u9fff（“])", re.M)
_NUMERAL_BEFORE = set("一二三四五六七八九十百零〇")
# Spaces a typist left after Chinese punctuation: “大众创业、 万众创新”.
_SPACE_AFTER_PUNCT = re.compile(r"(?<=[，、；：。（）《》“”])[ ]+")


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def _fix_comma_colon(match: re.Match[str]) -> str:
    s = match.string
    i = match.start()
    before = s[i - 1] if i > 0 else ""
    after = s[i + 1] if i + 1 < len(s) else ""
    if before.isascii() and before.isdigit() and after.isascii() and after.isdigit():
        return match.group()
    if match.group() == ":" and before.isascii() and before.isalpha() and after == "/":
        return match.group()  # http://
    return "，" if match.group() == "," else "："


def _fix_stop(match: re.Match[str]) -> str:
    s = match.string
    i = match.start()
    if s[i - 1] in _NUMERAL_BEFORE and (i < 2 or s[i - 2] in "\n\t （第"):
        return "."  # 一. 二. written as numbering
    return "。"


def _drop_controls(text: str) -> str:
    if all(ch in "\n\t" or ch >= " " for ch in text):
        return text
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cs", "Co", "Cn"}
    )


def normalize_text(text: str) -> str:
    """Normalise a whole document (keeps line structure)."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _drop_controls(text)
    text = to_simplified(text)
    text = text.translate(_TABLE)
    text = _COMMA_COLON.sub(_fix_comma_colon, text)
    text = _CJK_STOP.sub(_fix_stop, text)
    return text


def clean_line(line: str) -> str:
    """Normalise one line: collapse spaces after Chinese punctuation and strip the ends."""
    return _SPACE_AFTER_PUNCT.sub("", line).strip()


def compact(text: str) -> str:
    """Drop every whitespace character (for header cells and unit names)."""
    return re.sub(r"\s+", "", text)
