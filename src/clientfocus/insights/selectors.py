"""Service-desk figures for managers: load and target attainment per tier and queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from clientfocus.service.models import ACTIVE_STATES, Request, SlaState

WINDOWS = (7, 30)


@dataclass
class Row:
    key: object
    label: str
    open: int = 0
    due_soon: int = 0
    breached: int = 0
    # window days -> (met, total) for first response and resolution
    first_response: dict[int, tuple[int, int]] = field(default_factory=dict)
    resolution: dict[int, tuple[int, int]] = field(default_factory=dict)

    @staticmethod
    def share(pair: tuple[int, int] | None) -> float | None:
        if not pair or not pair[1]:
            return None
        return round(100 * pair[0] / pair[1], 1)

    def first_response_share(self, days: int) -> float | None:
        return self.share(self.first_response.get(days))

    def resolution_share(self, days: int) -> float | None:
        return self.share(self.resolution.get(days))

    @property
    def first_response_7(self) -> float | None:
        return self.first_response_share(7)

    @property
    def first_response_30(self) -> float | None:
        return self.first_response_share(30)

    @property
    def resolution_7(self) -> float | None:
        return self.resolution_share(7)

    @property
    def resolution_30(self) -> float | None:
        return self.resolution_share(30)


def _group(requests: QuerySet[Request], key: str, label: str, now: datetime) -> list[Row]:
    rows: dict[object, Row] = {}

    def row(k: object, name: str) -> Row:
        return rows.setdefault(k, Row(key=k, label=name))

    active = (
        requests.filter(state__in=ACTIVE_STATES)
        .values(key, label)
        .annotate(
            open=Count("pk"),
            due_soon=Count(
                "pk",
                filter=Q(due_at__lte=now + timedelta(hours=24)) & ~Q(sla_state=SlaState.BREACHED),
            ),
            breached=Count("pk", filter=Q(sla_state=SlaState.BREACHED)),
        )
    )
    for values in active:
        r = row(values[key], values[label])
        r.open, r.due_soon, r.breached = values["open"], values["due_soon"], values["breached"]
    longest = now - timedelta(days=max(WINDOWS))
    answered = requests.filter(first_responded_at__gte=longest, first_response_met__isnull=False)
    resolved = requests.filter(resolved_at__gte=longest, resolution_met__isnull=False)
    aggregates = {}
    for days in WINDOWS:
        since = now - timedelta(days=days)
        aggregates[days] = since
    fr = answered.values(key, label).annotate(
        **{
            f"met{d}": Count("pk", filter=Q(first_responded_at__gte=s, first_response_met=True))
            for d, s in aggregates.items()
        },
        **{
            f"all{d}": Count("pk", filter=Q(first_responded_at__gte=s))
            for d, s in aggregates.items()
        },
    )
    for values in fr:
        r = row(values[key], values[label])
        r.first_response = {d: (values[f"met{d}"], values[f"all{d}"]) for d in WINDOWS}
    rs = resolved.values(key, label).annotate(
        **{
            f"met{d}": Count("pk", filter=Q(resolved_at__gte=s, resolution_met=True))
            for d, s in aggregates.items()
        },
        **{f"all{d}": Count("pk", filter=Q(resolved_at__gte=s)) for d, s in aggregates.items()},
    )
    for values in rs:
        r = row(values[key], values[label])
        r.resolution = {d: (values[f"met{d}"], values[f"all{d}"]) for d in WINDOWS}
    return sorted(rows.values(), key=lambda r: str(r.label))


@dataclass
class Overview:
    by_tier: list[Row]
    by_queue: list[Row]
    totals: Row


def service_overview(requests: QuerySet[Request], *, now: datetime | None = None) -> Overview:
    """Open, due within 24 h and breached requests, and the share answered and resolved
    within target over the last 7 and 30 days, per tier and per queue."""
    now = now or timezone.now()
    by_tier = _group(requests, "tier__rank", "tier__name", now)
    by_queue = _group(requests, "queue_id", "queue__name", now)
    totals = Row(key=None, label="all")
    for r in by_queue:
        totals.open += r.open
        totals.due_soon += r.due_soon
        totals.breached += r.breached
        for days in WINDOWS:
            for attr in ("first_response", "resolution"):
                met, total = getattr(totals, attr).get(days, (0, 0))
                add = getattr(r, attr).get(days, (0, 0))
                getattr(totals, attr)[days] = (met + add[0], total + add[1])
    by_tier.sort(key=lambda r: -int(r.key or 0))  # type: ignore[call-overload]
    return Overview(by_tier=by_tier, by_queue=by_queue, totals=totals)
