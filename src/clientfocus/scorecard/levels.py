"""The three levels of customer orientation and the criteria that say which one a company
has reached (S14; pure: no Django import).

A company climbs quality service → professional service → service centre. Each level is
a set of criteria measured from the company's own data each month; each criterion has a
threshold an administrator may tune (defaults and the reasoning below). A level is reached
when every criterion of it, and of the levels below, meets its threshold; a criterion with
no data that month does not count as met (nothing proves it), and is said to have no data.

Shares are 0–1; ``at_least`` criteria are met at or above the threshold, ``at_most`` at
or below it.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("quality", "professional", "centre")


@dataclass(frozen=True)
class Criterion:
    code: str
    level: str
    unit: str  # "share" (0–1), "points" (NPS −100…100), "days"
    direction: str  # "at_least" | "at_most"
    default: float
    why: str  # the reasoning behind the default
    per_department: bool = True
    lowest: float = 0.0
    highest: float = 1.0


CRITERIA: tuple[Criterion, ...] = (
    Criterion("first_response", "quality", "share", "at_least", 0.9,
              "Nine in ten first answers within the promised time is what customers notice "
              "as dependable; below that, every tenth customer chases us."),
    Criterion("resolution", "quality", "share", "at_least", 0.85,
              "Resolution targets include work other departments do; 85 % leaves room for "
              "the hard cases without making lateness normal."),
    Criterion("first_contact", "quality", "share", "at_least", 0.6,
              "Resolved with at most one answer from us; help desks commonly see 50–75 % "
              "for customer requests."),
    Criterion("promised", "quality", "share", "at_least", 0.99,
              "No request without a promise: every request opened should carry a due time "
              "the customer was told."),
    Criterion("csat", "quality", "share", "at_least", 0.8,
              "Share of CSAT answers of 4 or 5; 80 % is a common bar for good service."),
    Criterion("trained", "professional", "share", "at_least", 0.9,
              "Staff who completed the courses their queues require; new joiners in their "
              "first weeks keep it below 100 %."),
    Criterion("playbook_coverage", "professional", "share", "at_least", 0.5,
              "Half of the resolved requests handled with a playbook means the common cases "
              "are written down."),
    Criterion("knowledge_reuse", "professional", "share", "at_least", 0.3,
              "Resolved requests where a reply template was used: proven answers reused."),
    Criterion("internal_csat", "professional", "share", "at_least", 0.8,
              "Departments serve each other as customers: the same bar as for customers."),
    Criterion("grants_in_time", "professional", "share", "at_least", 0.9,
              "Grants above an employee's limit decided within a day: staff can promise "
              "the customer an answer tomorrow."),
    Criterion("tiers_reviewed", "centre", "days", "at_most", 365,
              "Value-based tiers applied, and the tier policy reviewed within a year.",
              per_department=False, highest=3650),
    Criterion("nps", "centre", "points", "at_least", 30,
              "An NPS of 30 or more: clearly more promoters than detractors.",
              per_department=False, lowest=-100, highest=100),
    Criterion("nps_trend", "centre", "points", "at_least", 0,
              "NPS of the last three months against the three before: not falling.",
              per_department=False, lowest=-200, highest=200),
    Criterion("detractors_in_time", "centre", "share", "at_least", 0.9,
              "Unhappy customers called back by the follow-up's due time."),
    Criterion("close_the_loop", "centre", "share", "at_least", 0.8,
              "Customers told what became of their feedback and ideas."),
    Criterion("alerts_in_time", "centre", "share", "at_least", 0.9,
              "Alerts on rising complaint themes acted on within two days.",
              per_department=False),
    Criterion("proactive", "centre", "share", "at_least", 0.9,
              "Delayed orders whose customer was told within a day of the delay, before "
              "they had to ask.", per_department=False),
    Criterion("at_risk_in_time", "centre", "share", "at_least", 0.8,
              "Valuable customers drifting away contacted by the due date."),
)  # fmt: skip

BY_CODE = {c.code: c for c in CRITERIA}


def validate_threshold(code: str, value: float) -> float:
    """The threshold if it is within the criterion's range; ValueError says why not."""
    criterion = BY_CODE.get(code)
    if criterion is None:
        raise ValueError(f"unknown criterion {code!r}")
    if value != value or not criterion.lowest <= value <= criterion.highest:  # NaN too
        raise ValueError(
            f"{code}: the threshold must be between {criterion.lowest:g} and {criterion.highest:g}"
        )
    return float(value)


def meets(code: str, value: float | None, threshold: float) -> bool | None:
    """Met, not met, or None when there is no data."""
    if value is None:
        return None
    if BY_CODE[code].direction == "at_most":
        return value <= threshold
    return value >= threshold


@dataclass(frozen=True)
class Result:
    code: str
    value: float | None
    threshold: float
    met: bool | None
    level: str


def evaluate(values: dict[str, float | None], thresholds: dict[str, float],
             codes: list[str] | None = None) -> list[Result]:  # fmt: skip
    """Each criterion's result for the month (``codes``: the ones that apply, e.g. for a
    department)."""
    out = []
    for c in CRITERIA:
        if codes is not None and c.code not in codes:
            continue
        threshold = thresholds.get(c.code, c.default)
        value = values.get(c.code)
        out.append(Result(c.code, value, threshold, meets(c.code, value, threshold), c.level))
    return out


def level_reached(results: list[Result]) -> str | None:
    """The highest level whose criteria, and those of every level below, are all met;
    None before quality service is reached. A level with no criterion that applies is
    passed through (a department has no NPS of its own)."""
    reached = None
    for level in LEVELS:
        mine = [r for r in results if r.level == level]
        if mine and not all(r.met for r in mine):
            break
        reached = level
    return reached


def gap(result: Result) -> float:
    """How far a criterion is from its threshold, as a share of the criterion's range
    (0 = met; 1 = no data, as far as it gets)."""
    if result.met:
        return 0.0
    if result.value is None:
        return 1.0
    c = BY_CODE[result.code]
    return min(abs(result.threshold - result.value) / (c.highest - c.lowest), 1.0)


def next_steps(results: list[Result], count: int = 3) -> list[Result]:
    """What would move the company to the next level soonest: the unmet criteria of the
    lowest level not reached (then the one above), closest to their threshold first;
    criteria without data last (they need the work started, not improved)."""
    reached = level_reached(results)
    start = 0 if reached is None else LEVELS.index(reached) + 1
    order = {level: i for i, level in enumerate(LEVELS)}
    unmet = [r for r in results if not r.met and order[r.level] >= start]
    unmet.sort(key=lambda r: (order[r.level], r.value is None, gap(r)))
    return unmet[:count]


def trend(values: list[float | None]) -> float | None:
    """The least-squares slope per month over the months with data (oldest first);
    None with fewer than three points."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 3:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if var == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var


def improving(code: str, slope: float | None) -> bool | None:
    """Whether the trend goes the right way for this criterion."""
    if slope is None or abs(slope) < 1e-9:
        return None
    return slope < 0 if BY_CODE[code].direction == "at_most" else slope > 0
