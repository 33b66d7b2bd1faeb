"""A discrete-event simulation of an M/M/n(+M) queue, first come first served, to check
the formulas in `erlang` against (pure: numpy only)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SimulationResult:
    offered: int
    answered_within: int
    waited: int
    abandoned: int
    total_wait: float

    @property
    def service_level(self) -> float:
        return self.answered_within / self.offered

    @property
    def p_wait(self) -> float:
        return self.waited / self.offered

    @property
    def asa_seconds(self) -> float:
        return self.total_wait / self.offered

    @property
    def p_abandon(self) -> float:
        return self.abandoned / self.offered


def simulate(
    *,
    arrival_rate: float,
    aht_seconds: float,
    agents: int,
    target_seconds: float,
    patience_seconds: float | None = None,
    arrivals: int = 200_000,
    seed: int = 1,
    warmup: int = 5_000,
) -> SimulationResult:
    """Poisson arrivals, exponential handling (and patience); the first ``warmup``
    arrivals are not counted."""
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.exponential(1 / arrival_rate, arrivals))
    handling = rng.exponential(aht_seconds, arrivals)
    patience = (
        rng.exponential(patience_seconds, arrivals)
        if patience_seconds is not None
        else np.full(arrivals, np.inf)
    )
    free_at = [0.0] * agents  # heap of the times each agent becomes free
    heapq.heapify(free_at)
    offered = within = waited = abandoned = 0
    total_wait = 0.0
    # FCFS with abandonment: a caller starts when an agent frees, unless their patience
    # ran out first; then that agent takes the next caller at the same instant.
    for i in range(arrivals):
        arrive = times[i]
        start = max(arrive, free_at[0])
        wait = start - arrive
        counted = i >= warmup
        if wait > patience[i]:
            if counted:
                offered += 1
                abandoned += 1
                waited += 1
                total_wait += patience[i]
            continue
        heapq.heapreplace(free_at, start + handling[i])
        if counted:
            offered += 1
            waited += wait > 0
            within += wait <= target_seconds
            total_wait += wait
    return SimulationResult(offered, within, waited, abandoned, total_wait)
