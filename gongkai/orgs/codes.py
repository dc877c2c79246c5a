"""统一社会信用代码 (GB 32100-2015): check character computation and validation."""

from __future__ import annotations

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(_ALPHABET.index(c) * w for c, w in zip(first17.upper(), _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def uscc_is_valid(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(c not in _ALPHABET for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def uscc_make(*, category: str = "11", region: str = "440400", serial: str) -> str:
    """Build a valid code from registration category, region code and the 9-char organisation
    serial (the last part before the check character)."""
    first17 = f"{category}{region}{serial}".upper()
    return first17 + uscc_check_char(first17)


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_is_valid(code: str) -> bool:
    """组织机构代码 (GB 11714): 8 characters and a check character, with or without the hyphen."""
    code = code.strip().upper().replace("-", "")
    if len(code) != 9 or not code[:8].isalnum() or not code[:8].isascii():
        return False
    total = sum(int(c, 36) * w for c, w in zip(code[:8], _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    expected = "X" if check == 10 else "0" if check == 11 else str(check)
    return code[8] == expected
