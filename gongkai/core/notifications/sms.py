"""The SMS channel (短信): a small backend interface, chosen by the GONGKAI_SMS_BACKEND setting.

    GONGKAI_SMS_BACKEND = "gongkai.core.notifications.sms.ConsoleSmsBackend"   # the default

The default backend sends nothing: it logs a masked number (138****5678) and the length of the
text. To plug in a provider (an operator's SMS gateway, a cloud SMS service), subclass
`SmsBackend`, implement `send(phone, text)` — raise on failure — and point the setting at the
class (environment variable GONGKAI_SMS_BACKEND). Keep credentials in the environment and read
them in the backend's `__init__`. See docs/operations.md, "SMS".

Texts are short (the kind's label and the notification's title) and, like every notification,
carry no personal data of applicants or citizens. Never log a full phone number.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "gongkai.core.notifications.sms.ConsoleSmsBackend"

#: the longest text sent; one SMS holds 70 Chinese characters
MAX_LENGTH = 70


def mask_phone(phone: str) -> str:
    """138****5678: the first three and the last four digits (a +86 prefix dropped)."""
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


class SmsBackend:
    """Send one text to one mobile number. Raise on failure; the caller logs it."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Sends nothing; logs the masked number and the text length."""

    def send(self, phone: str, text: str) -> None:
        logger.info("sms (console backend) to %s: %d characters", mask_phone(phone), len(text))


class MemorySmsBackend(SmsBackend):
    """Keeps the messages in `MemorySmsBackend.outbox` (for tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


def get_backend() -> SmsBackend:
    return import_string(settings.GONGKAI_SMS_BACKEND or DEFAULT_BACKEND)()


def sms_text(label: str, title: str) -> str:
    text = f"【{settings.SITE_NAME}】{label}：{' '.join(str(title).split())}"
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1] + "…"


def send_sms(phone: str, text: str, *, backend: SmsBackend | None = None) -> bool:
    """Send; False (logged, number masked) when the backend fails."""
    try:
        (backend or get_backend()).send(phone, text)
    except Exception as exc:  # the provider's message may repeat the number: class name only
        logger.error("sms to %s failed: %s", mask_phone(phone), type(exc).__name__)
        return False
    return True
