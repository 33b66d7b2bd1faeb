"""What the orders app announces to the apps above it (``clientfocus.core.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from clientfocus.core.events import Event
from clientfocus.orders.models import Order, OrderMilestone


@dataclass(frozen=True)
class MilestoneRecorded(Event):
    """A milestone of an order was recorded (by staff, a carrier webhook or an import).
    Published inside the transaction: the notifications it causes commit with it."""

    milestone: OrderMilestone
    order: Order
