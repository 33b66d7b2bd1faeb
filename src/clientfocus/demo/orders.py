"""The demo order history, the value figures computed from it and an example tier policy."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import numpy as np

from clientfocus.customers.models import Customer
from clientfocus.orders.models import Order
from clientfocus.value.lifetime import BGNBD, GammaGamma, simulate_bgnbd, simulate_spend
from clientfocus.value.models import TierPolicyVersion
from clientfocus.value.services import refresh_values


def load_orders(customers: list[Customer], rng: random.Random, now: datetime) -> None:
    """Two years of order history drawn from the purchase and spend models, richer for
    higher tiers, then the value figures and an example tier policy (not applied)."""

    weeks = [rng.uniform(8, 104) for _ in customers]
    x, t_x, _ = simulate_bgnbd(BGNBD(0.9, 6.0, 0.7, 3.0), len(customers), np.array(weeks), seed=11)
    spend = simulate_spend(GammaGamma(6.0, 3.7, 120.0), x, seed=11)
    boost = {"standard": 1.0, "silver": 1.5, "gold": 2.5, "platinum": 4.0}
    lines = ["Kitchen", "Laundry", "Cooling", "Small appliances", "Service plans"]
    orders = []
    for i, customer in enumerate(customers):
        first = now - timedelta(weeks=weeks[i])
        count = 1 + int(x[i])
        for k in range(count):
            when = first + timedelta(weeks=float(t_x[i]) * k / max(count - 1, 1))
            base = float(spend[i]) if k else rng.uniform(60, 400)
            amount = max(base, 15.0) * boost.get(customer.tier.code, 1.0)
            orders.append(
                Order(
                    order_id=f"NH-{customer.pk:05d}-{k:03d}",
                    customer=customer,
                    placed_at=when,
                    amount=round(amount, 2),
                    currency="EUR",
                    channel=rng.choice(["web", "web", "shop", "phone"]),
                    product_line=rng.choice(lines),
                )
            )
    Order.objects.bulk_create(orders, batch_size=2000)
    refresh_values(now=now)
    TierPolicyVersion.objects.create(
        version=1,
        note="Example: top 5 % platinum, next 15 % gold",
        rules={
            "metric": "lifetime_value_12m",
            "ranks": [{"tier": "platinum", "top_percent": 5}, {"tier": "gold", "top_percent": 20}],
            "floors": [{"tier": "silver", "open_request": True, "above_percentile": 50}],
            "default": "standard",
        },
    )
