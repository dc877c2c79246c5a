"""Per user and kind: email at once, in the daily digest or not at all, and SMS on or off
(`NotificationPreference`; no row = the kind's default). Read by delivery, written by the
settings page (/workbench/notifications/settings/)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.models import EmailMode, NotificationPreference

from .kinds import all_kinds, default_email_mode, get_kind


@dataclass(frozen=True)
class Choice:
    kind: str
    email: str
    sms: bool


def preferences_for(users: Iterable, kinds: Iterable[str]) -> dict[tuple[int, str], tuple]:
    """{(user id, kind): (email mode, sms)} for every pair, defaults filled in."""
    users = list(users)
    kinds = set(kinds)
    stored = {
        (p.user_id, p.kind): (p.email, p.sms)
        for p in NotificationPreference.objects.filter(
            user__in=[u.pk for u in users], kind__in=kinds
        )
    }
    return {
        (u.pk, k): stored.get((u.pk, k), (default_email_mode(k), False))
        for u in users
        for k in kinds
    }


def preference_for(user, kind: str) -> tuple[str, bool]:
    return preferences_for([user], [kind])[(user.pk, kind)]


def user_choices(user) -> list[Choice]:
    """The user's choice for every registered kind, in registry order."""
    kinds = [k.key for k in all_kinds()]
    prefs = preferences_for([user], kinds)
    return [Choice(k, *prefs[(user.pk, k)]) for k in kinds]


def preferences_save(*, user, choices: Mapping[str, tuple[str, bool]]) -> int:
    """Store `choices` {kind: (email mode, sms)} for the user (their own settings only). A
    choice equal to the kind's default removes the row. Returns how many kinds changed."""
    modes = set(EmailMode.values)
    for key, (email, wants_sms) in choices.items():
        get_kind(key)  # an unknown kind is a programming error, not user input
        if email not in modes:
            raise ValidationFailed(_("邮件方式无效，请重新选择。"))
        if wants_sms and not user.phone:
            raise ValidationFailed(_("您的账号没有登记手机号码，不能开启短信提醒。"))
    current = {c.kind: (c.email, c.sms) for c in user_choices(user)}
    changed = {k: v for k, v in choices.items() if current.get(k) != tuple(v)}
    if not changed:
        return 0
    with transaction.atomic():
        for key, (email, wants_sms) in changed.items():
            if email == default_email_mode(key) and not wants_sms:
                NotificationPreference.objects.filter(user=user, kind=key).delete()
            else:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=key, defaults={"email": email, "sms": bool(wants_sms)}
                )
        audit_record(
            actor=user,
            action="notifications.preferences_saved",
            obj=user,
            summary=f"通知设置：修改 {len(changed)} 项",
            after={k: {"email": e, "sms": bool(s)} for k, (e, s) in sorted(changed.items())},
        )
    return len(changed)
