"""Write audit records. Call from a service, inside the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from django.db import connections, router

from .models import AuditEvent
from .request_context import current_client_ip


class AuditOutsideTransaction(RuntimeError):
    pass


def audit_record(
    *,
    actor,
    action: str,
    obj: Any = None,
    unit=None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one audit event. Refuses to run outside a transaction, so that a change and its
    record commit or roll back together."""
    db = router.db_for_write(AuditEvent)
    if not connections[db].in_atomic_block:
        raise AuditOutsideTransaction("audit_record must be called inside transaction.atomic()")
    if unit is None and obj is not None:
        unit = getattr(obj, "unit", None)
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_label=str(actor) if actor is not None else "系统",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        unit=unit if getattr(unit, "pk", None) else None,
        summary=summary[:500],
        before=before,
        after=after,
        ip_address=current_client_ip(),
    )


def changes(obj, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe snapshot of `fields` on `obj` for before/after summaries."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if hasattr(value, "pk"):
            value = value.pk
        elif not isinstance(value, str | int | float | bool | type(None) | list | dict):
            value = str(value)
        out[name] = value
    return out
