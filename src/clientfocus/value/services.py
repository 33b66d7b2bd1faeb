"""Recompute every customer's value figures from the stored orders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Customer, CustomerEvent, Tier
from clientfocus.orders.models import PURCHASE_STATUSES, Order
from clientfocus.people.selectors import is_admin
from clientfocus.service.models import ACTIVE_STATES, Request
from clientfocus.service.selectors import cost_to_serve_by_customer
from clientfocus.value.extensions import other_costs
from clientfocus.value.lifetime import (
    ModelError,
    fit_bgnbd,
    fit_gamma_gamma,
    lifetime_value,
)
from clientfocus.value.models import CustomerValue, TierPolicyVersion, ValueFit, ValueMark
from clientfocus.value.rfm import rfm_scores
from clientfocus.value.tiering import PolicyError, TierPolicy, assign_tiers, categories_needed

WEEK = 7.0
HORIZON_WEEKS = 52.0


@dataclass
class RefreshResult:
    customers: int
    fit: ValueFit


def _purchase_days(now: datetime):
    """Per customer and purchase day: the day's total (orders of one day count as one
    purchase, as the models expect)."""
    rows = (
        Order.objects.filter(status__in=PURCHASE_STATUSES, placed_at__lte=now)
        .annotate(day=TruncDate("placed_at"))
        .values_list("customer_id", "day")
        .annotate(total=Sum("amount"))
        .order_by("customer_id", "day")
    )
    customer, day, total = [], [], []
    for cid, d, t in rows.iterator(chunk_size=20_000):
        customer.append(cid)
        day.append(d.toordinal())
        total.append(float(t))
    return np.array(customer, dtype=np.int64), np.array(day, dtype=np.int64), np.array(total)


def refresh_values(
    *, now: datetime | None = None, progress: Callable[[str], None] | None = None
) -> RefreshResult:
    """Fit the purchase and spend models to all customers with orders and store, per
    customer: orders, revenue, first/last order, RFM scores and segment, P(alive),
    expected purchases and spend over 12 months and the discounted 12-month value.
    If the data cannot identify a model, the figures that need it are left empty and
    the reason is kept on the fit record."""
    now = now or timezone.now()
    say = progress or (lambda _: None)
    say("reading orders")
    customer, day, total = _purchase_days(now)
    fit = ValueFit(computed_at=now)
    if len(customer) == 0:
        fit.note = "no orders"
        fit.save()
        CustomerValue.objects.all().delete()
        return RefreshResult(customers=0, fit=fit)
    ids, first_index, days = np.unique(customer, return_index=True, return_counts=True)
    last_index = first_index + days - 1
    first_day, last_day = day[first_index], day[last_index]
    revenue_days = np.add.reduceat(total, first_index)
    today = now.date().toordinal()
    x = (days - 1).astype(np.float64)
    t_x = (last_day - first_day) / WEEK
    age = np.maximum(today - first_day, 1) / WEEK
    repeat_revenue = revenue_days - total[first_index]
    monetary = np.where(x > 0, repeat_revenue / np.maximum(x, 1), 0.0)

    say("fitting models")
    notes = []
    p_alive = expected = spend = clv = None
    try:
        purchases = fit_bgnbd(x, t_x, age)
        fit.bgnbd = purchases.as_dict()
        p_alive = purchases.p_alive(x, t_x, age)
        expected = purchases.expected_purchases(HORIZON_WEEKS, x, t_x, age)
        try:
            spend_model = fit_gamma_gamma(x, monetary)
            fit.gammagamma = spend_model.as_dict()
            spend = spend_model.expected_spend(x, monetary)
            clv = lifetime_value(purchases, spend_model, x, t_x, age, monetary)
        except ModelError as exc:
            notes.append(f"spend model: {exc}")
    except ModelError as exc:
        notes.append(f"purchase model: {exc}")
    fit.note = "; ".join(notes)[:300]
    fit.customers = len(ids)

    say("scoring")
    orders = dict(
        Order.objects.filter(status__in=PURCHASE_STATUSES, placed_at__lte=now)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values_list("customer_id", "n")
    )
    extremes = {
        cid: (lo, hi)
        for cid, lo, hi in Order.objects.filter(status__in=PURCHASE_STATUSES, placed_at__lte=now)
        .values("customer_id")
        .annotate(lo=Min("placed_at"), hi=Max("placed_at"))
        .values_list("customer_id", "lo", "hi")
    }
    scores = rfm_scores(today - last_day, days, revenue_days)
    segments = scores.segments

    def optional(values, i):
        return None if values is None else float(values[i])

    costs = cost_to_serve_by_customer()
    for customer_id, cost in other_costs().items():
        costs[customer_id] = costs.get(customer_id, 0.0) + cost
    margin_rate = settings.GROSS_MARGIN

    say("saving")
    rows = [
        CustomerValue(
            customer_id=int(cid),
            orders=orders.get(int(cid), 0),
            purchase_days=int(days[i]),
            revenue=round(float(revenue_days[i]), 2),
            first_order_at=extremes.get(int(cid), (None, None))[0],
            last_order_at=extremes.get(int(cid), (None, None))[1],
            recency_score=int(scores.recency[i]),
            frequency_score=int(scores.frequency[i]),
            monetary_score=int(scores.monetary[i]),
            segment=segments[i],
            p_alive=optional(p_alive, i),
            expected_purchases_12m=optional(expected, i),
            expected_spend=optional(spend, i),
            lifetime_value_12m=optional(clv, i),
            cost_to_serve=round(costs.get(int(cid), 0.0), 2),
            margin=round(float(revenue_days[i]) * margin_rate, 2),
            profitability=round(float(revenue_days[i]) * margin_rate - costs.get(int(cid), 0.0), 2),
            computed_at=now,
        )
        for i, cid in enumerate(ids)
    ]
    # Customers who cost service time but have bought nothing yet.
    buyers = {int(cid) for cid in ids}
    rows += [
        CustomerValue(
            customer_id=cid,
            segment="no purchases",
            cost_to_serve=round(cost, 2),
            profitability=-round(cost, 2),
            computed_at=now,
        )
        for cid, cost in costs.items()
        if cid not in buyers
    ]
    with transaction.atomic():
        fit.save()
        CustomerValue.objects.all().delete()
        CustomerValue.objects.bulk_create(rows, batch_size=5000)
        mark_month(now)
    return RefreshResult(customers=len(ids), fit=fit)


def mark_month(now: datetime) -> int:
    """Keep this month's P(alive) and 12-month value of every customer who has them,
    once per month (the first refresh of the month writes; later ones leave them): one
    INSERT … SELECT in the database."""
    month = now.date().replace(day=1)
    if ValueMark.objects.filter(month=month).exists():
        return 0
    marks, values = ValueMark._meta.db_table, CustomerValue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {marks} (customer_id, month, p_alive, lifetime_value_12m) "  # noqa: S608 - table names from the models
            f"SELECT customer_id, %s, p_alive, lifetime_value_12m FROM {values} "
            "WHERE p_alive IS NOT NULL OR lifetime_value_12m IS NOT NULL",
            [month],
        )
        return cursor.rowcount


def value_of(customer_id: int) -> CustomerValue | None:
    return CustomerValue.objects.filter(customer_id=customer_id).first()


# -- tier policies --------------------------------------------------------------------


@dataclass(frozen=True)
class TierMove:
    customer_id: int
    public_id: str
    name: str
    old: str
    new: str


def _parse_policy(rules: Any) -> TierPolicy:
    try:
        return TierPolicy.parse(
            rules, known_tiers=list(Tier.objects.values_list("code", flat=True))
        )
    except PolicyError as exc:
        raise ServiceError("rules", str(exc)) from exc


@transaction.atomic
def save_tier_policy(*, actor, rules: Any, note: str = "") -> TierPolicyVersion:
    """Validate and store the policy as a new version (not applied yet)."""
    if not is_admin(actor):
        raise NotAllowed("only administrators change the tier policy")
    _parse_policy(rules)
    latest = TierPolicyVersion.objects.select_for_update().order_by("-version").first()
    return TierPolicyVersion.objects.create(
        version=(latest.version + 1) if latest else 1,
        rules=rules,
        note=note[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def preview_tier_policy(*, rules: Any) -> list[TierMove]:
    """The tier moves the policy would make now, biggest value first."""

    policy = _parse_policy(rules)
    rank = dict(Tier.objects.values_list("code", "rank"))
    customers = list(
        Customer.objects.values_list("pk", "public_id", "name", "tier__code", "tier_locked")
    )
    figures = dict(CustomerValue.objects.values_list("customer_id", policy.metric))
    flags: dict[bool | str, list[bool]] = {}
    for key in categories_needed(policy):
        active = Request.objects.filter(state__in=ACTIVE_STATES, customer__isnull=False)
        if key is not True:
            active = active.filter(category__name=key)
        ids = set(active.values_list("customer_id", flat=True))
        flags[key] = [c[0] in ids for c in customers]
    new = assign_tiers(
        policy,
        metric=[float(figures.get(c[0]) or 0.0) for c in customers],
        current=[c[3] for c in customers],
        locked=[c[4] for c in customers],
        open_requests=flags,
        tier_rank=rank,
    )
    moves = [
        TierMove(customer_id=c[0], public_id=str(c[1]), name=c[2], old=c[3], new=tier)
        for c, tier in zip(customers, new, strict=True)
        if tier != c[3]
    ]
    moves.sort(key=lambda m: -float(figures.get(m.customer_id) or 0.0))
    return moves


@transaction.atomic
def apply_tier_policy(*, actor, version: TierPolicyVersion) -> list[TierMove]:
    """Move customers to the tiers the policy gives them, record each move on the
    customer's timeline, and mark this version as the active policy. Requests opened
    from now on get the targets of the new tier."""

    if actor is not None and not is_admin(actor):
        raise NotAllowed("only administrators apply the tier policy")
    moves = preview_tier_policy(rules=version.rules)
    tiers = {t.code: t for t in Tier.objects.all()}
    by_tier: dict[str, list[int]] = {}
    for move in moves:
        by_tier.setdefault(move.new, []).append(move.customer_id)
    for code, ids in by_tier.items():
        Customer.objects.filter(pk__in=ids, tier_locked=False).update(tier=tiers[code])
    author = actor if getattr(actor, "is_authenticated", False) else None
    CustomerEvent.objects.bulk_create(
        CustomerEvent(
            customer_id=m.customer_id,
            kind="tier_changed",
            actor=author,
            data={"old": m.old, "new": m.new, "policy_version": version.version},
        )
        for m in moves
    )
    TierPolicyVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    version.is_active = True
    version.applied_at = timezone.now()
    version.save(update_fields=["is_active", "applied_at"])
    return moves


def summarise_moves(moves: list[TierMove]) -> dict[str, int]:
    """How many customers each change of tier ("standard → gold") would move."""
    changes: dict[str, int] = {}
    for move in moves:
        key = f"{move.old} → {move.new}"
        changes[key] = changes.get(key, 0) + 1
    return changes


def nightly_value_run() -> dict[str, int]:
    """Refresh value figures and re-apply the active tier policy (if any)."""
    result = refresh_values()
    active = TierPolicyVersion.objects.filter(is_active=True).first()
    moves = apply_tier_policy(actor=None, version=active) if active else []
    return {"customers": result.customers, "moves": len(moves)}
