"""Word segmentation for search: the one function documents and queries both go through.

    normalize(text) -> str        NFKC (full width → half width), case folded; every character
                                  outside the indexable set (SAFE_CHARS) becomes a space
    tokens(text) -> list[str]     the words of `text` (rjieba, HMM off, with the user dictionary)
    field(text) -> Field          what a field stores: `main` (the words in order, for phrases)
                                  and `extra` (words that are findable but have no position)

Segmenter: rjieba (jieba's algorithm and dictionary in Rust; same cuts as jieba with HMM off,
25× faster here — see docs/benchmarks.md, "Search"). HMM is off so that an unknown name is cut
the same way in a document and in a query (HMM guesses differently with different context).

Why `extra`: a query word must be found inside longer words of the document: 河长 in 河长制,
公开 in 双随机一公开, 李 in 李晓峰. `extra` holds, for every multi-character CJK word, its single
characters and its two-character substrings (plus dictionary words of three characters inside
words of four or more, as jieba's search mode does). They are findable as words, never as parts
of a phrase, so a phrase only matches words that really follow each other.

Both databases must see exactly these words and nothing else, so the text is reduced to
characters that SQLite's `unicode61` tokenizer and PostgreSQL's parser both treat as word
characters (`tests/test_segment.py` checks every one of them on the running database), words
are capped at MAX_TOKEN_LENGTH characters, a field keeps at most MAX_FIELD_TOKENS words in order
(the rest become `extra`: PostgreSQL positions stop at 16,383), and a word keeps at most
MAX_OCCURRENCES positions in a field (PostgreSQL keeps 255), later occurrences being replaced by
FILLER, which no query produces.

The user dictionary (government terms such as 放管服, 双随机一公开, 河长制) is
`gongkai/search/data/userdict.txt` (one word a line, jieba's format `word [freq] [tag]`) plus
the words administrators add or remove in the workbench (`DictionaryWord`); changing it calls
for `gongkai search reindex`.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, compress
from pathlib import Path

USER_DICT = Path(__file__).resolve().parent / "data" / "userdict.txt"

#: Characters a word may contain. Everything else separates words.
CJK_CHARS = (
    "\u3005\u3007\u3400-\u4dbf\u4e00-\u9fef"
    "\U00020000-\U0002a6dd\U0002a700-\U0002b734\U0002b740-\U0002b81d"
    "\U0002b820-\U0002cea1\U0002ceb0-\U0002ebe0\U00030000-\U0003134a"
)
SAFE_CHARS = (
    "0-9a-z"
    "\u00e0-\u00f6\u00f8-\u00ff\u0100-\u017f"  # Latin with diacritics (lower case)
    "\u03ac-\u03ce"  # Greek (lower case)
    "\u0430-\u045f"  # Cyrillic (lower case)
    "\u3041-\u3096\u30a1-\u30fa\u30fc"  # kana
    "\uac00-\ud7a3" + CJK_CHARS  # Hangul syllables
)
_UNSAFE = re.compile(f"[^{SAFE_CHARS}]+")
#: Punctuation and spaces whose NFKC form is punctuation or space too: replaced before NFKC so
#: that most Chinese text is already normalised and NFKC's fast check suffices.
_PUNCTUATION = re.compile(
    "[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u2000-\u206f\u3000-\u3004\u3008-\u303f"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+"
)
_CJK_WORD = re.compile(f"[{CJK_CHARS}]+")
_CJK_CHAR = re.compile(f"[{CJK_CHARS}]")

MAX_TOKEN_LENGTH = 60
MAX_FIELD_TOKENS = 16000
MAX_OCCURRENCES = 200
FILLER = "0gkfill0"
_LONG_RUN = re.compile(f"[^ ]{{{MAX_TOKEN_LENGTH + 1}}}")
_SUBWORD_CACHE_LIMIT = 400_000


def normalize(text: str) -> str:
    """NFKC, case folded, with every non-word character turned into a space."""
    if not text:
        return ""
    text = _PUNCTUATION.sub(" ", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _UNSAFE.sub(" ", text.casefold())


def is_cjk_word(token: str) -> bool:
    return _CJK_WORD.fullmatch(token) is not None


@dataclass(frozen=True)
class Field:
    """A field as stored: `main` words in order, `extra` words without position."""

    main: str
    extra: str

    @property
    def main_tokens(self) -> list[str]:
        return self.main.split()


EMPTY = Field("", "")


def read_dictionary_file(path: Path = USER_DICT) -> list[tuple[str, int | None]]:
    """(word, frequency or None) from a jieba-format user dictionary."""
    words = []
    if not path.is_file():
        return words
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        words.append((parts[0], freq))
    return words


def clean_word(word: str) -> str:
    """A dictionary word as the segmenter sees text: normalised, without separators."""
    return normalize(word).replace(" ", "")


class Segmenter:
    """rjieba with a user dictionary and the word rules above. Thread-safe for reading."""

    def __init__(self, words: Iterable[tuple[str, int | None]] = ()):
        import rjieba

        self._jieba = rjieba.Jieba()
        self.words: list[tuple[str, int | None]] = []
        for word, freq in words:
            word = clean_word(word)
            if word:
                self._jieba.add_word(word, freq, None)
                self.words.append((word, freq))
        self._extras: dict[str, tuple[str, ...]] = {}
        self._chars: dict[str, tuple[str, ...]] = {}

    def has_word(self, word: str) -> bool:
        return self._jieba.has_word(word)

    def tokens(self, text: str) -> list[str]:
        """The words of `text`, in order."""
        text = normalize(text)
        if not text or text.isspace():
            return []
        # `normalize` leaves single spaces between words, which jieba returns as words of
        # their own; a word longer than MAX_TOKEN_LENGTH needs that many characters in a row.
        tokens = list(filter(" ".__ne__, self._jieba.cut(text, False)))
        if _LONG_RUN.search(text):
            tokens = [t[:MAX_TOKEN_LENGTH] for t in tokens]
        return tokens

    def extras_of(self, token: str, chars: bool = False) -> tuple[str, ...]:
        """The words findable inside `token` (CJK words only): its two-character substrings and
        the dictionary words of three characters inside it, and with `chars` its characters."""
        cache = self._chars if chars else self._extras
        cached = cache.get(token)
        if cached is not None:
            return cached
        out: tuple[str, ...] = ()
        n = len(token)
        if n >= 2 and is_cjk_word(token):
            found = dict.fromkeys(token) if chars else {}
            if n >= 3:
                has_word = self._jieba.has_word
                found.update(
                    dict.fromkeys(pair for i in range(n - 1) if has_word(pair := token[i : i + 2]))
                )
            if n >= 4:
                for i in range(n - 2):
                    tri = token[i : i + 3]
                    if self._jieba.has_word(tri):
                        found[tri] = None
            found.pop(token, None)
            out = tuple(found)
        if len(cache) >= _SUBWORD_CACHE_LIMIT:
            cache.clear()
        cache[token] = out
        return out

    def field(self, text: str, *, chars: bool = False) -> Field:
        """A field's stored form (see the module docstring). `chars`: single characters of
        words are findable too (titles and metadata: names of people, places and units)."""
        tokens = self.tokens(text)
        if not tokens:
            return EMPTY
        return self.field_from_tokens(tokens, chars=chars)

    def field_from_tokens(self, tokens: list[str], *, chars: bool = False) -> Field:
        overflow: list[str] = []
        if len(tokens) > MAX_FIELD_TOKENS:
            overflow = tokens[MAX_FIELD_TOKENS:]
            tokens = tokens[:MAX_FIELD_TOKENS]
        distinct = set(tokens)
        # A word can only occur more than MAX_OCCURRENCES times if there are that many repeats.
        if (
            len(tokens) - len(distinct) > MAX_OCCURRENCES
            and max(Counter(tokens).values()) > MAX_OCCURRENCES
        ):
            seen: Counter = Counter()
            capped = []
            for token in tokens:
                seen[token] += 1
                capped.append(FILLER if seen[token] > MAX_OCCURRENCES else token)
            tokens = capped
        # The hot path (every document): only words of 3+ characters (2+ with `chars`) have
        # extra words. Filtering and look-ups run in C; missing entries are computed once.
        cache = self._chars if chars else self._extras
        words = list(distinct)
        long = list(compress(words, map((1 if chars else 2).__lt__, map(len, words))))
        found = list(map(cache.get, long))
        if None in found:
            extras_of = self.extras_of
            found = [
                f if f is not None else extras_of(t, chars)
                for t, f in zip(long, found, strict=True)
            ]
        extra = set(chain.from_iterable(found))
        if overflow:
            extra.update(overflow)
        extra.difference_update(distinct)
        extra.discard(FILLER)
        return Field(" ".join(tokens), " ".join(extra))


# ---------------------------------------------------------------------------------------------
# The process-wide segmenter, rebuilt when administrators change the dictionary.

_lock = threading.Lock()
_segmenter: Segmenter | None = None
_version: str | None = None
_checked_at = 0.0
#: How often (seconds) a process looks whether the dictionary changed.
CHECK_INTERVAL = 10.0


def dictionary_words() -> list[tuple[str, int | None]]:
    """The effective user dictionary: the repository's file, plus the words administrators
    added, minus the ones they removed."""
    from django.db import DatabaseError

    from .models import DictionaryWord

    words = dict(read_dictionary_file())
    try:
        rows = list(DictionaryWord.objects.all())
    except DatabaseError:  # no table yet (before migrate): the file alone
        return sorted(words.items())
    for row in rows:
        if row.is_removed:
            words.pop(row.word, None)
        else:
            words[row.word] = row.freq
    return sorted(words.items())


def _current_version() -> str:
    from django.db import DatabaseError

    from .models import dictionary_version

    try:
        return dictionary_version()
    except DatabaseError:  # no table yet (before migrate)
        return "file"


def get_segmenter() -> Segmenter:
    """The segmenter for this process (built on first use, about half a second)."""
    global _segmenter, _version, _checked_at
    now = time.monotonic()
    if _segmenter is not None and now - _checked_at < CHECK_INTERVAL:
        return _segmenter
    with _lock:
        if _segmenter is not None and now - _checked_at < CHECK_INTERVAL:
            return _segmenter
        version = _current_version()
        if _segmenter is None or version != _version:
            _segmenter = Segmenter(dictionary_words())
            _version = version
        _checked_at = now
        return _segmenter


def reset() -> None:
    """Forget the segmenter (the next call rebuilds it): after a dictionary change."""
    global _segmenter, _version, _checked_at
    with _lock:
        _segmenter = None
        _version = None
        _checked_at = 0.0


def tokens(text: str) -> list[str]:
    return get_segmenter().tokens(text)


def field(text: str, *, chars: bool = False) -> Field:
    return get_segmenter().field(text, chars=chars)
