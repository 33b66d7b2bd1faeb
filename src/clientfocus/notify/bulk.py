"""Telling many customers at once (an idea's outcome to 100k voters, a fee rise to every
customer of a tier): their addresses read as plain rows, and the outbox written in one
pass — COPY on PostgreSQL with ids taken from the sequence first (so the caller can point
its own rows at each message), bulk inserts elsewhere. No model instance per customer."""

from __future__ import annotations

import uuid
from datetime import datetime
from types import SimpleNamespace

from django.db import connection

from clientfocus.customers.models import ContactKind, ContactPoint, Customer
from clientfocus.notify.models import DeliveryState, Notification

BATCH = 2000
_CUSTOMER_FIELDS = (
    "id", "language", "timezone", "consent_email", "consent_sms", "preferred_channel",
    "erased_at", "tier_id",
)  # fmt: skip
_COLUMNS = (
    "id", "key", "customer_id", "channel", "recipient", "subject", "body", "headers",
    "reply_to", "attachments", "sensitive", "state", "attempts", "next_attempt_at",
    "last_error", "created_at",
)  # fmt: skip

# (customer id, channel, recipient, subject, body, send at)
Message = tuple[int, str, str, str, str, datetime]


def reachable(ids: list[int]) -> list[SimpleNamespace]:
    """What telling needs of these customers (channel, consent, first address of each
    kind, language, zone, tier), as plain rows; ``notify.services.customer_address``
    reads them like customers."""
    emails: dict[int, str] = {}
    phones: dict[int, str] = {}
    contacts = ContactPoint.objects.filter(customer_id__in=ids).order_by("position", "id")
    for customer_id, kind, value in contacts.values_list("customer_id", "kind", "value"):
        (emails if kind == ContactKind.EMAIL else phones).setdefault(customer_id, value)
    return [
        SimpleNamespace(
            pk=row[0], language=row[1], timezone=row[2], consent_email=row[3],
            consent_sms=row[4], preferred_channel=row[5], erased_at=row[6], tier_id=row[7],
            primary_email=emails.get(row[0], ""), primary_phone=phones.get(row[0], ""),
        )
        for row in Customer.objects.filter(pk__in=ids).values_list(*_CUSTOMER_FIELDS)
    ]  # fmt: skip


def write_outbox(messages: list[Message], *, now: datetime, sensitive: bool = False) -> list[int]:
    """Store the messages as pending notifications; their ids, in order. Call inside the
    transaction of what causes them."""
    if not messages:
        return []
    if connection.vendor != "postgresql":
        created = Notification.objects.bulk_create(
            [
                Notification(customer_id=c, channel=ch, recipient=r, subject=sub[:250], body=text,
                             state=DeliveryState.PENDING, next_attempt_at=at, created_at=now,
                             sensitive=sensitive)
                for c, ch, r, sub, text, at in messages
            ],
            batch_size=BATCH,
        )  # fmt: skip
        return [n.pk for n in created]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('notify_notification', 'id')) "
            "FROM generate_series(1, %s)",
            [len(messages)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(f"COPY notify_notification ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for pk, (c, ch, r, sub, text, at) in zip(ids, messages, strict=True):
                copy.write_row(
                    (pk, uuid.uuid4(), c, ch, r, sub[:250], text, "{}", "", "[]", sensitive,
                     DeliveryState.PENDING.value, 0, at, "", now)
                )  # fmt: skip
    return ids
