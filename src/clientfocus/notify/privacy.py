"""The notification app's part of erasure and retention: the address, subject and text of
what was sent go; channel, state and times stay (delivery figures do not change).
Messages still in the outbox are left to be sent, except on erasure, where they are
dropped (nobody is to be contacted at an erased address)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from clientfocus.customers.models import Customer
from clientfocus.customers.privacy import REDACTED, RetentionSweep
from clientfocus.notify.models import DeliveryState, Notification

FINISHED = (DeliveryState.SENT, DeliveryState.DEAD, DeliveryState.SKIPPED)


def _anonymise(rows: QuerySet[Notification]) -> int:
    return rows.exclude(recipient=REDACTED).update(
        recipient=REDACTED, subject="", body=REDACTED, headers={}, reply_to="", attachments=[]
    )


def erase(customer: Customer) -> dict[str, int]:
    rows = Notification.objects.filter(customer=customer)
    dropped = rows.filter(state=DeliveryState.PENDING).update(
        state=DeliveryState.SKIPPED, last_error="customer erased"
    )
    return {"notifications": _anonymise(rows), "unsent notifications dropped": dropped}


def _expired(cutoff: datetime) -> QuerySet[Notification]:
    return Notification.objects.filter(created_at__lt=cutoff, state__in=FINISHED).exclude(
        recipient=REDACTED
    )


retention = RetentionSweep("notifications sent", _expired, "created_at", _anonymise)
