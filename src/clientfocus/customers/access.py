"""The access log of customer records (who opened or exported which customer, when):
written wherever a record is read, shown to administrators, pruned after
ACCESS_LOG_DAYS."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from clientfocus.core.errors import NotAllowed
from clientfocus.core.filters import parse_uuid
from clientfocus.customers.models import AccessAction, Customer, RecordAccess
from clientfocus.people.selectors import is_admin


def record_access(*, actor, customer: Customer, action: str, via: str) -> RecordAccess:
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    return RecordAccess.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        customer=customer,
        action=action,
        via=via[:40],
    )


def access_log(
    user,
    *,
    customer_id: uuid.UUID | str | None = None,
    actor_name: str | None = None,
    before: datetime | None = None,
    limit: int = 100,
) -> QuerySet[RecordAccess]:
    """The newest entries first (older than ``before`` for the next page), filtered by a
    customer's public id and an employee's user name; a filter naming nobody finds
    nothing. Administrators only."""
    if not is_admin(user):
        raise NotAllowed("the access log is for administrators")
    customer = actor = None
    if customer_id:
        public_id = customer_id if isinstance(customer_id, uuid.UUID) else parse_uuid(customer_id)
        customer = Customer.objects.filter(public_id=public_id).first() if public_id else None
        if customer is None:
            return RecordAccess.objects.none()
    if actor_name:
        actor = get_user_model().objects.filter(username=actor_name[:150]).first()
        if actor is None:
            return RecordAccess.objects.none()
    return entries(customer=customer, actor=actor, before=before, limit=limit)


def entries(
    *,
    customer: Customer | None = None,
    actor=None,
    before: datetime | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> QuerySet[RecordAccess]:
    """The log without a reader's check: for the operator's command line."""
    rows = RecordAccess.objects.select_related("customer", "actor")
    if since is not None:
        rows = rows.filter(at__gte=since)
    if customer is not None:
        rows = rows.filter(customer=customer)
    if actor is not None:
        rows = rows.filter(actor=actor)
    if before is not None:
        rows = rows.filter(at__lt=before)
    return rows.order_by("-at", "-id")[:limit]


def prune_access_log(*, now: datetime | None = None) -> int:
    """Forget entries older than ACCESS_LOG_DAYS; returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCESS_LOG_DAYS)
    deleted, _ = RecordAccess.objects.filter(at__lt=cutoff).delete()
    return deleted
