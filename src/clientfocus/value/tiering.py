"""Tier policies: which tier each customer's value earns. Pure module (no Django).

A policy is data::

    {
      "metric": "lifetime_value_12m",          # or "revenue", "profitability"
      "ranks": [                                # cumulative shares of customers, best first
        {"tier": "platinum", "top_percent": 5},
        {"tier": "gold", "top_percent": 20}     # the next 15 %
      ],
      "floors": [                               # never below this tier when …
        {"tier": "silver", "open_request": "Complaint", "above_percentile": 50}
      ],
      "default": "standard"
    }

``open_request`` is true (any open request), false (none open) or a category name (an
open request in that category). Customers whose tier was set by hand (``locked``) keep
it: a manual override wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

METRICS = ("lifetime_value_12m", "revenue", "profitability")


class PolicyError(ValueError):
    """The policy text is not valid; the message says where and why."""


@dataclass(frozen=True)
class Rank:
    tier: str
    top_percent: float


@dataclass(frozen=True)
class Floor:
    tier: str
    open_request: bool | str | None
    above_percentile: float | None


@dataclass(frozen=True)
class TierPolicy:
    metric: str
    ranks: tuple[Rank, ...]
    floors: tuple[Floor, ...]
    default: str

    @classmethod
    def parse(cls, data: Any, *, known_tiers: Sequence[str]) -> TierPolicy:
        if not isinstance(data, Mapping):
            raise PolicyError("policy: expected a JSON object")
        unknown = set(data) - {"metric", "ranks", "floors", "default"}
        if unknown:
            raise PolicyError(f"policy: unknown key {sorted(unknown)[0]!r}")
        metric = data.get("metric", "lifetime_value_12m")
        if metric not in METRICS:
            raise PolicyError(f"metric: one of {', '.join(METRICS)}")

        def tier(value: Any, where: str) -> str:
            if value not in known_tiers:
                raise PolicyError(f"{where}: unknown tier {value!r}")
            return str(value)

        ranks = []
        previous = 0.0
        for i, item in enumerate(data.get("ranks") or []):
            where = f"ranks[{i}]"
            if not isinstance(item, Mapping) or set(item) != {"tier", "top_percent"}:
                raise PolicyError(f'{where}: expected {{"tier": …, "top_percent": …}}')
            share = item["top_percent"]
            if not isinstance(share, int | float) or not 0 < share <= 100:
                raise PolicyError(f"{where}.top_percent: a number above 0 and at most 100")
            if share <= previous:
                raise PolicyError(f"{where}.top_percent: shares must grow ({share} ≤ {previous})")
            previous = float(share)
            ranks.append(Rank(tier(item["tier"], f"{where}.tier"), float(share)))
        floors = []
        for i, item in enumerate(data.get("floors") or []):
            where = f"floors[{i}]"
            if not isinstance(item, Mapping) or "tier" not in item:
                raise PolicyError(f"{where}: expected an object with a tier")
            extra = set(item) - {"tier", "open_request", "above_percentile"}
            if extra:
                raise PolicyError(f"{where}: unknown condition {sorted(extra)[0]!r}")
            percentile = item.get("above_percentile")
            if percentile is not None and (
                not isinstance(percentile, int | float) or not 0 <= percentile < 100
            ):
                raise PolicyError(f"{where}.above_percentile: a number from 0 to below 100")
            open_request = item.get("open_request")
            if open_request is not None and not isinstance(open_request, bool | str):
                raise PolicyError(f"{where}.open_request: true, false or a category name")
            floors.append(
                Floor(
                    tier(item["tier"], f"{where}.tier"),
                    open_request,
                    None if percentile is None else float(percentile),
                )
            )
        if "default" not in data:
            raise PolicyError("default: required, the tier for everybody else")
        return cls(metric, tuple(ranks), tuple(floors), tier(data["default"], "default"))


def assign_tiers(
    policy: TierPolicy,
    *,
    metric: Sequence[float],
    current: Sequence[str],
    locked: Sequence[bool],
    open_requests: Mapping[bool | str, Sequence[bool]],
    tier_rank: Mapping[str, int],
) -> list[str]:
    """The tier each customer should have under ``policy``. Ties in the metric share a
    tier (no customer is ranked below another with the same value). ``open_requests``
    maps True (any category) and each category a floor names to per-customer flags."""
    values = np.asarray(metric, dtype=np.float64)
    n = len(values)
    result = np.array([policy.default] * n, dtype=object)
    if n:
        # Rank by value, best first; equal values get the better (lower) position.
        order = np.argsort(-values, kind="stable")
        position = np.empty(n, dtype=np.float64)
        sorted_values = values[order]
        first_of_value = np.searchsorted(-sorted_values, -sorted_values, side="left")
        position[order] = first_of_value
        share_before = position / n * 100  # share of customers strictly better
        assigned = np.zeros(n, dtype=bool)
        for rank in policy.ranks:
            hit = (share_before < rank.top_percent) & ~assigned
            result[hit] = rank.tier
            assigned |= hit
        for floor in policy.floors:
            applies = np.ones(n, dtype=bool)
            if floor.open_request is False:
                applies &= ~np.asarray(open_requests[True], dtype=bool)
            elif floor.open_request is not None:
                applies &= np.asarray(open_requests[floor.open_request], dtype=bool)
            if floor.above_percentile is not None:
                applies &= values > np.percentile(values, floor.above_percentile)
            below = np.array([tier_rank[t] < tier_rank[floor.tier] for t in result])
            result[applies & below] = floor.tier
    keep = np.asarray(locked, dtype=bool)
    result[keep] = np.asarray(current, dtype=object)[keep]
    return [str(t) for t in result]


def categories_needed(policy: TierPolicy) -> set[bool | str]:
    """Which open-request flags ``assign_tiers`` needs for this policy."""
    needed: set[bool | str] = set()
    for floor in policy.floors:
        if floor.open_request is False or floor.open_request is True:
            needed.add(True)
        elif floor.open_request is not None:
            needed.add(floor.open_request)
    return needed
