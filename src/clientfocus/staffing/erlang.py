"""Queueing formulas for staffing (pure: numpy/scipy, no Django import).

Erlang C (M/M/n: callers wait as long as it takes) and Erlang A (M/M/n+M, Garnett,
Mandelbaum & Reiman 2002: callers hang up after an exponential patience).

Numerics: nothing here forms a factorial or a power of the traffic. Erlang B comes from
the stable recursion B(k) = A·B(k−1) / (k + A·B(k−1)), which stays in [0, 1] for any
traffic; Erlang C follows from B. Erlang A is solved as the birth-death chain it is, in
log space, truncated where the stationary probabilities fall below 1e-16 of the mode; its
answered-within-t probability is the transient of the tagged caller's queue position
(uniformisation), which handles hundreds of Erlangs in milliseconds.

Units: all times in seconds; ``calls`` per interval of ``interval_seconds``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

MAX_AGENTS = 100_000


class StaffingError(ValueError):
    """Input that no staffing can answer (with what is wrong, for people)."""


@dataclass(frozen=True)
class Load:
    calls: float
    interval_seconds: float
    aht_seconds: float
    patience_seconds: float | None = None  # Erlang A when given

    def __post_init__(self) -> None:
        if not (self.calls > 0 and math.isfinite(self.calls)):
            raise StaffingError("the number of contacts must be a positive number")
        if not (self.interval_seconds > 0 and math.isfinite(self.interval_seconds)):
            raise StaffingError("the interval must be a positive length of time")
        if not (self.aht_seconds > 0 and math.isfinite(self.aht_seconds)):
            raise StaffingError("the average handling time must be positive")
        if self.patience_seconds is not None and not (
            self.patience_seconds > 0 and math.isfinite(self.patience_seconds)
        ):
            raise StaffingError("the average patience must be positive")

    @property
    def arrival_rate(self) -> float:
        return self.calls / self.interval_seconds

    @property
    def erlangs(self) -> float:
        """Offered traffic A = λ · AHT."""
        return self.arrival_rate * self.aht_seconds


@dataclass(frozen=True)
class Performance:
    agents: int
    service_level: float  # share of offered contacts answered within the target time
    p_wait: float  # share that waits at all
    asa_seconds: float  # average speed of answer (mean wait, over all offered contacts)
    occupancy: float  # share of agents' time spent handling contacts
    p_abandon: float = 0.0  # Erlang A only

    def as_dict(self) -> dict[str, float | int]:
        return {
            "agents": self.agents,
            "service_level": round(self.service_level, 6),
            "p_wait": round(self.p_wait, 6),
            "asa_seconds": round(self.asa_seconds, 3),
            "occupancy": round(self.occupancy, 6),
            "p_abandon": round(self.p_abandon, 6),
        }


def erlang_b(agents: int, erlangs: float) -> float:
    """Blocking probability of n servers offered A Erlangs (stable recursion)."""
    if agents < 0:
        raise StaffingError("the number of agents cannot be negative")
    b = 1.0
    for k in range(1, agents + 1):
        b = erlangs * b / (k + erlangs * b)
    return b


def erlang_c(agents: int, erlangs: float) -> float:
    """Probability of waiting in M/M/n (requires n > A)."""
    if agents <= erlangs:
        return 1.0
    b = erlang_b(agents, erlangs)
    return agents * b / (agents - erlangs * (1 - b))


def erlang_c_performance(load: Load, agents: int, target_seconds: float) -> Performance:
    a = load.erlangs
    if agents <= a:
        # Unstable: the queue grows without bound.
        return Performance(agents, 0.0, 1.0, math.inf, 1.0)
    c = erlang_c(agents, a)
    spare = (agents - a) / load.aht_seconds
    return Performance(
        agents=agents,
        service_level=max(0.0, 1.0 - c * math.exp(-spare * target_seconds)),
        p_wait=c,
        asa_seconds=c / spare,
        occupancy=a / agents,
    )


def _stationary(agents: int, lam: float, mu: float, theta: float) -> np.ndarray:
    """π_k of the M/M/n+M chain, k = 0 … K (log-space, truncated)."""
    logs = [0.0]
    k = 0
    peak = 0.0
    while True:
        k += 1
        death = mu * min(k, agents) + theta * max(k - agents, 0)
        logs.append(logs[-1] + math.log(lam) - math.log(death))
        peak = max(peak, logs[-1])
        if k > agents and logs[-1] < peak - 37 and death > lam:
            break
        if k > agents + 10_000_000:  # pragma: no cover - guarded by the callers
            raise StaffingError("the queue does not settle; the traffic is too large")
    arr = np.array(logs)
    arr = np.exp(arr - arr.max())
    return arr / arr.sum()


def erlang_a_performance(load: Load, agents: int, target_seconds: float) -> Performance:
    """M/M/n+M: exponential patience with mean ``load.patience_seconds``."""
    if load.patience_seconds is None:
        raise StaffingError("Erlang A needs the callers' average patience")
    if agents < 1:
        raise StaffingError("at least one agent is needed")
    lam = load.arrival_rate
    mu = 1.0 / load.aht_seconds
    theta = 1.0 / load.patience_seconds
    pi = _stationary(agents, lam, mu, theta)
    n = agents
    waiting = pi[n:]  # arrivals that find all agents busy (PASTA)
    p_wait = float(waiting.sum())
    ahead = np.arange(len(waiting), dtype=float)  # callers already queued
    lq = float((ahead * waiting).sum())
    p_abandon = theta * lq / lam
    busy = float((np.minimum(np.arange(len(pi)), n) * pi).sum())
    answered_within = float(pi[:n].sum()) + p_wait * _served_by(
        waiting / max(p_wait, 1e-300), n * mu, theta, target_seconds
    )
    return Performance(
        agents=agents,
        service_level=min(1.0, answered_within),
        p_wait=p_wait,
        asa_seconds=lq / lam,  # Little's law on the queue: mean wait of all offered
        occupancy=busy / n,
        p_abandon=p_abandon,
    )


def _served_by(start: np.ndarray, service_rate: float, theta: float, t: float) -> float:
    """P(reach an agent within t, before hanging up) for a caller whose number of
    callers ahead has distribution ``start``. With i ahead the caller moves up at rate
    nμ + iθ (an agent frees, or someone ahead hangs up) and hangs up at rate θ."""
    if t <= 0:
        return 0.0
    m = len(start)
    rates = service_rate + theta * np.arange(m)  # move up from position i
    uniform = float(rates[-1] + theta)
    steps_mean = uniform * t
    last = int(steps_mean + 12 * math.sqrt(steps_mean) + 30)
    p = start.astype(float).copy()
    served = 0.0
    log_poisson = -steps_mean  # log P(N = 0)
    cumulative = 0.0
    stay = 1.0 - (rates + theta) / uniform
    move = rates / uniform
    for step in range(last + 1):
        # ``served`` now holds P(served after ``step`` uniformised jumps).
        weight = math.exp(log_poisson)
        cumulative += weight * served
        # one more jump
        reached = p[0] * move[0]
        shifted = np.empty_like(p)
        shifted[:-1] = p[:-1] * stay[:-1] + p[1:] * move[1:]
        shifted[-1] = p[-1] * stay[-1]
        p = shifted
        served += reached
        log_poisson += math.log(steps_mean) - math.log(step + 1)
    # P(served by t) = Σ_N P(N jumps by t) · P(served within N jumps)
    return min(1.0, cumulative + (1.0 - stats.poisson.cdf(last, steps_mean)) * served)


def performance(load: Load, agents: int, target_seconds: float) -> Performance:
    if target_seconds < 0:
        raise StaffingError("the target answer time cannot be negative")
    if load.patience_seconds is None:
        return erlang_c_performance(load, agents, target_seconds)
    return erlang_a_performance(load, agents, target_seconds)


def agents_needed(load: Load, *, target_seconds: float, service_level: float) -> Performance:
    """The fewest agents that answer ``service_level`` of contacts within
    ``target_seconds``, with their performance."""
    if not 0 < service_level < 1:
        raise StaffingError(
            "the service level must lie strictly between 0 and 100 % (100 % would need "
            "infinitely many agents)"
        )
    if target_seconds < 0 or not math.isfinite(target_seconds):
        raise StaffingError("the target answer time must be zero or more seconds")
    a = load.erlangs
    if a > MAX_AGENTS:
        raise StaffingError(
            f"{a:,.0f} Erlangs of traffic would need more than {MAX_AGENTS:,} agents"
        )
    low = max(1, math.floor(a) + (1 if load.patience_seconds is None else 0))
    if load.patience_seconds is not None:
        low = max(1, math.floor(a * 0.5))
    # Square-root staffing gives a good upper start; grow until the target is met.
    high = max(low + 1, math.ceil(a + 3 * math.sqrt(a) + 5))
    while performance(load, high, target_seconds).service_level < service_level:
        high *= 2
        if high > MAX_AGENTS:
            raise StaffingError("no finite number of agents meets this target")
    while low < high:  # service level grows with agents: bisection
        mid = (low + high) // 2
        if performance(load, mid, target_seconds).service_level >= service_level:
            high = mid
        else:
            low = mid + 1
    return performance(load, low, target_seconds)


def scheduled_staff(agents: int, shrinkage: float) -> int:
    """Agents on the phones → people on the roster, given the share of paid time lost
    to breaks, training, meetings and absence."""
    if not 0 <= shrinkage < 1:
        raise StaffingError("shrinkage must be at least 0 and below 100 %")
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9)


def square_root_staffing(erlangs: float, beta: float) -> float:
    """Halfin-Whitt: n ≈ A + β√A (a sanity check for the exact search)."""
    return erlangs + beta * math.sqrt(erlangs)


__all__ = [
    "Load",
    "Performance",
    "StaffingError",
    "agents_needed",
    "erlang_a_performance",
    "erlang_b",
    "erlang_c",
    "erlang_c_performance",
    "performance",
    "scheduled_staff",
]


def erlang_c_needed(
    erlangs: float, aht_seconds: float, target_seconds: float, service_level: float
) -> int:
    """The fewest agents meeting the target under Erlang C, in one upward pass: Erlang B
    is carried from n to n + 1, so the whole search costs O(agents) (a week's plan for
    ten queues evaluates thousands of intervals)."""
    if not 0 < service_level < 1:
        raise StaffingError("the service level must lie strictly between 0 and 100 %")
    if erlangs <= 0:
        return 0
    if erlangs > MAX_AGENTS:
        raise StaffingError(f"{erlangs:,.0f} Erlangs would need more than {MAX_AGENTS:,} agents")
    b = 1.0
    n = 0
    while True:
        n += 1
        b = erlangs * b / (n + erlangs * b)
        if n <= erlangs:
            continue
        c = n * b / (n - erlangs * (1 - b))
        level = 1.0 - c * math.exp(-(n - erlangs) * target_seconds / aht_seconds)
        if level >= service_level:
            return n
        if n > MAX_AGENTS:  # pragma: no cover - bounded by the traffic check
            raise StaffingError("no finite number of agents meets this target")
