"""Generating a year's ledger: 200 items × 50 units on SQLite (target: under 2 s).

    .venv/bin/python bench/ledger.py [--items 200] [--units 50] [--database-url URL]

Builds a throw-away database (a temporary SQLite file unless --database-url is given), creates
a plan whose items carry a realistic mix of rules (taken from the seed: 40 % monthly, 10 %
quarterly, the rest one-period: yearly, once, continuous, timely), each item assigned to every
unit, then times `ledger_generate` — due dates on the working-day calendar, bulk inserts — and
prints the figure. A second run with every item monthly shows the worst case.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="gongkai-bench-")
    os.environ["GONGKAI_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)

    from gongkai.orgs.models import Membership, Role, Unit, User
    from gongkai.plans.models import ItemUnit, Plan, PlanItem, ScheduleRule, Task
    from gongkai.plans.services import ledger_generate

    actor = User.objects.create(username="bench")
    Membership.objects.create(user=actor, role=Role.COORDINATOR)
    units = Unit.objects.bulk_create(
        Unit(name=f"单位{n}", short_name=f"单位{n}") for n in range(args.units)
    )

    mix = [
        ("monthly", {"day": 25}),
        ("monthly", {"day": "end"}),
        ("monthly", {"day": "end"}),
        ("monthly", {"day": 10}),
        ("quarterly", {}),
        ("yearly", {}),
        ("once", {"month": 6, "day": "end"}),
        ("continuous", {}),
        ("timely", {"workdays": 20}),
        ("once", {"month": 12, "day": "end"}),
    ]

    def build(title: str, rules) -> Plan:
        with transaction.atomic():
            plan = Plan.objects.create(title=title, year=args.year)
            items = PlanItem.objects.bulk_create(
                PlanItem(plan=plan, path=["一", str(n)], position=n + 1, title=f"任务{n}", text="")
                for n in range(args.items)
            )
            ItemUnit.objects.bulk_create(
                ItemUnit(item=item, unit=unit, role="responsible", position=k)
                for item in items
                for k, unit in enumerate(units)
            )
            ScheduleRule.objects.bulk_create(
                ScheduleRule(
                    item=item, kind=rules[n % len(rules)][0], params=rules[n % len(rules)][1]
                )
                for n, item in enumerate(items)
            )
        return plan

    print(
        f"database: {connection.vendor}  items: {args.items}  units: {args.units}  year: {args.year}"
    )
    for label, rules in (("seed mix", mix), ("all monthly", [("monthly", {"day": 25})])):
        plan = build(label, rules)
        t0 = time.perf_counter()
        created = ledger_generate(actor=actor, plan=plan)
        elapsed = time.perf_counter() - t0
        assert created == Task.objects.filter(item__plan=plan).count()
        print(
            f"{label:12s}: {created:7,d} tasks in {elapsed:5.2f} s  ({created / elapsed:9,.0f} tasks/s)"
            f"  {'OK' if elapsed < 2 else 'OVER'} (target < 2 s)"
        )


if __name__ == "__main__":
    main()
