"""Outline numbering: 第一部分 / 一、 / （一） / 1. / 1.1 / （1） / ① and their variants.

Every marker has a *rank* (smaller = higher in the outline). Ranks are fixed by the style, the
way Chinese official documents use them, so a plan that skips a level still nests correctly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
CN_DIGITS.update({"七": 7, "八": 8, "九": 9})
_CN_CHARS = "零〇一二三四五六七八九十百"

# Kinds and their ranks.
PART = "part"  # 第一部分 / 第一章
CN = "cn"  # 一、
PAREN_CN = "paren_cn"  # （一）
ARABIC = "arabic"  # 1.  1、
DECIMAL = "decimal"  # 1.1
PAREN_ARABIC = "paren_arabic"  # （1）  1）
CIRCLED = "circled"  # ①

RANKS = {PART: -1.0, CN: 0.0, PAREN_CN: 1.0, ARABIC: 2.0, PAREN_ARABIC: 3.0, CIRCLED: 4.0}


@dataclass(frozen=True)
class Marker:
    kind: str
    value: int
    label: str  # normalised label used in paths: 一, （一）, 1, 1.1, （1）, ①
    written: str  # the marker exactly as it appeared (after character normalisation)
    separator: str  # 、 . ， etc. ("" for bracketed styles)
    rest: str  # the line without the marker
    depth: int = 1  # for DECIMAL: number of components

    @property
    def rank(self) -> float:
        if self.kind == DECIMAL:
            return 3.0 - 0.5 ** (self.depth - 1)
        return RANKS[self.kind]


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23, 一百零五 → 105; None if not a numeral."""
    if not text or any(ch not in _CN_CHARS and ch != "两" for ch in text):
        return None
    total = 0
    current = 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + CN_DIGITS[ch] if current else CN_DIGITS[ch]
    return total + current


def int_to_cn(value: int) -> str:
    digits = "零一二三四五六七八九"
    if value < 10:
        return digits[value]
    if value < 20:
        return "十" + (digits[value - 10] if value > 10 else "")
    if value < 100:
        tens, ones = divmod(value, 10)
        return digits[tens] + "十" + (digits[ones] if ones else "")
    return str(value)


def parse_number(text: str) -> int | None:
    """Arabic or Chinese numeral → int."""
    if text.isascii() and text.isdigit():
        return int(text)
    return cn_to_int(text)


_CN = f"[{_CN_CHARS}]{{1,4}}"
_SEP = r"[、.．，,：:]"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (PART, re.compile(rf"^第\s*(?P<num>{_CN}|\d{{1,2}})\s*(?P<unit>部分|章|篇)\s*[、.．，：]?\s*")),
    (PAREN_CN, re.compile(rf"^（\s*(?P<num>{_CN})\s*）\s*{_SEP}?\s*")),
    (PAREN_CN, re.compile(rf"^(?P<num>{_CN})\s*）\s*")),
    (CN, re.compile(rf"^(?P<num>{_CN})\s*(?P<sep>{_SEP})\s*")),
    (PAREN_ARABIC, re.compile(r"^（\s*(?P<num>\d{1,3})\s*）\s*[、.．，]?\s*")),
    (PAREN_ARABIC, re.compile(r"^(?P<num>\d{1,3})\s*）\s*")),
    (PAREN_ARABIC, re.compile(r"^(?P<num>[\u2474-\u2487])\s*")),  # ⑴
    (
        DECIMAL,
        re.compile(r"^(?P<num>\d{1,2}(?:[.．]\d{1,2}){1,3})(?P<sep>[.．、\s]|(?=[^\d.．]))\s*"),
    ),
    # "2.2021年底前…": a label directly followed by a year is still a label
    (
        ARABIC,
        re.compile(r"^(?P<num>\d{1,3})\s*(?P<sep>[、，,]|[.．](?![\d.．])|[.．](?=20\d{2}年))\s*"),
    ),
    (ARABIC, re.compile(r"^(?P<num>[\u2488-\u249b])\s*")),  # ⒈
    (CIRCLED, re.compile(r"^(?P<num>[\u2460-\u2473])\s*[、.．]?\s*")),
]

# Units of measure: "1.5亿元" is a number, not "1.5" followed by a heading.
_MEASURES = set("亿万千百十元角分个倍米吨亩户人次家件项条份台辆名所座处平公克秒时天日年月周%‰")

# Something at the start of a line that looks like numbering but is not a known style.
_UNKNOWN = re.compile(r"^(?:[A-Za-z]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹ]{1,4})\s*[、.．）]\s*(?=\S)")


def _circled_value(ch: str, base: int) -> int:
    return ord(ch) - base + 1


def match(line: str) -> Marker | None:
    """The outline marker at the start of ``line`` (already normalised and stripped)."""
    for kind, pattern in _PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        num = m.group("num")
        rest = line[m.end() :]
        sep = m.groupdict().get("sep") or ""
        if kind == DECIMAL:
            if rest[:1] in _MEASURES or not rest.strip():
                continue
            parts = re.split(r"[.．]", num)
            label = ".".join(str(int(p)) for p in parts)
            return Marker(DECIMAL, int(parts[-1]), label, m.group().strip(), sep, rest, len(parts))
        if kind == ARABIC and "\u2488" <= num <= "\u249b":
            value = _circled_value(num, 0x2488)
        elif kind == PAREN_ARABIC and "\u2474" <= num <= "\u2487":
            value = _circled_value(num, 0x2474)
        elif kind == CIRCLED:
            value = _circled_value(num, 0x2460)
        else:
            parsed = parse_number(num)
            if parsed is None:
                continue
            value = parsed
        if kind in (ARABIC, PAREN_ARABIC) and num.isdigit() and not rest.strip():
            # a bare "1." line is a table cell or a page number, not a heading
            continue
        if kind == CN and sep in {"：", ":"} and not rest.strip():
            continue
        if kind == PART:
            label = f"第{num}{m.group('unit')}"
        elif kind == CN:
            label = num
        elif kind == PAREN_CN:
            label = f"（{num}）"
        elif kind == PAREN_ARABIC:
            label = f"（{value}）"
        elif kind == CIRCLED:
            label = num
        else:
            label = str(value)
        return Marker(kind, value, label, m.group().strip(), sep, rest)
    return None


def looks_like_unknown_numbering(line: str) -> bool:
    return bool(_UNKNOWN.match(line))


def as_top_level(marker: Marker) -> Marker:
    """Re-read a marker as a top-level 一、 heading (``2、`` written among ``一、 三、``)."""
    label = int_to_cn(marker.value)
    return Marker(CN, marker.value, label, marker.written, marker.separator, marker.rest)
