"""Demo units and accounts for `gongkai demo`: the seed plan's nine units and one account per role."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from gongkai.core.audit import audit_record

from .codes import uscc_make
from .models import Membership, Role, Unit, User


@dataclass
class DemoAccount:
    username: str
    display_name: str
    role: Role
    unit_short_name: str | None
    password: str | None = None  # set only when created now


DEMO_ACCOUNTS = [
    DemoAccount("admin", "系统管理员", Role.ADMIN, None),
    DemoAccount("gongkaiban", "公开办 王主任", Role.COORDINATOR, None),
    DemoAccount("leader", "分管领导 李区长", Role.LEADER, None),
    DemoAccount("fgcz_liaison", "发改财政局 联络员 陈敏", Role.LIAISON, "区发改财政局"),
    DemoAccount("fgcz_reviewer", "发改财政局 审核人 周强", Role.REVIEWER, "区发改财政局"),
    DemoAccount("shsy_liaison", "社会事业局 联络员 林芳", Role.LIAISON, "区社会事业局"),
    DemoAccount("shsy_reviewer", "社会事业局 审核人 黄伟", Role.REVIEWER, "区社会事业局"),
]


def _new_password() -> str:
    # Readable, strong enough for a demo: 4 groups of 4 from an unambiguous alphabet.
    alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def demo_units() -> list[dict]:
    text = resources.files("gongkai.orgs").joinpath("data/demo_units.json").read_text("utf-8")
    return json.loads(text)


@transaction.atomic
def demo_load(*, reset_passwords: bool = False) -> tuple[list[Unit], list[DemoAccount]]:
    """Create the demo units and accounts when missing. Returns accounts with `password` set for
    those created (or reset) now; existing passwords are never shown again."""
    units = []
    for order, data in enumerate(demo_units(), start=1):
        unit, created = Unit.objects.get_or_create(
            name=data["name"],
            defaults={
                "short_name": data["short_name"],
                "aliases": data["aliases"],
                "code": uscc_make(serial=data["serial"]),
                "sort_order": order * 10,
                "contact_phone": f"0756-36{order:02d}{order:04d}",
                "address": f"珠海高新区政务服务中心{order}楼",
            },
        )
        if created:
            audit_record(actor=None, action="unit.create", obj=unit, unit=unit, summary="演示数据")
        units.append(unit)
    by_short = {u.short_name: u for u in units}
    accounts = []
    for spec in DEMO_ACCOUNTS:
        account = DemoAccount(spec.username, spec.display_name, spec.role, spec.unit_short_name)
        user = User.objects.filter(username=spec.username).first()
        if user is None or reset_passwords:
            account.password = _new_password()
            if user is None:
                user = User(username=spec.username, display_name=spec.display_name)
            user.set_password(account.password)
            user.save()
            audit_record(actor=None, action="user.create", obj=user, summary="演示账号")
        unit = by_short.get(spec.unit_short_name) if spec.unit_short_name else None
        Membership.objects.get_or_create(user=user, role=spec.role, unit=unit)
        accounts.append(account)
    return units, accounts
