"""Value figures over the API: segment and tier summaries (S7, S9, S13)."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.models import Customer
from clientfocus.customers.selectors import visible_customer
from clientfocus.people.selectors import is_admin
from clientfocus.service.permissions import can_see_overview
from clientfocus.value import selectors, services
from clientfocus.value.models import TierPolicyVersion
from clientfocus.value.permissions import can_see_value
from clientfocus.value.services import value_of

router = Router(tags=["value"])


class GroupOut(Schema):
    name: str
    customers: int
    revenue: float
    cost_to_serve: float
    profitability: float
    average_value_12m: float | None


class FitOut(Schema):
    computed_at: AwareDateTime
    customers: int
    bgnbd: dict | None
    gammagamma: dict | None
    note: str


class TierCountOut(Schema):
    tier: str
    customers: int


class SummaryOut(Schema):
    fit: FitOut | None
    customers_per_tier: list[TierCountOut]
    segments: list[GroupOut]
    tiers: list[GroupOut]
    revenue_concentration: dict[str, float]
    rfm_grid: list[list[int]]


@router.get("/summary", response=SummaryOut)
def summary(request):
    """Customers, revenue, cost to serve and profitability per segment and tier, revenue
    concentration and the RFM grid (rows: recency 5 → 1, columns: frequency 1 → 5)."""
    if not can_see_overview(request.auth):
        raise NotAllowed("managers and administrators only")
    return {
        "fit": selectors.latest_fit(),
        "customers_per_tier": [
            {"tier": name, "customers": n} for name, n in selectors.customers_per_tier()
        ],
        "segments": selectors.by_segment(),
        "tiers": selectors.by_tier(),
        "revenue_concentration": selectors.revenue_concentration(),
        "rfm_grid": selectors.rfm_grid(),
    }


class RulesIn(Input):
    rules: dict[str, Any]
    note: str = Field(default="", max_length=200)


class MoveOut(Schema):
    customer: str
    name: str
    old: str
    new: str


class PreviewOut(Schema):
    moves: int
    changes: dict[str, int]
    sample: list[MoveOut]


class VersionOut(Schema):
    version: int
    rules: dict[str, Any]
    note: str
    is_active: bool
    created_at: AwareDateTime
    applied_at: AwareDateTime | None


def _preview(moves) -> dict:
    return {
        "moves": len(moves),
        "changes": services.summarise_moves(moves),
        "sample": [
            {"customer": m.public_id, "name": m.name, "old": m.old, "new": m.new}
            for m in moves[:200]
        ],
    }


@router.post("/tier-policy/preview", response=PreviewOut)
def preview_policy(request, payload: RulesIn):
    """What the given rules would change now (nothing is saved)."""
    if not can_see_overview(request.auth):
        raise NotAllowed("managers and administrators only")
    return _preview(services.preview_tier_policy(rules=payload.rules))


@router.get("/tier-policy", response=list[VersionOut])
def list_policies(request):
    if not can_see_overview(request.auth):
        raise NotAllowed("managers and administrators only")
    return list(TierPolicyVersion.objects.all()[:50])


@router.post("/tier-policy", response={201: VersionOut})
def save_policy(request, payload: RulesIn):
    """Store the rules as a new version (validated; not applied yet)."""
    return Status(
        201, services.save_tier_policy(actor=request.auth, rules=payload.rules, note=payload.note)
    )


@router.post("/tier-policy/{version}/apply", response=PreviewOut)
def apply_policy(request, version: int):
    """Apply a saved version: customers move tiers and the moves go on their timelines."""
    if not is_admin(request.auth):  # before the lookup: no hint whether a version exists
        raise NotAllowed("only administrators apply the tier policy")
    target = TierPolicyVersion.objects.get(version=version)
    return _preview(services.apply_tier_policy(actor=request.auth, version=target))


class CustomerValueOut(Schema):
    orders: int
    revenue: Decimal
    first_order_at: AwareDateTime | None
    last_order_at: AwareDateTime | None
    rfm: str
    segment: str
    p_alive: float | None
    expected_purchases_12m: float | None
    expected_spend: float | None
    lifetime_value_12m: float | None
    computed_at: AwareDateTime

    @staticmethod
    def resolve_rfm(obj) -> str:
        return obj.rfm_code


# Mounted under /api/customers: one customer's figures.
customer_router = Router(tags=["value"])


@customer_router.get(
    "/{customer_id}/value",
    response=CustomerValueOut,
    operation_id="clientfocus_customers_api_value",
    summary="Value",
)
def customer_value(request, customer_id: UUID):
    """The figures of the last `value refresh`; 404 when the customer has none yet."""
    customer = visible_customer(request.auth, customer_id)
    if not can_see_value(request.auth, customer):
        raise NotAllowed("value figures are for managers and the customer's owner")
    figures = value_of(customer.pk)
    if figures is None:
        raise Customer.DoesNotExist
    return figures
