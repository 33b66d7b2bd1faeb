"""Reading grants: a customer's, a request's, and the report that says whether
empowerment pays — per employee, per kind and tier, and what customers did afterwards
against customers of the same tier served without a grant (S7)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import QuerySet

from clientfocus.grants.models import Grant, GrantState
from clientfocus.orders.models import Order
from clientfocus.service.models import Request, State
from clientfocus.voice.models import FeedbackItem, normalised

AFTER = timedelta(days=90)


def for_customer(customer_id: int) -> QuerySet[Grant]:
    return Grant.objects.filter(customer_id=customer_id).select_related(
        "granted_by", "decided_by", "request"
    )


def for_request(request_id: int) -> QuerySet[Grant]:
    return Grant.objects.filter(request_id=request_id).select_related("granted_by", "decided_by")


@dataclass
class Group:
    key: tuple
    grants: int = 0
    amount: Decimal = Decimal("0")
    pending: int = 0
    declined: int = 0
    customers: set = field(default_factory=set)
    bought_again: int = 0  # customers who ordered within 90 days after their grant
    scored: int = 0  # customers with a score before and after
    score_before: float = 0.0
    score_after: float = 0.0

    @property
    def bought_again_share(self) -> float | None:
        return self.bought_again / len(self.customers) if self.customers else None

    @property
    def score_change(self) -> float | None:
        if not self.scored:
            return None
        return round((self.score_after - self.score_before) / self.scored, 3)


@dataclass
class Report:
    since: datetime
    until: datetime
    by_employee: list[Group]
    by_kind_tier: list[Group]
    baseline: dict[str, float | None]  # tier code → share who bought again without a grant
    baseline_customers: dict[str, int]
    mature: bool  # every grant is older than 90 days: "bought again" is complete

    def kind_tier_rows(self) -> list[dict]:
        """Per kind and tier, as the page's CSV, the API and the CLI give them."""
        return [
            {
                "kind": g.key[0],
                "tier": g.key[1],
                "grants": g.grants,
                "amount": g.amount,
                "pending": g.pending,
                "declined": g.declined,
                "customers": len(g.customers),
                "bought_again_share": g.bought_again_share,
                "baseline_bought_again_share": self.baseline.get(g.key[1]),
                "score_change": g.score_change,
            }
            for g in self.by_kind_tier
        ]

    def employee_rows(self) -> list[dict]:
        return [
            {
                "employee": g.key[0],
                "grants": g.grants,
                "amount": g.amount,
                "pending": g.pending,
                "declined": g.declined,
            }
            for g in self.by_employee
        ]


KIND_TIER_FIELDS = [
    "kind", "tier", "grants", "amount", "pending", "declined", "customers",
    "bought_again_share", "baseline_bought_again_share", "score_change",
]  # fmt: skip


def report_of_last(days: int, *, now: datetime) -> Report:
    return report(since=now - timedelta(days=days), until=now, now=now)


def report(*, since: datetime, until: datetime, now: datetime) -> Report:
    grants = list(
        Grant.objects.filter(created_at__gte=since, created_at__lt=until).select_related(
            "granted_by"
        )[:50_000]
    )
    customer_ids = {g.customer_id for g in grants}
    orders: dict[int, list[datetime]] = defaultdict(list)
    for cid, at in Order.objects.filter(
        customer_id__in=customer_ids, placed_at__gte=since
    ).values_list("customer_id", "placed_at"):
        orders[cid].append(at)
    scores: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    for cid, at, kind, score in (
        FeedbackItem.objects.filter(customer_id__in=customer_ids, score__isnull=False)
        .exclude(score_kind="")
        .values_list("customer_id", "created_at", "score_kind", "score")
    ):
        if cid is not None and score is not None:
            scores[cid].append((at, normalised(kind, score)))
    employees: dict[tuple, Group] = {}
    kinds: dict[tuple, Group] = {}
    key: tuple
    first_grant: dict[tuple, datetime] = {}
    for g in grants:
        who = (g.granted_by.get_username() if g.granted_by else "—",)
        for groups, key in ((employees, who), (kinds, (g.kind, g.tier_code))):
            group = groups.setdefault(key, Group(key))
            group.grants += 1
            if g.state == GrantState.APPROVED:
                group.amount += g.amount
            elif g.state == GrantState.PENDING:
                group.pending += 1
            else:
                group.declined += 1
        if g.state == GrantState.APPROVED:
            key = (g.kind, g.tier_code, g.customer_id)
            first_grant[key] = min(first_grant.get(key, g.created_at), g.created_at)
    for (kind, tier, cid), at in first_grant.items():
        group = kinds[(kind, tier)]
        group.customers.add(cid)
        if any(at < o <= at + AFTER for o in orders.get(cid, [])):
            group.bought_again += 1
        before = [s for t, s in scores.get(cid, []) if t <= at]
        after = [s for t, s in scores.get(cid, []) if t > at]
        if before and after:
            group.scored += 1
            group.score_before += sum(before) / len(before)
            group.score_after += sum(after) / len(after)
    baseline, baseline_customers = _baseline(since, until, {t for _k, t in kinds}, customer_ids)
    return Report(
        since=since,
        until=until,
        by_employee=sorted(employees.values(), key=lambda g: -g.grants),
        by_kind_tier=sorted(kinds.values(), key=lambda g: (g.key[1], g.key[0])),
        baseline=baseline,
        baseline_customers=baseline_customers,
        mature=until + AFTER <= now,
    )


def _baseline(since, until, tiers: set[str], granted: set[int]) -> tuple[dict, dict]:
    """Per tier: of the customers whose request was resolved in the window and who got
    no grant, the share who ordered within 90 days after the first such resolution."""
    firsts: dict[int, tuple[str, datetime]] = {}
    resolved = (
        Request.objects.filter(
            resolved_at__gte=since,
            resolved_at__lt=until,
            customer__isnull=False,
            state__in=[State.RESOLVED, State.CLOSED],
            tier__code__in=tiers,
        )
        .exclude(customer_id__in=granted)
        .values_list("customer_id", "tier__code", "resolved_at")
        .order_by("resolved_at")[:50_000]
    )
    for cid, tier, at in resolved:
        if cid is not None and at is not None:
            firsts.setdefault(cid, (tier, at))
    orders: dict[int, list[datetime]] = defaultdict(list)
    for cid, at in Order.objects.filter(
        customer_id__in=list(firsts), placed_at__gte=since
    ).values_list("customer_id", "placed_at"):
        orders[cid].append(at)
    counted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cid, (tier, at) in firsts.items():
        counted[tier][0] += 1
        if any(at < o <= at + AFTER for o in orders.get(cid, [])):
            counted[tier][1] += 1
    share = {tier: (b / n if n else None) for tier, (n, b) in counted.items()}
    return share, {tier: n for tier, (n, _b) in counted.items()}
