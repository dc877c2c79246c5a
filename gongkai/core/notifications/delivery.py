"""Delivery of notifications beyond the app (email, SMS), after the state change commits.

`notify()` hands the ids of the notifications it wrote to `jobs.hand_over` on commit, which queues
`deliver_notifications` as a job (`jobs.deliver_notifications_task`; in-process when asked,
or when the queue is unreachable). For each notification, the recipient's preference for its kind (`preferences.preference_for`) decides:

* email  immediate → one email now (users with an address only);
         digest    → queued; `send_digests()` (the daily job, 08:00 on working days) sends each
                     user one email listing everything queued since the last digest;
         none      → no email.
* sms    on → a short text (kind label + title) to `User.phone` through the SMS backend
         (`sms.py`).

`Notification.email_status` records what became of the email (pending → sent / digest / none /
failed), so nothing is emailed twice: the digest claims its rows with a conditional update
before sending and gives them back if the mail server fails. Failures are logged with ids and
counts only — never an address or a number — and never break the state change that notified.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from gongkai.core.models import EmailMode, EmailStatus, Notification

from . import sms
from .kinds import kind_label
from .preferences import preferences_for

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "【政务公开】"
FOOTER = "此邮件由政务公开工作平台自动发送，请勿直接回复。"


def absolute_url(url: str) -> str:
    if not url or "://" in url:
        return url
    return str(settings.GONGKAI_BASE_URL).rstrip("/") + url


def email_body(notification: Notification) -> str:
    parts = [notification.body.strip()] if notification.body.strip() else []
    link = absolute_url(notification.url)
    if link and link not in notification.body:
        parts.append(f"查看：{link}")
    parts.append(FOOTER)
    return "\n\n".join(parts)


def _message(notification: Notification) -> EmailMessage:
    return EmailMessage(
        subject=SUBJECT_PREFIX + notification.title,
        body=email_body(notification),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
    )


def _send(messages: list[EmailMessage]) -> list[bool]:
    """Send each message on one connection; which ones went out."""
    results = []
    connection = None
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as exc:
        logger.error("email connection failed: %s", type(exc).__name__)
        return [False] * len(messages)
    try:
        for message in messages:
            message.connection = connection
            try:
                results.append(bool(message.send(fail_silently=False)))
            except Exception as exc:
                logger.error("email failed: %s", type(exc).__name__)
                results.append(False)
    finally:
        try:
            connection.close()
        except Exception as exc:  # closing a broken connection must not hide the results
            logger.warning("email connection close failed: %s", type(exc).__name__)
    return results


def deliver_notifications(notification_ids: list[int]) -> None:
    """Email and text the notifications `notification_ids` per their recipients' preferences.
    Runs after commit; never raises."""
    try:
        _deliver(notification_ids)
    except Exception:
        logger.exception("delivery of notifications %s failed", notification_ids)


def _deliver(notification_ids: list[int]) -> None:
    notifications = list(
        Notification.objects.filter(pk__in=notification_ids, email_status=EmailStatus.PENDING)
        .select_related("user")
        .order_by("pk")
    )
    if not notifications:
        return
    prefs = preferences_for([n.user for n in notifications], {n.kind for n in notifications})
    now = timezone.now()
    queued = 0
    immediate: list[Notification] = []
    texts: list[tuple[Notification, str]] = []
    for n in notifications:
        mode, wants_sms = prefs[(n.user_id, n.kind)]
        if not n.user.email or mode == EmailMode.NONE:
            target = EmailStatus.NONE
        elif mode == EmailMode.DIGEST:
            target = EmailStatus.DIGEST
        else:
            target = EmailStatus.SENT
        # claim the row: a second delivery of the same ids (a retried job) finds it taken
        claimed = Notification.objects.filter(pk=n.pk, email_status=EmailStatus.PENDING).update(
            email_status=target, emailed_at=now if target == EmailStatus.SENT else None
        )
        if not claimed:
            continue
        if target == EmailStatus.SENT:
            immediate.append(n)
        queued += target == EmailStatus.DIGEST
        if wants_sms and n.user.phone:
            texts.append((n, sms.sms_text(kind_label(n.kind), n.title)))

    results = _send([_message(n) for n in immediate]) if immediate else []
    failed = [n.pk for n, ok in zip(immediate, results, strict=True) if not ok]
    if failed:
        Notification.objects.filter(pk__in=failed).update(
            email_status=EmailStatus.FAILED, emailed_at=None
        )
    backend = sms.get_backend() if texts else None
    sent_texts = sum(1 for n, text in texts if sms.send_sms(n.user.phone, text, backend=backend))
    logger.info(
        "notifications %s..%s delivered: %d emailed, %d email failures, %d queued for the "
        "digest, %d texts",
        notifications[0].pk,
        notifications[-1].pk,
        len(immediate) - len(failed),
        len(failed),
        queued,
        sent_texts,
    )


# -- the daily digest ---------------------------------------------------------------------------


def digest_body(notifications: list[Notification]) -> str:
    lines = [f"您有 {len(notifications)} 条通知：", ""]
    for n in notifications:
        when = timezone.localtime(n.created_at).strftime("%m-%d %H:%M")
        lines.append(f"· {when} {kind_label(n.kind)}：{n.title}")
        if n.url:
            lines.append(f"  {absolute_url(n.url)}")
    lines += ["", f"全部通知：{absolute_url('/workbench/notifications/')}", "", FOOTER]
    return "\n".join(lines)


class _Taken(Exception):
    pass


def send_digests() -> dict[str, int]:
    """Send each user with queued notifications one email listing them; mark them emailed.
    Returns counts {"users": …, "emails": …, "notifications": …, "failed": …}."""
    queued = (
        Notification.objects.filter(email_status=EmailStatus.DIGEST)
        .values_list("user_id", flat=True)
        .distinct()
    )
    counts = {"users": 0, "emails": 0, "notifications": 0, "failed": 0}
    for user_id in sorted(set(queued)):
        try:
            with transaction.atomic():
                rows = list(
                    Notification.objects.select_for_update(of=("self",))
                    .filter(user_id=user_id, email_status=EmailStatus.DIGEST)
                    .select_related("user")
                    .order_by("created_at", "pk")
                )
                ids = [n.pk for n in rows]
                claimed = Notification.objects.filter(
                    pk__in=ids, email_status=EmailStatus.DIGEST
                ).update(email_status=EmailStatus.SENT, emailed_at=timezone.now())
                if claimed != len(ids):  # another worker took some: leave them all to it
                    raise _Taken
        except _Taken:
            continue
        if not rows:
            continue
        counts["users"] += 1
        user = rows[0].user
        if not user.email or not user.is_active:
            Notification.objects.filter(pk__in=ids).update(
                email_status=EmailStatus.NONE, emailed_at=None
            )
            continue
        message = EmailMessage(
            subject=f"{SUBJECT_PREFIX}每日通知汇总（{len(rows)}条）",
            body=digest_body(rows),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        if _send([message]) == [True]:
            counts["emails"] += 1
            counts["notifications"] += len(ids)
            logger.info("digest sent: user=%s notifications=%d", user_id, len(ids))
        else:
            # give them back: the next digest tries again
            Notification.objects.filter(pk__in=ids).update(
                email_status=EmailStatus.DIGEST, emailed_at=None
            )
            counts["failed"] += 1
            logger.error("digest failed: user=%s notifications=%d", user_id, len(ids))
    return counts
