"""Reading the scorecard and the month's figures: from the stored snapshots only (a page
runs a few small queries however large the company)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from clientfocus.people.models import Department
from clientfocus.scorecard import labels, levels
from clientfocus.scorecard.models import MonthFigures, Snapshot
from clientfocus.scorecard.services import month_start, previous_month, thresholds

HISTORY = 12


@dataclass
class Line:
    code: str
    level: str
    name: str
    unit: str
    direction: str
    why: str
    value: float | None
    part: int
    whole: int
    threshold_then: float
    met_then: bool | None
    threshold_now: float
    met_now: bool | None
    history: list[float | None]  # oldest first, the last HISTORY months
    slope: float | None
    improving: bool | None
    link: str

    @property
    def shown(self) -> str:
        return labels.display(self.code, self.unit, self.value)

    def threshold_shown(self, value: float) -> str:
        return labels.display(self.code, self.unit, value)

    @property
    def threshold_then_shown(self) -> str:
        return self.threshold_shown(self.threshold_then)

    @property
    def threshold_now_shown(self) -> str:
        return self.threshold_shown(self.threshold_now)

    @property
    def retuned(self) -> bool:
        return abs(self.threshold_then - self.threshold_now) > 1e-9

    @property
    def level_name(self) -> str:
        return str(labels.LEVEL_NAMES[self.level])


@dataclass
class Card:
    month: date
    scope: str
    scope_name: str
    final: bool
    computed_at: object
    lines: list[Line] = field(default_factory=list)
    months: list[date] = field(default_factory=list)  # the HISTORY months, oldest first
    level_then: str | None = None
    level_now: str | None = None
    steps: list[Line] = field(default_factory=list)

    @property
    def measured(self) -> bool:
        return bool(self.lines)

    @property
    def level_then_name(self) -> str:
        return str(labels.LEVEL_NAMES[self.level_then]) if self.level_then else ""

    @property
    def level_now_name(self) -> str:
        return str(labels.LEVEL_NAMES[self.level_now]) if self.level_now else ""

    def by_level(self) -> list[tuple[str, list[Line]]]:
        return [
            (str(labels.LEVEL_NAMES[level]), [x for x in self.lines if x.level == level])
            for level in levels.LEVELS
            if any(x.level == level for x in self.lines)
        ]


def latest_month() -> date:
    found = Snapshot.objects.order_by("-month").values_list("month", flat=True).first()
    return found or month_start(timezone.localdate())


def card(user, *, month: date | None = None, scope: str = "") -> Card:
    """The scorecard for a month and scope ("" = company), with a year of history. The
    caller has checked `permissions.can_see_scope`."""
    month = month or latest_month()
    months = [month]
    for _ in range(HISTORY - 1):
        months.insert(0, previous_month(months[0]))
    snaps = list(
        Snapshot.objects.filter(scope=scope, month__gte=months[0], month__lte=month).values_list(
            "month", "code", "value", "part", "whole", "threshold", "met", "final", "computed_at"
        )
    )
    name = (
        Department.objects.filter(code=scope).values_list("name", flat=True).first()
        if scope
        else ""
    )
    result = Card(month=month, scope=scope, scope_name=name or "", final=False,
                  computed_at=None, months=months)  # fmt: skip
    history: dict[str, dict[date, float | None]] = {}
    current = {}
    for m, code, value, part, whole, threshold, met, final, at in snaps:
        history.setdefault(code, {})[m] = value
        if m == month:
            current[code] = (value, part, whole, threshold, met)
            result.final, result.computed_at = final, at
    limits = thresholds()
    for c in levels.CRITERIA:
        if c.code not in current:
            continue
        value, part, whole, threshold, met = current[c.code]
        series = [history.get(c.code, {}).get(m) for m in months]
        slope = levels.trend(series)
        result.lines.append(
            Line(
                code=c.code, level=c.level, name=str(labels.NAMES[c.code]), unit=c.unit,
                direction=c.direction, why=c.why, value=value, part=part, whole=whole,
                threshold_then=threshold, met_then=met, threshold_now=limits[c.code],
                met_now=levels.meets(c.code, value, limits[c.code]), history=series,
                slope=slope, improving=levels.improving(c.code, slope),
                link=labels.source_url(c.code),
            )
        )  # fmt: skip
    then = [levels.Result(x.code, x.value, x.threshold_then, x.met_then, x.level)
            for x in result.lines]  # fmt: skip
    now = [levels.Result(x.code, x.value, x.threshold_now, x.met_now, x.level)
           for x in result.lines]  # fmt: skip
    result.level_then = levels.level_reached(then) if then else None
    result.level_now = levels.level_reached(now) if now else None
    by_code = {x.code: x for x in result.lines}
    result.steps = [by_code[r.code] for r in levels.next_steps(now)]
    return result


def department_levels(month: date) -> list[tuple[str, str, str | None]]:
    """(code, name, level reached with today's thresholds) for each department."""
    limits = thresholds()
    per: dict[str, list[levels.Result]] = {}
    for scope, code, value in (
        Snapshot.objects.filter(month=month).exclude(scope="").values_list("scope", "code", "value")
    ):
        per.setdefault(scope, []).append(
            levels.Result(
                code,
                value,
                limits[code],
                levels.meets(code, value, limits[code]),
                levels.BY_CODE[code].level,
            )
        )
    return [
        (code, name, levels.level_reached(per[code]) if per.get(code) else None)
        for code, name in Department.objects.order_by("name").values_list("code", "name")
    ]


def figures_of(kind: str, month: date | None = None) -> tuple[date, dict, bool]:
    """The month's stored figures of a kind (the latest month with them by default)."""
    rows = MonthFigures.objects.filter(kind=kind)
    if month is not None:
        rows = rows.filter(month=month)
    row = rows.order_by("-month").values_list("month", "data", "final").first()
    if row is None:
        return month or month_start(timezone.localdate()), {}, False
    return row[0], row[1], row[2]
