"""Background jobs of the FOI app (discovered by `run_huey`).

Both run daily at 08:30 Beijing time (`gongkai.core.schedule`). The deadline reminders are a
source of the reminder engine (`gongkai.foi.reminders`), sent by core's daily job.

* `expire_foi_fees` — on working days closes every application whose 信息处理费 was not paid by
  the date in the fee notice (`services.fees.fees_expire_overdue`: （六）其他处理 2, with the
  termination notice); returns at once on days off, so an expiry falling on a holiday is
  recorded on the next working day.
* `remove_expired_captchas` — every day, deletes the expired rows of django-simple-captcha
  (`CaptchaStore.remove_expired`); the public form creates one per page view.
"""

from __future__ import annotations

import datetime as dt
import logging

from huey.contrib.djhuey import db_periodic_task

from gongkai.core.schedule import at_0830_local, should_run
from gongkai.core.schedule import today as _today

logger = logging.getLogger(__name__)


def run_fee_expiry(day: dt.date | None = None) -> int | None:
    """The fee job's body: None on a day off, else how many applications were closed."""
    from .services.fees import fees_expire_overdue

    day = day or _today()
    if not should_run(day):
        logger.info("foi fee expiry %s: not a working day, nothing done", day.isoformat())
        return None
    closed = fees_expire_overdue(today=day)
    logger.info("foi fee expiry %s: %d application(s) closed", day.isoformat(), closed)
    return closed


@db_periodic_task(at_0830_local)
def expire_foi_fees() -> None:
    """Daily at 08:30 Beijing time; closes unpaid fee notices only on working days."""
    run_fee_expiry()


def run_captcha_cleanup() -> int:
    """Delete the expired captcha rows; returns how many there were (0 without the app)."""
    from django.apps import apps

    if not apps.is_installed("captcha"):
        return 0
    from captcha.models import CaptchaStore
    from django.utils import timezone

    expired = CaptchaStore.objects.filter(expiration__lte=timezone.now()).count()
    CaptchaStore.remove_expired()
    logger.info("captcha cleanup: %d expired row(s) removed", expired)
    return expired


@db_periodic_task(at_0830_local)
def remove_expired_captchas() -> None:
    """Daily at 08:30 Beijing time, holidays included."""
    run_captcha_cleanup()
