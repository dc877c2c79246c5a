"""Repeated and similar applications (Art. 36(6) 重复申请; Art. 44 转为主动公开).

    normalize(text) -> str                 NFKC (full → half width), years as digits
                                           (二〇二五年度 → 2025年), no punctuation, no 《》,
                                           no whitespace, lower case
    words(text) -> frozenset[str]          jieba words (HMM off, the project's user dictionary
                                           when there is one) without stop words
    jaccard(a, b), cosine(a, b)            over word sets
    score(text_a, text_b) -> float         the similarity used below (Jaccard of word sets)
    find_similar(app, threshold) -> SimilarReport
        .repeats   same applicant (same id_number_hash), same agency: a 重复申请 warning when
                   the earlier one was already answered (`answered=True`)
        .similar   different applicants asking the same agency for the same information
        .applicants  distinct applicants in the group (this one included)
        .suggest_proactive  True when at least PROACTIVE_MIN_APPLICANTS different applicants
    repeat_flags(apps, threshold) -> {app id: [Match]}   for a queue page (answered repeats)
    answered_repeat_of(app, threshold) -> Application | None
        the earlier answered application `app` repeats (best match), for `Application.repeat_of`

"Answered" means replied (`replied_at`): an application closed without a reply was not answered.
"Same agency" is the application's handling unit; before it is assigned, all units are searched.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .models import Application

DEFAULT_THRESHOLD = 0.5
PROACTIVE_MIN_APPLICANTS = 2
#: How far back to look for earlier applications (days).
LOOKBACK_DAYS = 3 * 366

_CN_DIGITS = {
    "〇": "0",
    "零": "0",
    "○": "0",
    "Ｏ": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_CN_YEAR = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_PUNCT_CATEGORIES = ("P", "S", "Z", "C")

STOP_WORDS = frozenset(
    """
    的 了 和 与 及 以及 或 或者 等 之 其 该 此 这 那 个 份 一份 年 月 日 号 是 在 对 为 于 由 将 把 被 从 向
    请 请求 申请 申请人 本人 我 我们 你 您 贵 贵单位 贵局 要求 需要 希望 查询 查阅 获取 提供 公开 予以
    依法 依申请 政府信息 信息 政府 相关 有关 关于 内容 情况 具体 全部 所有 以下 如下 材料 资料 复印件 副本
    """.split()  # noqa: SIM905 - easier to maintain as one block of words
)

_tokenizer = None
_tokenizer_lock = threading.Lock()


def _user_dictionaries() -> list[Path]:
    """The project's jieba user dictionary, if one exists: the JIEBA_USER_DICT setting (a path
    or a list of paths), else `gongkai/search/data/userdict.txt` when present."""
    configured = settings.JIEBA_USER_DICT
    if configured:
        paths = [configured] if isinstance(configured, str | Path) else list(configured)
    else:
        paths = [Path(__file__).resolve().parent.parent / "search" / "data" / "userdict.txt"]
    return [Path(p) for p in paths if Path(p).is_file()]


def _get_tokenizer():
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                for path in _user_dictionaries():
                    tokenizer.load_userdict(str(path))
                _tokenizer = tokenizer
    return _tokenizer


def _years_to_digits(text: str) -> str:
    text = _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(1)) + "年", text)
    return _YEAR.sub(lambda m: m.group(1) + "年", text)


def _is_separator(ch: str) -> bool:
    return unicodedata.category(ch)[0] in _PUNCT_CATEGORIES


def _clean(text: str, sep: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _years_to_digits(text)
    return "".join(sep if _is_separator(ch) else ch for ch in text)


def normalize(text: str) -> str:
    """The comparable form of a description: what `Application.normalized_text` stores."""
    return _clean(text, "")


def words(text: str) -> frozenset[str]:
    """The set of meaningful words of `text`."""
    return frozenset(word_list(text))


def word_list(text: str) -> list[str]:
    tokenizer = _get_tokenizer()
    out: list[str] = []
    for chunk in _clean(text, " ").split():
        for word in tokenizer.lcut(chunk, HMM=False):
            word = word.strip()
            if word and word not in STOP_WORDS:
                out.append(word)
    return out


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def cosine(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Cosine over binary word vectors (word sets)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def cosine_counts(a: str, b: str) -> float:
    """Cosine over word counts (term frequency), for longer texts."""
    ca, cb = Counter(word_list(a)), Counter(word_list(b))
    dot = sum(ca[w] * cb[w] for w in ca.keys() & cb.keys())
    norm = math.sqrt(sum(v * v for v in ca.values()) * sum(v * v for v in cb.values()))
    return dot / norm if norm else 0.0


def score(text_a: str, text_b: str) -> float:
    """Similarity of two descriptions in [0, 1]; identical after normalising → 1.0."""
    if normalize(text_a) and normalize(text_a) == normalize(text_b):
        return 1.0
    return jaccard(words(text_a), words(text_b))


@dataclass(frozen=True)
class Match:
    application: Application
    score: float
    shared: tuple[str, ...]
    answered: bool

    @property
    def label(self) -> str:
        if self.answered:
            return "重复申请：同一申请人已就相同信息获得答复"
        return "同一申请人的相同申请正在办理"


@dataclass
class SimilarReport:
    application: Application
    threshold: float
    repeats: list[Match] = field(default_factory=list)
    similar: list[Match] = field(default_factory=list)

    @property
    def answered_repeats(self) -> list[Match]:
        return [m for m in self.repeats if m.answered]

    @property
    def is_repeat(self) -> bool:
        return bool(self.answered_repeats)

    @property
    def applicants(self) -> int:
        hashes = {self.application.id_number_hash}
        hashes.update(m.application.id_number_hash for m in self.similar)
        return len(hashes)

    @property
    def group(self) -> list[Application]:
        """This application and the similar ones by other applicants, oldest first."""
        apps = [self.application, *(m.application for m in self.similar)]
        return sorted(apps, key=lambda a: (a.arrived_at, a.pk))

    @property
    def suggest_proactive(self) -> bool:
        return self.applicants >= PROACTIVE_MIN_APPLICANTS

    @property
    def shared_words(self) -> tuple[str, ...]:
        """Words every application of the group shares (for a neutral draft title)."""
        if not self.similar:
            return ()
        common = set(self.similar[0].shared)
        for m in self.similar[1:]:
            common &= set(m.shared)
        order = word_list(self.application.description)
        return tuple(dict.fromkeys(w for w in order if w in common))


def is_answered(app: Application) -> bool:
    """Whether the agency replied to `app` (Art. 36(6) "已作出答复"): a reply was approved.
    An application closed without a reply (withdrawn, 逾期不补正, 逾期未缴费, Art. 39) was not
    answered, so asking again is not a 重复申请."""
    return bool(app.replied_at)


def _text(app: Application) -> str:
    return app.description or ""


def _candidates(app: Application):
    import datetime as dt

    qs = Application.objects.exclude(pk=app.pk).select_related("unit")
    if app.unit_id:
        qs = qs.filter(unit_id=app.unit_id)
    if app.arrived_at:
        qs = qs.filter(arrived_at__gte=app.arrived_at - dt.timedelta(days=LOOKBACK_DAYS))
    return qs


def find_similar(app: Application, threshold: float = DEFAULT_THRESHOLD) -> SimilarReport:
    """Earlier and later applications to the same agency whose description is at least
    `threshold` similar to `app`'s: by the same applicant (repeats) and by others (similar)."""
    report = SimilarReport(application=app, threshold=threshold)
    mine = words(_text(app))
    norm = normalize(_text(app))
    if not mine and not norm:
        return report
    for other in _candidates(app).order_by("arrived_at", "pk"):
        theirs = words(_text(other))
        value = 1.0 if norm and norm == normalize(_text(other)) else jaccard(mine, theirs)
        if value < threshold:
            continue
        shared = tuple(sorted(mine & theirs))
        same_applicant = bool(app.id_number_hash) and other.id_number_hash == app.id_number_hash
        answered = is_answered(other) and (other.arrived_at, other.pk) < (app.arrived_at, app.pk)
        match = Match(application=other, score=round(value, 3), shared=shared, answered=answered)
        if same_applicant:
            report.repeats.append(match)
        else:
            report.similar.append(match)
    report.repeats.sort(key=lambda m: (-m.score, m.application.arrived_at))
    report.similar.sort(key=lambda m: (-m.score, m.application.arrived_at))
    return report


