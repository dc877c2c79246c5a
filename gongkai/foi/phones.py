"""Applicants' phone numbers: the canonical form an application stores, and the key the public
lookup compares (tracking code + phone).

    normalise_phone(value) -> str   "13800138000" / "0756-1234567" / "0756-1234567-801", or ""
    phone_key(value) -> str         the digits compared by the lookup

A mobile number is 1[3-9] and nine digits, with or without +86; a landline has its area code and
may have an extension.
"""

from __future__ import annotations

import re
import unicodedata

from gongkai.core.pii import is_valid_mobile

_SEPARATORS = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
_LANDLINE = re.compile(
    r"(?P<area>0(?:10|2\d|[3-9]\d{2}))(?P<local>[1-9]\d{6,7})(?:(?:转|#|ext\.?|分机)(?P<ext>\d{1,6}))?",
    re.I,
)
_LANDLINE_WITH_SEPARATORS = re.compile(
    r"\(?(?P<area>0(?:10|2\d|[3-9]\d{2}))\)?[\s\-]?(?P<local>[1-9]\d{6,7})"
    r"(?:\s*(?:-|转|#|ext\.?|分机)\s*(?P<ext>\d{1,6}))?",
    re.I,
)


def normalise_phone(value: str) -> str:
    """The canonical form of a phone number, or "" when it is neither a mobile nor a landline:
    ``13800138000`` / ``0756-1234567`` / ``0756-1234567-801``."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    if is_valid_mobile(text):
        match = _MOBILE.fullmatch(_SEPARATORS.sub("", text).lstrip("+"))
        if match:
            return match.group(1)
    match = _LANDLINE_WITH_SEPARATORS.fullmatch(text) or _LANDLINE.fullmatch(
        _SEPARATORS.sub("", text)
    )
    if match:
        canonical = f"{match.group('area')}-{match.group('local')}"
        return f"{canonical}-{match.group('ext')}" if match.group("ext") else canonical
    return ""


def phone_key(value: str) -> str:
    """The digits the lookup compares: the canonical form without separators (so a number
    written with or without hyphens, spaces or +86 matches); for a number staff entered in
    another shape, its digits."""
    canonical = normalise_phone(value) or unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\D", "", canonical)
