"""A staffing plan for one queue: per interval, what is needed and what is rostered
(pure: no Django import).

All contacts of a queue wait in the same line, so each tier's target is checked against
the queue's whole traffic; the queue needs the most agents any tier's target asks for.
Agents on the phones come from the rostered people after shrinkage (breaks, training,
meetings). Erlang C plans the week; with a patience (``patience_seconds``), the expected
service level and abandonment of the rostered staffing come from Erlang A.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from clientfocus.staffing.erlang import (
    Load,
    StaffingError,
    erlang_c_needed,
    performance,
    scheduled_staff,
)


@dataclass(frozen=True)
class Target:
    tier: str
    service_level: float  # e.g. 0.8
    target_seconds: float  # e.g. 20

    def __post_init__(self) -> None:
        if not 0 < self.service_level < 1:
            raise StaffingError(
                f"{self.tier}: the service level must lie strictly between 0 and 100 %"
            )
        if self.target_seconds < 0:
            raise StaffingError(f"{self.tier}: the target time cannot be negative")


@dataclass(frozen=True)
class IntervalPlan:
    index: int
    contacts: float
    erlangs: float
    agents_needed: int  # on the phones, for the strictest target
    needed_by_tier: dict[str, int]  # on the phones, for each tier's own target
    staff_needed: int  # rostered, after shrinkage
    staff_rostered: int
    agents_available: int  # rostered after shrinkage
    gap: int  # rostered − needed (negative: short)
    service_levels: dict[str, float | None]  # per tier, with the rostered staff
    asa_seconds: float | None
    p_abandon: float | None


def plan_intervals(
    contacts: Sequence[float],
    rostered: Sequence[int],
    *,
    interval_seconds: float,
    aht_seconds: float,
    targets: Sequence[Target],
    shrinkage: float,
    patience_seconds: float | None = None,
) -> list[IntervalPlan]:
    if len(contacts) != len(rostered):
        raise StaffingError("the forecast and the roster cover different intervals")
    if not targets:
        raise StaffingError("the queue has no answer-time target")
    if interval_seconds <= 0 or aht_seconds <= 0:
        raise StaffingError("the interval and the handling time must be positive")
    scheduled_staff(1, shrinkage)  # validates shrinkage
    rows = []
    for index, (calls, people) in enumerate(zip(contacts, rostered, strict=True)):
        if calls < 0 or people < 0:
            raise StaffingError("contacts and rostered staff cannot be negative")
        erlangs = calls * aht_seconds / interval_seconds
        by_tier = {
            t.tier: erlang_c_needed(erlangs, aht_seconds, t.target_seconds, t.service_level)
            for t in targets
        }
        needed = max(by_tier.values(), default=0)
        staff = scheduled_staff(needed, shrinkage) if needed else 0
        available = math.floor(people * (1 - shrinkage) + 1e-9)
        levels: dict[str, float | None] = {}
        asa = abandon = None
        if calls > 0 and available > 0:
            load = Load(calls, interval_seconds, aht_seconds, patience_seconds)
            for target in targets:
                result = performance(load, available, target.target_seconds)
                levels[target.tier] = result.service_level
                asa = result.asa_seconds
                abandon = result.p_abandon if patience_seconds else None
        elif calls > 0:
            levels = {t.tier: 0.0 for t in targets}
        else:
            levels = {t.tier: None for t in targets}
            asa = 0.0
        rows.append(
            IntervalPlan(
                index=index,
                contacts=round(calls, 2),
                erlangs=round(erlangs, 3),
                agents_needed=needed,
                needed_by_tier=by_tier,
                staff_needed=staff,
                staff_rostered=people,
                agents_available=available,
                gap=people - staff,
                service_levels=levels,
                asa_seconds=None if asa is None or math.isinf(asa) else round(asa, 1),
                p_abandon=abandon,
            )
        )
    return rows


def expected_wait_seconds(*, ahead: int, agents: int, aht_seconds: float) -> float | None:
    """Expected wait of a caller with ``ahead`` callers in front when all ``agents`` are
    busy (first come first served, exponential handling): (ahead + 1) · AHT / agents.
    None when nobody is on duty."""
    if agents <= 0:
        return None
    if ahead < 0:
        return 0.0
    return (ahead + 1) * aht_seconds / agents