def repeat_flags(apps, threshold: float = DEFAULT_THRESHOLD) -> dict[int, list[Match]]:
    """For a page of applications: {id: [answered earlier applications by the same applicant
    to the same agency with a similar description]}. Only applications with a flag appear."""
    apps = list(apps)
    hashes = {a.id_number_hash for a in apps if a.id_number_hash}
    if not hashes:
        return {}
    earlier = list(Application.objects.filter(id_number_hash__in=hashes, replied_at__isnull=False))
    flags: dict[int, list[Match]] = {}
    if not earlier:
        return flags
    for app in apps:
        mine: frozenset[str] | None = None
        for other in earlier:
            if other.pk == app.pk or other.id_number_hash != app.id_number_hash:
                continue
            if app.unit_id and other.unit_id != app.unit_id:
                continue
            if not is_answered(other) or other.arrived_at > app.arrived_at:
                continue
            value = score(_text(app), _text(other))
            if value >= threshold:
                if mine is None:
                    mine = words(_text(app))
                flags.setdefault(app.pk, []).append(
                    Match(
                        application=other,
                        score=round(value, 3),
                        shared=tuple(sorted(mine & words(_text(other)))),
                        answered=True,
                    )
                )
    return flags


def answered_repeat_of(
    app: Application, threshold: float = DEFAULT_THRESHOLD
) -> Application | None:
    """The earlier, answered application by the same applicant to the same agency that `app`
    repeats (highest similarity, then the latest reply), or None. `app` must be saved."""
    matches = repeat_flags([app], threshold).get(app.pk, [])
    if not matches:
        return None
    return max(matches, key=lambda m: (m.score, m.application.replied_at)).application
