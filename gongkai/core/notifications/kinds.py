"""The registry of notification kinds (通知类型).

Every notification has a kind: a dotted key owned by the app that sends it
(`plans.task_returned`, `foi.application_assigned`, `reminders.plans.overdue` …). Apps register
their kinds in `AppConfig.ready()`:

    register_kind("plans.task_returned", _("任务被退回"), group=_("工作台账"))

The registry gives the preference page its rows and lets `notify()` refuse a misspelt kind.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    group: str = ""
    #: whether a user who has not chosen otherwise gets this kind by email at once
    email_by_default: bool = True
    order: int = 100


_registry: dict[str, NotificationKind] = {}


class UnknownKind(LookupError):
    pass


def register_kind(
    key: str, label, *, group="", email_by_default: bool = True, order: int = 100
) -> NotificationKind:
    kind = NotificationKind(key, label, group, email_by_default, order)
    _registry[key] = kind
    return kind


def get_kind(key: str) -> NotificationKind:
    try:
        return _registry[key]
    except KeyError:
        raise UnknownKind(f"notification kind {key!r} is not registered") from None


def all_kinds() -> list[NotificationKind]:
    return sorted(_registry.values(), key=lambda k: (k.order, k.key))


def kind_label(key: str) -> str:
    """The kind's label; "通知" for a kind no longer registered."""
    kind = _registry.get(key)
    return str(kind.label) if kind else "通知"


def default_email_mode(key: str) -> str:
    """ "immediate" or "none", from the kind's `email_by_default` (immediate for an unknown kind)."""
    kind = _registry.get(key)
    return "immediate" if kind is None or kind.email_by_default else "none"
