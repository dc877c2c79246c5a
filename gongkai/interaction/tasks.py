"""Background jobs of citizen interaction (discovered by `run_huey`).

* `close_consultations` — every day at 00:10 Beijing time, closes each open consultation whose
  end date has passed (`services.consultations.consultations_close_due`).

The message deadline reminders are the "interaction" source of core's reminder engine
(`gongkai.interaction.reminders`).
"""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_periodic_task

from gongkai.core.schedule import at_local
from gongkai.core.schedule import today as _today

logger = logging.getLogger(__name__)


def run_close_consultations(day=None) -> int:
    from .services.consultations import consultations_close_due

    day = day or _today()
    closed = consultations_close_due(day)
    logger.info("consultations closed on %s: %d", day.isoformat(), closed)
    return closed


@db_periodic_task(at_local(0, 10))
def close_consultations():
    return run_close_consultations()
