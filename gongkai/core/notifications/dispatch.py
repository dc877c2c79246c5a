"""`notify()`: the one way to tell staff that something waits for them.

Call it inside the transaction of the state change it reports: the in-app rows are written in
that transaction (so they roll back with it), and delivery by the other channels (email, SMS)
is handed over on commit.

    notify(
        kind="plans.task_returned",
        users=unit_staff(task.unit, roles=("liaison",)),
        title=f"任务被退回：{task.item.title[:40]}",
        body=reason,
        url=f"/workbench/plans/tasks/{task.pk}/",
        actor=actor,
    )

Delivery runs in the job queue (huey), so a slow mail server never holds up the request; code
that already runs in a job (the reminder engine) passes `deliver_now=True` to deliver in-process
right after commit.

The actor (whoever caused the event) is never notified of their own action. Each user gets one
notification per call even when listed twice. Titles, bodies and URLs must not carry personal
data of applicants or citizens: tracking codes, dates, unit names only.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction

from gongkai.core.models import Notification

from .jobs import hand_over
from .kinds import get_kind


def _distinct_active(users: Iterable, actor=None) -> list:
    seen: set[int] = set()
    out = []
    actor_id = getattr(actor, "pk", None)
    for user in users:
        if user is None or user.pk in seen or not user.is_active or user.pk == actor_id:
            continue
        seen.add(user.pk)
        out.append(user)
    return out


def notify(
    *,
    kind: str,
    users: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    actor=None,
    deliver_now: bool = False,
) -> list[Notification]:
    """Write one in-app notification of `kind` per distinct active user (the actor excluded)
    and hand the other channels the rest after commit (queued, or in-process with
    `deliver_now`). Returns the notifications written."""
    get_kind(kind)  # refuse an unregistered kind
    recipients = _distinct_active(users, actor)
    if not recipients:
        return []
    created = Notification.objects.bulk_create(
        Notification(user=u, kind=kind, title=title[:200], body=body, url=url[:300])
        for u in recipients
    )
    ids = [n.pk for n in created if n.pk is not None]
    if ids:
        transaction.on_commit(partial(hand_over, ids, now=deliver_now))
    return created
