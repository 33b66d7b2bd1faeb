"""Whether a grant is within an employee's limit (pure: no Django).

A limit says, for one role, one kind of grant and one customer tier (or every tier),
how much one grant may be and how much one customer may receive in a period (of that
kind, from anybody). A tier's own limit wins over the every-tier limit; no limit at all
means the role may not grant that kind on its own. ``None`` as an amount: no ceiling.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Limit:
    per_grant: Decimal | None
    per_customer: Decimal | None
    period_days: int = 30


@dataclass(frozen=True)
class Verdict:
    within: bool
    reason: str  # "" when within; else what is exceeded


def pick(limits: Iterable[tuple[Hashable | None, Limit]], tier: Hashable | None) -> Limit | None:
    """The limit that applies to a customer of ``tier``: the tier's own, else the one for
    every tier (key None), else None."""
    general = None
    for key, limit in limits:
        if key is not None and key == tier:
            return limit
        if key is None:
            general = limit
    return general


def judge(limit: Limit | None, amount: Decimal, already: Decimal) -> Verdict:
    """Is a grant of ``amount`` within ``limit`` when the customer already received
    ``already`` of this kind within the limit's period?"""
    if limit is None:
        return Verdict(False, "no limit for this role")
    if limit.per_grant is not None and amount > limit.per_grant:
        return Verdict(False, f"above {limit.per_grant} per grant")
    if limit.per_customer is not None and already + amount > limit.per_customer:
        return Verdict(
            False, f"above {limit.per_customer} per customer in {limit.period_days} days"
        )
    return Verdict(True, "")
