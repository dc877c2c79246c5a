"""Working-day arithmetic: gongkai's calendar against the chinesecalendar package's find_workday.

    .venv/bin/python bench/workdays.py [--n 20000]

Both compute "the n-th working day after a date" for the same random (date, n) pairs in
2005-2025 with n in 1..40 (the Regulation's deadlines are 7, 15 and 20 working days, 40 with
an extension). Start dates are working days, where both libraries agree on day 0; the script
checks that every answer matches and prints calls per second and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()

    import chinese_calendar

    from gongkai.core.workdays import WorkdayCalendar, package_years

    calendar = WorkdayCalendar(package_years())
    rng = random.Random(42)
    cases = []
    while len(cases) < args.n:
        day = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 20))
        if calendar.is_workday(day):
            cases.append((day, rng.randint(1, 40)))

    t0 = time.perf_counter()
    ours = [calendar.add_workdays(d, n) for d, n in cases]
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = [chinese_calendar.find_workday(n, d) for d, n in cases]
    t_theirs = time.perf_counter() - t0

    mismatches = sum(a != b for a, b in zip(ours, theirs, strict=True))
    print(f"cases: {len(cases)}  mismatches: {mismatches}")
    print(f"gongkai add_workdays:         {len(cases) / t_ours:12,.0f} calls/s")
    print(f"chinesecalendar find_workday: {len(cases) / t_theirs:12,.0f} calls/s")
    print(f"ratio (gongkai / chinesecalendar): {t_theirs / t_ours:.2f}x")


if __name__ == "__main__":
    main()
