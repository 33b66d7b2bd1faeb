"""Reads of notifications for pages and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clientfocus.notify.models import Notification
from clientfocus.notify.permissions import notifications_visible_to


def for_customer(
    customer_id: int, *, user, limit: int = 50, request_ids_visible=None
) -> QuerySet[Notification]:
    """The customer's notifications ``user`` may see (those about a request they may
    not see are left out), newest first. A page that already holds the reader's
    visible request ids passes them."""
    rows = Notification.objects.filter(customer_id=customer_id)
    if request_ids_visible is not None:
        rows = rows.filter(Q(request__isnull=True) | Q(request_id__in=request_ids_visible))
    else:
        rows = notifications_visible_to(user, rows)
    return rows.order_by("-created_at")[:limit]


def for_order(order_id: int, *, user, limit: int = 50) -> QuerySet[Notification]:
    rows = Notification.objects.filter(order_id=order_id)
    return notifications_visible_to(user, rows).order_by("-created_at")[:limit]
