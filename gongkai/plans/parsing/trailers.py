"""Responsible units written after a task: （责任单位：A、B）, （A牵头，B、C配合）, A牵头落实 …

A parenthesised group counts as a unit trailer only when it parses as one: a label
(责任单位：…), a verb (…牵头 / …负责落实 / …配合), or — at the very end of a paragraph — a list
whose every part looks like a unit name. ``（试行）``, ``（PPP）``, ``（2017年）`` are task text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .unitnames import is_unit_like, segment_known, strip_unit_name

LEAD = "lead"
RESPONSIBLE = "responsible"
SUPPORT = "support"

_LABEL = re.compile(
    r"^(?P<label>(?:具体)?(?:牵头|主办|主责|责任|负责|承办|实施|配合|协办|协助|参与|落实|完成|执行)"
    r"(?:单位|部门|科室|处室|主体|股室|机构)(?:及责任人)?)\s*[：:]?\s*(?P<rest>.*)$",
    re.S,
)
_DEADLINE_LABEL = re.compile(
    r"^(?:完成|办结|工作)?(?:时限|时间|期限)(?:要求|安排)?\s*[：:]\s*(?P<rest>.*)$", re.S
)
_FIELD_BREAK = re.compile(
    r"[，,](?=\s*(?:(?:具体)?(?:牵头|主办|主责|责任|负责|承办|实施|配合|协办|协助|参与|落实)"
    r"(?:单位|部门|科室|处室|主体|股室|机构)|(?:完成|办结|工作)?(?:时限|时间|期限))\s*[：:])"
)
# Role words that may end a clause: "A牵头", "B、C分别负责落实", "由D配合".
_VERB_TOKENS = (
    "按职责分工",
    "按职能分工",
    "按职能",
    "参照",
    "按职责",
    "牵头负责",
    "牵头落实",
    "负责落实",
    "配合落实",
    "分别",
    "共同",
    "各自",
    "具体",
    "组织",
    "牵头",
    "主办",
    "主责",
    "负责",
    "配合",
    "协助",
    "协办",
    "参与",
    "落实",
    "实施",
    "执行",
    "办理",
    "完成",
    "推进",
)
_STRONG = {"牵头", "主办", "主责", "配合", "协助", "协办", "参与", "负责"}
_LEAD_WORDS = ("牵头", "主办", "主责")
_SUPPORT_WORDS = ("配合", "协助", "协办", "参与")
_ROLE_MARK = re.compile(r"（(牵头|主办|主责|配合|协办|协助|参与|负责)）$")
_BRACKETS = {"（": "）", "《": "》", "“": "”", "「": "」", "〔": "〕", "【": "】", "[": "]"}


@dataclass
class Units:
    """Units of one trailer with their roles, in written order."""

    entries: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    deadlines: list[str] = field(default_factory=list)  # 完成时限：… given inside the trailer

    def __bool__(self) -> bool:
        return bool(self.entries)

    def extend(self, other: Units) -> None:
        self.entries.extend(other.entries)
        self.deadlines.extend(d for d in other.deadlines if d not in self.deadlines)

    @property
    def lead(self) -> list[str]:
        return _dedupe(name for name, role in self.entries if role == LEAD)

    @property
    def all(self) -> list[str]:
        """Lead units first, then the others in written order; no duplicates."""
        return _dedupe([*self.lead, *(name for name, _ in self.entries)])


def _dedupe(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def split_depth0(text: str, separators: str) -> list[str]:
    """Split on separators that are not inside brackets or quotes."""
    parts: list[str] = []
    depth: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _BRACKETS:
            depth.append(_BRACKETS[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
        elif not depth and ch in separators:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def strip_verbs(clause: str) -> tuple[str, list[str]]:
    return _strip_verbs(clause)


def _strip_verbs(clause: str) -> tuple[str, list[str]]:
    verbs: list[str] = []
    changed = True
    while changed and clause:
        changed = False
        for token in _VERB_TOKENS:
            if (clause.endswith(token) and len(clause) > len(token)) or clause == token:
                verbs.append(token)
                clause = clause[: -len(token)]
                changed = True
                break
    return clause, verbs


def _role_of(words: Iterable[str], default: str = RESPONSIBLE) -> str:
    joined = "".join(words)
    if any(w in joined for w in _LEAD_WORDS):
        return LEAD
    if any(w in joined for w in _SUPPORT_WORDS):
        return SUPPORT
    return default


def _names(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    names: list[str] = []
    for part in split_depth0(text, "、，,；;/／ \t\n"):
        part = part.strip()
        if not part:
            continue
        if "会同" in part:
            names.extend(p for p in part.split("会同") if p)
        else:
            names.extend(segment_known(part, known) or _split_hui(part, known))
    return names


#: "宣传处会办公室": 会 (会同, 会办) between two unit names — after a unit ending, before a name
#: that is a unit itself. 总工会, 管委会, 委员会 end in 会 and are left whole.
_HUI = re.compile(r"(?<=[处局委办室科部])会(?!展|议|计|商|员|所|堂|馆|务|审|签|诊)(?=.)")


def _split_hui(part: str, known: frozenset[str]) -> list[str]:
    if part in known or "会" not in part:
        return [part]
    for match in _HUI.finditer(part):
        left, right = part[: match.start()], part[match.end() :]
        # a department's own 办公室 is a unit although it is only its ending
        if is_unit_like(left, known) and (right == "办公室" or is_unit_like(right, known)):
            return [left, *_split_hui(right, known)]
    return [part]


@dataclass
class _Clause:
    names: list[tuple[str, str]]
    verbs: list[str]


def _parse_clause(
    clause: str, default_role: str, known: frozenset[str] = frozenset()
) -> _Clause | None:
    clause = clause.strip().strip("。．.")
    clause = re.sub(r"^(由|请)", "", clause).strip()
    if not clause:
        return None
    body, verbs = _strip_verbs(clause)
    body = body.strip()
    if not body:
        return None
    role = _role_of(verbs, default_role) if verbs else default_role
    entries: list[tuple[str, str]] = []
    names = _names(body, known)
    if not names:
        return None
    for i, raw in enumerate(names):
        name_role = role
        mark = _ROLE_MARK.search(raw)
        if mark:
            raw = raw[: mark.start()]
            name_role = _role_of([mark.group(1)])
        if "会同" in body and i == 0 and len(names) > 1 and not verbs:
            name_role = LEAD
        name = strip_unit_name(raw)
        if not name:
            return None
        entries.append((name, name_role))
    if "会同" in body and len(entries) > 1:
        # "A会同B负责": A leads, B supports.
        first = entries[0][0]
        entries = [(first, LEAD)] + [(n, SUPPORT) for n, _ in entries[1:]]
    return _Clause(entries, verbs)


def _plausible(name: str) -> bool:
    return 1 <= len(name) <= 30 and not re.search(r"[。！？“”《》]", name) and "的" not in name


def parse_units(
    text: str,
    *,
    known: frozenset[str] = frozenset(),
    allow_bare: bool = False,
    strict: bool = False,
    trusted: bool = False,
) -> Units | None:
    """Read ``text`` (the inside of a trailer) as a unit list, or return None.

    ``allow_bare``: a plain list without label or verb is accepted if every name looks like a unit.
    ``strict``: a verb form needs every name to look like a unit (used for unbracketed lines).
    ``trusted``: the text is known to hold units (a table's 责任单位 column): accept any names.
    """
    text = text.strip().strip("。；")
    if not text or len(text) > 300:
        return None
    units = Units()
    labelled = False
    any_verb = False
    # "牵头单位：A，责任单位：B，完成时限：C": a comma before a label ends a field.
    text = _FIELD_BREAK.sub("；", text)
    for segment in split_depth0(text, "；;。\n" if not trusted else "；;。"):
        segment = segment.strip()
        if not segment:
            continue
        deadline = _DEADLINE_LABEL.match(segment)
        if deadline:
            if deadline.group("rest").strip():
                units.deadlines.append(deadline.group("rest").strip())
            labelled = True
            continue
        m = _LABEL.match(segment)
        default_role = RESPONSIBLE
        if m:
            labelled = True
            default_role = _role_of([m.group("label")])
            segment = m.group("rest")
            if not segment.strip():
                continue
        for clause_text in split_depth0(segment, "，,"):
            if not clause_text.strip():
                continue
            clause = _parse_clause(clause_text, default_role, known)
            if clause is None:
                return None
            strong = any(w in v for v in clause.verbs for w in _STRONG)
            any_verb = any_verb or bool(clause.verbs)
            for name, _role in clause.names:
                if not _plausible(name):
                    return None
                if trusted or m:
                    continue
                if is_unit_like(name, known):
                    continue
                if clause.verbs and strong and not strict and len(name) <= 15:
                    continue
                return None
            units.entries.extend(clause.names)
    if not units.entries and not units.deadlines:
        return None
    if trusted or labelled or any_verb:
        return units
    return units if allow_bare else None


# ---------------------------------------------------------------------------
# Finding trailers inside a paragraph


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of top-level （…） groups, end exclusive."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = -1
    for i, ch in enumerate(text):
        if ch == "（":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "）" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


_TRAILING_JUNK = "。；;，,.． \t"
_UNBRACKETED_LABEL = re.compile(
    r"(?:^|(?<=[。；;！？\s]))(?:具体)?(?:牵头|主办|责任|负责|承办|配合|协办)(?:单位|部门|科室|处室|主体)\s*[：:]"
)


def extract(paragraph: str, known: frozenset[str] = frozenset()) -> tuple[str, Units]:
    """Remove unit trailers from a paragraph; return (remaining text, units found)."""
    units = Units()
    text = paragraph
    # 1. Parenthesised groups, right to left so spans stay valid.
    for start, end in reversed(bracket_groups(text)):
        inner = text[start + 1 : end - 1]
        at_end = not text[end:].strip(_TRAILING_JUNK)
        # In mid-text only a labelled list or real unit names count ("（由其负责）" does not).
        found = parse_units(inner, known=known, allow_bare=at_end, strict=not at_end)
        if found is None:
            continue
        found.extend(units)
        units = found
        text = text[:start] + text[end:]
    # 2. An unbracketed "责任单位：…" running to the end of the paragraph.
    m = _UNBRACKETED_LABEL.search(text)
    if m:
        found = parse_units(text[m.start() :], known=known)
        if found:
            found.extend(units)
            units = found
            text = text[: m.start()]
    # 3. A last sentence such as "区党政办牵头，区社区局配合。" or a whole line "A牵头落实".
    if not units:
        body = text.rstrip(_TRAILING_JUNK)
        # the whole last sentence ("A牵头落实；B、C按职责分工分别落实"), else its last clause
        for cut in dict.fromkeys((body.rfind("。"), max(body.rfind("。"), body.rfind("；")))):
            last = body[cut + 1 :] if cut >= 0 else body
            if not last or len(last) > 120:
                continue
            found = parse_units(last, known=known, strict=True)
            if found and _has_label_or_verb(last):
                units = found
                text = body[: cut + 1] if cut >= 0 else ""
                break
    return _tidy(text), units


def split_at_trailers(paragraph: str, known: frozenset[str] = frozenset()) -> list[str]:
    """One piece per responsibility clause: "公开A。（责任单位：X）公开B。（责任单位：Y）" → two.

    Only a labelled or verb trailer that ends a sentence and is followed by more text splits.
    """
    pieces: list[str] = []
    start = 0
    for s, e in bracket_groups(paragraph):
        rest = paragraph[e:]
        if not rest.strip(_TRAILING_JUNK):
            break
        inner = paragraph[s + 1 : e - 1]
        ends_sentence = paragraph[s - 1 : s] in ("。", "；") or rest[:1] in ("。", "；")
        if not ends_sentence or not _has_label_or_verb(inner):
            continue
        if parse_units(inner, known=known, strict=True) is None:
            continue
        cut = e + len(rest) - len(rest.lstrip("。；;，, "))
        pieces.append(paragraph[start:cut])
        start = cut
    pieces.append(paragraph[start:])
    return [p.strip() for p in pieces if p.strip()]


def _has_label_or_verb(text: str) -> bool:
    for segment in split_depth0(text, "；;。，,"):
        segment = segment.strip()
        if _LABEL.match(segment):
            return True
        _, verbs = _strip_verbs(segment.strip("。"))
        if verbs:
            return True
    return False


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+$", "", text, flags=re.M)
    text = re.sub(r"。{2,}", "。", text)
    return text.strip()


def is_group_trailer(line: str) -> bool:
    """A trailer line that speaks for the items above it: 以上工作由A牵头落实."""
    return bool(re.match(r"^(以上|上述|本部分|本项|此项|该项)", line))


def trailer_line(line: str, known: frozenset[str] = frozenset()) -> Units | None:
    """Units if the whole line is a trailer (A牵头落实 / 责任单位：A、B / （责任单位：A）)."""
    body = line.strip().rstrip(_TRAILING_JUNK)
    body = re.sub(r"^(以上|上述)(各项|所有|全部)?(工作|任务|事项|内容)?(均)?", "", body)
    if not body:
        return None
    if body.startswith("（") and bracket_groups(body) == [(0, len(body))]:
        inner = body[1:-1]
        return parse_units(inner, known=known, allow_bare=True)
    if not _has_label_or_verb(body):
        return None
    return parse_units(body, known=known, strict=True)
