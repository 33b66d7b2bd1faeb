"""The outbox: enqueue inside the caller's transaction; workers claim, deliver, retry."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientfocus.notify.channels import DeliveryError, send
from clientfocus.notify.models import Channel, DeliveryState, Notification

LEASE = timedelta(seconds=60)


def enqueue(
    *, channel: str, recipient: str, body: str, subject: str = "", customer=None, order=None
) -> Notification:
    """Write a notification into the outbox. Call it inside the transaction of the event
    that causes it: if that transaction rolls back, nothing is sent."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    return Notification.objects.create(
        channel=channel,
        recipient=recipient,
        body=body,
        subject=subject[:250],
        customer=customer,
        order=order,
    )


def backoff(attempt: int) -> timedelta:
    """Exponential backoff with full jitter: up to base * 2^(attempt-1), capped."""
    ceiling = min(
        settings.NOTIFY_BACKOFF_CAP_SECONDS,
        settings.NOTIFY_BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0),
    )
    return timedelta(seconds=random.uniform(0, ceiling))


def claim_due(*, limit: int = 50, now: datetime | None = None) -> list[Notification]:
    """Take up to ``limit`` due notifications for this worker. Rows are locked and
    skipped by other workers (SKIP LOCKED); a claim is a lease: a worker that dies
    mid-delivery leaves the row to be claimed again when the lease runs out."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                state__in=[DeliveryState.PENDING, DeliveryState.SENDING], next_attempt_at__lte=now
            )
            .order_by("next_attempt_at")[:limit]
        )
        for row in rows:
            row.state = DeliveryState.SENDING
            row.attempts += 1
            row.next_attempt_at = now + LEASE
        Notification.objects.bulk_update(rows, ["state", "attempts", "next_attempt_at"])
    return rows


def deliver(notification: Notification, *, now: datetime | None = None) -> bool:
    """One attempt. Success marks it sent; failure schedules a retry with backoff, or
    marks it dead after NOTIFY_MAX_ATTEMPTS (staff can resend it)."""
    try:
        send(notification)
    except DeliveryError as exc:
        now = now or timezone.now()
        dead = notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        Notification.objects.filter(pk=notification.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.DEAD if dead else DeliveryState.PENDING,
            next_attempt_at=now + (timedelta(0) if dead else backoff(notification.attempts)),
            last_error=str(exc)[:500],
        )
        return False
    Notification.objects.filter(pk=notification.pk).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def deliver_due(*, limit: int = 50) -> int:
    """Claim and deliver what is due; returns how many were sent."""
    return sum(deliver(n) for n in claim_due(limit=limit))


@transaction.atomic
def resend(*, notification: Notification) -> Notification:
    """Put a failed (or sent) notification back in the queue with the same key."""
    Notification.objects.filter(pk=notification.pk).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    notification.refresh_from_db()
    return notification


def retry_dead() -> int:
    """Queue every dead notification again; returns how many."""
    return Notification.objects.filter(state=DeliveryState.DEAD).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
