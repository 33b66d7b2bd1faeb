"""Reads of orders shared by the UI and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from clientfocus.orders.models import Order


def customer_orders(customer_id: int, *, limit: int = 100) -> QuerySet[Order]:
    """A customer's orders, newest first."""
    return Order.objects.filter(customer_id=customer_id).order_by("-placed_at")[:limit]
