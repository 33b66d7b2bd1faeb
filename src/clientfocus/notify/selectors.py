"""Reads of notifications for pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from clientfocus.notify.models import Notification


def for_customer(customer_id: int, *, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(customer_id=customer_id).order_by("-created_at")[:limit]


def for_order(order_id: int, *, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(order_id=order_id).order_by("-created_at")[:limit]
