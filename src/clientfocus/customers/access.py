"""The access log of customer records (who opened or exported which customer, when):
written wherever a record is read, shown to administrators, pruned after
ACCESS_LOG_DAYS."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from clientfocus.core.errors import NotAllowed
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
    customer: Customer | None = None,
    actor=None,
    before: datetime | None = None,
    limit: int = 100,
) -> QuerySet[RecordAccess]:
    """The newest entries first (older than ``before`` for the next page); administrators
    only."""
    if not is_admin(user):
        raise NotAllowed("the access log is for administrators")
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
