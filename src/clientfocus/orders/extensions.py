"""What the apps above may add to the order page, without the orders app importing them."""

from __future__ import annotations

from clientfocus.core.extensions import ExtensionPoint, Panel

order_panels: ExtensionPoint[Panel] = ExtensionPoint(
    "orders.order_panels", "Cards below an order's milestones (e.g. its notifications)."
)
