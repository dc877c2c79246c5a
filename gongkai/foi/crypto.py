"""Encryption of the applicant's identity number (证件号码).

API (stable; other modules rely on it):

    encrypt_id(number: str) -> str          Fernet token (text) of the *normalised* number
    decrypt_id(token: str) -> str           the normalised number; raises DecryptionFailed
    id_hash(number: str) -> str             64 hex chars, HMAC-SHA256 over the normalised number,
                                            for matching repeated requests by the same person
    id_tail(number: str) -> str             the last four characters of the normalised number
    mask_id(tail: str) -> str               "**************1234" style mask for display
    normalize_id(number: str) -> str        strip spaces/dashes, full-width → half-width, upper-case

Keys
----
* Encryption key: the setting (or environment variable) ``FOI_ENCRYPTION_KEY`` — one Fernet key
  (``Fernet.generate_key()``), or several separated by commas, newest first. When it is unset,
  the key is derived from ``SECRET_KEY`` with HKDF-SHA256 (info ``gongkai.foi.id-encryption``).
* Hash key: always a separate key derived with HKDF-SHA256 (info ``gongkai.foi.id-hash``) from
  ``FOI_HASH_KEY`` if set, else from ``SECRET_KEY``. It never encrypts anything, and the
  encryption key never hashes anything.

Rotation
--------
Encryption keys rotate with ``MultiFernet``: put the new key first in ``FOI_ENCRYPTION_KEY``
and keep the old ones after it; tokens made with any listed key still decrypt, new tokens use
the first. ``rotate_token(token)`` re-encrypts one token under the newest key (run it over all
applications, then drop the old key). If you move from the SECRET_KEY-derived key to an explicit
key, list the derived key as the old one (``derived_encryption_key()`` prints it).
Changing SECRET_KEY without an explicit ``FOI_ENCRYPTION_KEY`` makes stored numbers unreadable,
so production should always set ``FOI_ENCRYPTION_KEY`` (and ``FOI_HASH_KEY``) explicitly.
The hash key cannot rotate without the clear numbers: after changing it, recompute
``Application.id_number_hash`` from the decrypted numbers.

Nothing here logs or returns the number in an error message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from gongkai.core.errors import ApplicationError

_ENC_INFO = b"gongkai.foi.id-encryption"
_HASH_INFO = b"gongkai.foi.id-hash"


class DecryptionFailed(ApplicationError):
    code = "decryption_failed"
    default_message = "证件号码无法解密：加密密钥可能已更换"


def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def derived_encryption_key() -> bytes:
    """The Fernet key derived from SECRET_KEY (used when FOI_ENCRYPTION_KEY is unset)."""
    return base64.urlsafe_b64encode(_hkdf(settings.SECRET_KEY.encode(), _ENC_INFO))


def _fernet() -> MultiFernet:
    configured = [k.strip() for k in str(settings.FOI_ENCRYPTION_KEY or "").split(",") if k.strip()]
    keys = configured or [derived_encryption_key().decode()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _hash_key() -> bytes:
    base = str(settings.FOI_HASH_KEY or "").strip() or settings.SECRET_KEY
    return _hkdf(base.encode(), _HASH_INFO)


def normalize_id(number: str) -> str:
    """NFKC (full-width → half-width), no whitespace or dashes, upper case (the X of 身份证)."""
    text = unicodedata.normalize("NFKC", number or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-‐－—").upper()


def encrypt_id(number: str) -> str:
    return _fernet().encrypt(normalize_id(number).encode()).decode()


def decrypt_id(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise DecryptionFailed() from None


def rotate_token(token: str) -> str:
    """Re-encrypt a token under the newest key (see Rotation above)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise DecryptionFailed() from None


def id_hash(number: str) -> str:
    return hmac.new(_hash_key(), normalize_id(number).encode(), hashlib.sha256).hexdigest()


def id_tail(number: str) -> str:
    return normalize_id(number)[-4:]


def mask_id(tail: str) -> str:
    """A display mask that shows only the stored tail: ``**************1234``."""
    tail = (tail or "")[-4:]
    return "*" * 14 + tail if tail else "—"
