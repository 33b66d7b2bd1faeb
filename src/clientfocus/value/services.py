"""Writes of the value app: the refresh of every customer's figures (value.refresh) and
the tier policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Customer, CustomerEvent, Tier
from clientfocus.people.selectors import is_admin
from clientfocus.service.models import ACTIVE_STATES, Request
from clientfocus.value.models import CustomerValue, TierPolicyVersion
from clientfocus.value.refresh import RefreshResult as RefreshResult  # re-exported
from clientfocus.value.refresh import mark_month as mark_month  # re-exported
from clientfocus.value.refresh import refresh_values
from clientfocus.value.tiering import PolicyError, TierPolicy, assign_tiers, categories_needed


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
    """Refresh value figures (incrementally when a recent full refresh exists) and
    re-apply the active tier policy (if any)."""
    result = refresh_values()
    active = TierPolicyVersion.objects.filter(is_active=True).first()
    moves = apply_tier_policy(actor=None, version=active) if active else []
    return {"customers": result.customers, "changed": result.changed, "moves": len(moves)}
