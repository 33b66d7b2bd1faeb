"""What the apps above may add to the value engine without it importing them."""

from __future__ import annotations

from collections.abc import Callable

from clientfocus.core.extensions import ExtensionPoint

# source() -> {customer id: cost}: what else serving each customer cost (e.g. grants).
cost_sources: ExtensionPoint[Callable[[], dict[int, float]]] = ExtensionPoint(
    "value.cost_sources", "Costs of serving each customer besides staff time (e.g. grants)."
)


def other_costs() -> dict[int, float]:
    total: dict[int, float] = {}
    for source in cost_sources:
        for customer_id, cost in source().items():
            total[customer_id] = total.get(customer_id, 0.0) + float(cost)
    return total
