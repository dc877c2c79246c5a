"""Does a string name a unit? 区党政办, 市发展改革委, 唐家湾镇, 各镇（街道）… but not 试行, 全部, 政府网站."""

from __future__ import annotations

import re

# fmt: off
# Endings of unit names, longest first where one is the end of another.
UNIT_SUFFIXES = (
    "办公室", "管委会", "委员会", "办事处", "领导小组", "人民政府", "政府", "街道", "社区", "中心",
    "集团", "公司", "银行", "支行", "分行", "单位", "部门", "乡镇", "电视台", "气象台", "海关", "机关",
    "局", "办", "委", "室", "科", "院", "所", "组", "会", "处", "队", "站", "馆", "部", "镇", "乡",
    "府", "厅", "署", "联", "协", "社", "校", "区", "县", "村", "股",
)
# Two-character names that are units although their first character is not 市/区/县….
_SHORT_UNITS = frozenset({
    "妇联", "残联", "侨联", "文联", "科协", "政协", "海关", "法院", "党校", "团委", "边检",
})
_SHORT_PREFIX = frozenset("市区县镇乡省团纪党政")
# Words ending like a unit that are not units.
_NOT_UNIT_ENDINGS = (
    "干部", "全部", "内部", "外部", "局部", "网站", "场所", "会议室", "发布会", "座谈会", "听证会",
    "论证会", "研讨会", "培训会", "推进会", "交流会", "例会", "见面会", "恳谈会", "说明会", "通气会",
    "相关", "有关", "平台",
)
# Words that start a parenthesised remark, never a unit list.
_NOT_UNIT_START = ("含", "包括", "不含", "如", "即", "以下简称", "简称", "其中", "注", "详见", "见")
_NOT_UNIT_WORDS = ("简称", "的", "等方面", "试行", "暂行", "草案", "修订", "征求意见")
# fmt: on
_DATE_OR_NUMBER = re.compile(r"\d+\s*(年|号|月|日|期)")
_EVERY = re.compile(
    r"^各(有关|相关|级)?(区|县|镇|街道|乡镇|部门|单位|成员单位|园区|功能区|社区|村)"
)


def is_unit_like(name: str, known: frozenset[str] = frozenset()) -> bool:
    """Whether ``name`` reads like the name of a unit (局, 办, 委, 中心, 街道 …) or is known."""
    name = strip_unit_name(name)
    if not name or len(name) > 30:
        return False
    if name in known or name in _SHORT_UNITS:
        return True
    if name.startswith(_NOT_UNIT_START) or any(w in name for w in _NOT_UNIT_WORDS):
        return False
    if _DATE_OR_NUMBER.search(name) or re.fullmatch(r"[\d\W_]+", name):
        return False
    core = re.sub(r"（[^（）]*）$", "", name) or name
    if _EVERY.match(core):
        return True
    if core.endswith(_NOT_UNIT_ENDINGS):
        return False
    if core.endswith(("区", "县")) and len(core) > 6:
        return False
    suffix = next((s for s in UNIT_SUFFIXES if core.endswith(s)), None)
    if suffix is None or len(core) <= len(suffix):
        return False
    if len(suffix) == 1 and len(core) == 2:
        return core[0] in _SHORT_PREFIX
    return True


def strip_unit_name(name: str) -> str:
    """Drop punctuation and a leading 由/请 (a trailing 等 is part of what was written)."""
    name = name.strip().strip("。．.：:；;，,、 ")
    name = re.sub(r"^(由|请|以)", "", name)
    return name.strip()


def segment_known(text: str, known: frozenset[str]) -> list[str] | None:
    """Split "区党政办区社区局" into known names when it is exactly a run of them."""
    if not known or text in known:
        return None
    longest = max(map(len, known))
    out: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 1, -1):
            if text[i : i + size] in known:
                out.append(text[i : i + size])
                i += size
                break
        else:
            return None
    return out if len(out) > 1 else None
