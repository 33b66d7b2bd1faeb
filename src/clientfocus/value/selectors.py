"""Reads for the value page and API: segments, tiers, concentration, distributions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Avg, Count, QuerySet, Sum

from clientfocus.customers.models import Customer
from clientfocus.value.models import CustomerValue, ValueFit


@dataclass
class GroupFigures:
    name: str
    customers: int
    revenue: float
    cost_to_serve: float
    profitability: float
    average_value_12m: float | None


def _groups(rows: QuerySet, key: str) -> list[GroupFigures]:
    return [
        GroupFigures(
            name=str(row[key] or "—"),
            customers=row["customers"],
            revenue=float(row["revenue"] or 0),
            cost_to_serve=float(row["cost"] or 0),
            profitability=float(row["profit"] or 0),
            average_value_12m=row["clv"],
        )
        for row in rows.values(key)
        .annotate(
            customers=Count("pk"),
            revenue=Sum("revenue"),
            cost=Sum("cost_to_serve"),
            profit=Sum("profitability"),
            clv=Avg("lifetime_value_12m"),
        )
        .order_by("-profit")
    ]


def by_segment() -> list[GroupFigures]:
    return _groups(CustomerValue.objects.all(), "segment")


def by_tier() -> list[GroupFigures]:
    return _groups(CustomerValue.objects.all(), "customer__tier__name")


def revenue_concentration(shares: tuple[float, ...] = (0.01, 0.05, 0.20)) -> dict[str, float]:
    """Share of all revenue brought by the top 1 / 5 / 20 % of customers."""
    revenue = np.sort(
        np.array(
            [
                float(v)
                for v in CustomerValue.objects.filter(revenue__gt=0).values_list(
                    "revenue", flat=True
                )
            ]
        )
    )[::-1]
    total = revenue.sum()
    if total <= 0:
        return {f"top {round(share * 100)} %": 0.0 for share in shares}
    return {
        f"top {round(share * 100)} %": round(
            float(revenue[: max(1, int(np.ceil(share * len(revenue))))].sum() / total) * 100, 1
        )
        for share in shares
    }


def rfm_grid() -> list[list[int]]:
    """Customers by recency score (rows, 5 = most recent) and frequency score (columns)."""
    grid = [[0] * 5 for _ in range(5)]
    for r, f, n in (
        CustomerValue.objects.filter(recency_score__gte=1, frequency_score__gte=1)
        .values_list("recency_score", "frequency_score")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        grid[5 - r][f - 1] = n
    return grid


def value_histogram(bins: int = 10) -> list[tuple[float, float, int]]:
    """(from, to, customers) for the 12-month expected value."""
    values = np.array(
        list(
            CustomerValue.objects.filter(lifetime_value_12m__isnull=False).values_list(
                "lifetime_value_12m", flat=True
            )
        ),
        dtype=np.float64,
    )
    if len(values) == 0:
        return []
    top = float(np.quantile(values, 0.99)) or float(values.max()) or 1.0
    counts, edges = np.histogram(np.clip(values, 0, top), bins=bins, range=(0, top))
    return [
        (round(float(edges[i]), 2), round(float(edges[i + 1]), 2), int(counts[i]))
        for i in range(bins)
    ]


def latest_fit() -> ValueFit | None:
    return ValueFit.objects.order_by("-computed_at").first()


def customers_per_tier() -> list[tuple[str, int]]:
    """Every customer counted in their current tier, highest tier first."""

    return [
        (row["tier__name"], row["n"])
        for row in Customer.objects.values("tier__name", "tier__rank")
        .annotate(n=Count("pk"))
        .order_by("-tier__rank")
    ]
