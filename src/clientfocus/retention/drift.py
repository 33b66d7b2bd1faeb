"""Which valuable customers are drifting away, and why (pure: no Django import).

The daily worklist (S9, S11, S13) reads facts about each customer gathered by the app's
services and asks `assess` for the signals; `effect` says whether contacting them made a
difference. Signals, each with its own evidence:

- ``value_falling``: P(alive) or the 12-month expected value fell against the customer's
  own history (the highest of their monthly marks): by at least ``drop_share`` of it and,
  for P(alive), by at least ``drop_points`` (so 0.04 → 0.02 is not "halved");
- ``detractor``: a score on the low end (NPS 0–6, CSAT 1–2, CES 6–7) or an angry
  comment within ``recent_days``;
- ``breached``: requests whose service target was breached within ``recent_days``;
- ``complaint``: a negative item whose theme is still unresolved (its follow-up open, or
  an alert on the theme not closed) within ``complaint_days``;
- ``stopped_after_delay``: an order was delayed, nothing was bought since, and the
  customer's usual interval between purchases (at least ``min_gap_days``) has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scipy.stats import fisher_exact

SIGNALS = ("value_falling", "detractor", "breached", "complaint", "stopped_after_delay")
# How much each signal weighs in the order of the worklist (value at stake × weight).
WEIGHTS = {
    "value_falling": 1.0,
    "detractor": 1.5,
    "breached": 1.0,
    "complaint": 1.25,
    "stopped_after_delay": 1.25,
}


@dataclass(frozen=True)
class Rules:
    drop_share: float = 0.3
    drop_points: float = 0.15
    recent_days: int = 30
    complaint_days: int = 60
    min_gap_days: int = 30


@dataclass
class Facts:
    """What is known about one customer today; empty means "nothing of that kind"."""

    p_alive: float | None = None
    value: float | None = None
    # The monthly marks (P(alive), value) of earlier months, any order.
    history: list[tuple[float | None, float | None]] = field(default_factory=list)
    low_scores: list[dict] = field(default_factory=list)  # {kind, score, item, at}
    angry: list[dict] = field(default_factory=list)  # {item, at}
    breaches: list[str] = field(default_factory=list)  # request references
    complaints: list[dict] = field(default_factory=list)  # {theme, item}
    delay_days_ago: int | None = None  # the latest delayed order's delay, days ago
    delayed_order: str = ""
    days_since_order: int | None = None
    usual_gap_days: float | None = None


@dataclass(frozen=True)
class Signal:
    code: str
    detail: dict

    def as_dict(self) -> dict:
        return {"code": self.code, **self.detail}


def _peak(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def assess(facts: Facts, rules: Rules = Rules()) -> list[Signal]:
    """The signals that say this customer is drifting, strongest evidence first."""
    found: list[Signal] = []
    peak_alive = _peak([p for p, _ in facts.history])
    peak_value = _peak([v for _, v in facts.history])
    falling = {}
    if facts.p_alive is not None and peak_alive is not None:
        drop = peak_alive - facts.p_alive
        if drop >= rules.drop_points and drop >= rules.drop_share * peak_alive:
            falling["p_alive"] = [round(peak_alive, 3), round(facts.p_alive, 3)]
    if (
        facts.value is not None
        and peak_value is not None
        and peak_value > 0
        and peak_value - facts.value >= rules.drop_share * peak_value
    ):
        falling["value"] = [round(peak_value, 2), round(facts.value, 2)]
    if falling:
        found.append(Signal("value_falling", falling))
    if facts.low_scores or facts.angry:
        found.append(
            Signal("detractor", {"scores": facts.low_scores[:3], "angry": facts.angry[:3]})
        )
    if facts.breaches:
        found.append(
            Signal("breached", {"requests": facts.breaches[:5], "count": len(facts.breaches)})
        )
    if facts.complaints:
        found.append(Signal("complaint", {"items": facts.complaints[:3]}))
    if (
        facts.delay_days_ago is not None
        and facts.days_since_order is not None
        and facts.days_since_order >= facts.delay_days_ago
    ):
        gap = max(float(facts.usual_gap_days or 0), float(rules.min_gap_days))
        if facts.days_since_order >= gap:
            found.append(
                Signal(
                    "stopped_after_delay",
                    {
                        "order": facts.delayed_order,
                        "days_since_order": facts.days_since_order,
                        "usual_gap_days": round(gap),
                    },
                )
            )
    return found


def priority(signals: list[Signal], value: float | None) -> float:
    """Order of the worklist: the value at stake times the weight of the evidence."""
    weight = sum(WEIGHTS.get(s.code, 1.0) for s in signals)
    return round(max(value or 0.0, 0.0) * weight, 2)


@dataclass(frozen=True)
class Effect:
    contacted: int
    contacted_bought: int
    not_contacted: int
    not_contacted_bought: int
    p_value: float | None  # one-sided Fisher exact: contacting did not help
    enough: bool

    @staticmethod
    def rate(bought: int, n: int) -> float | None:
        return round(bought / n, 3) if n else None

    @property
    def contacted_rate(self) -> float | None:
        return self.rate(self.contacted_bought, self.contacted)

    @property
    def not_contacted_rate(self) -> float | None:
        return self.rate(self.not_contacted_bought, self.not_contacted)


def effect(
    contacted: tuple[int, int], not_contacted: tuple[int, int], *, min_group: int = 10
) -> Effect:
    """Compare how many bought again among the contacted and the others: (customers,
    of whom bought) for each. Too few in either group is said, not hidden."""
    (n1, b1), (n2, b2) = contacted, not_contacted
    if not (0 <= b1 <= n1 and 0 <= b2 <= n2):
        raise ValueError("buyers must be between 0 and the group size")
    enough = n1 >= min_group and n2 >= min_group
    p = None
    if n1 and n2:
        # One-sided: P(this many buyers among the contacted, or more) if contacting
        # changed nothing.
        p = round(float(fisher_exact([[b1, n1 - b1], [b2, n2 - b2]], "greater")[1]), 4)
    return Effect(n1, b1, n2, b2, p, enough)
