"""Grants over the API: grant to a customer (optionally on a request), decide waiting
grants, read a customer's grants, the limits, and the report. The same rules as the
pages (``grants.permissions``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.models import Customer, Tier
from clientfocus.grants import selectors, services
from clientfocus.grants.models import Grant, GrantLimit
from clientfocus.grants.permissions import can_grant, can_see_grants, can_see_report
from clientfocus.service.selectors import request_detail

router = Router(tags=["grants"])
customer_router = Router(tags=["grants"])

KindCode = Literal["refund", "discount", "goodwill", "free_delivery", "fee_waiver", "replacement"]


class GrantIn(Input):
    kind: KindCode
    amount: Decimal = Field(ge=0, le=Decimal("1000000"), decimal_places=2)
    currency: str = Field("EUR", min_length=3, max_length=3)
    reason: str = Field(min_length=3, max_length=300)
    request: str | None = Field(None, max_length=40, description="request reference")
    fee_code: str = Field("", max_length=60)


class GrantOut(Schema):
    id: int
    customer: UUID
    request: str | None
    kind: str
    amount: Decimal
    currency: str
    reason: str
    fee_code: str
    state: str
    exceeds: str
    granted_by: str | None
    decided_by: str | None
    decision_note: str
    created_at: AwareDateTime
    decided_at: AwareDateTime | None


def grant_out(g: Grant) -> dict:
    return {
        "id": g.pk,
        "customer": g.customer.public_id,
        "request": g.request.reference if g.request_id else None,  # type: ignore[union-attr]
        "kind": g.kind,
        "amount": g.amount,
        "currency": g.currency,
        "reason": g.reason,
        "fee_code": g.fee_code,
        "state": g.state,
        "exceeds": g.exceeds,
        "granted_by": g.granted_by.get_username() if g.granted_by_id else None,  # type: ignore[union-attr]
        "decided_by": g.decided_by.get_username() if g.decided_by_id else None,  # type: ignore[union-attr]
        "decision_note": g.decision_note,
        "created_at": g.created_at,
        "decided_at": g.decided_at,
    }


def _staff(user) -> None:
    if not can_see_grants(user):
        raise NotAllowed("employees only")


@customer_router.get("/{public_id}/grants", response=list[GrantOut])
def customer_grants(request, public_id: UUID):
    _staff(request.auth)
    customer = Customer.objects.get(public_id=public_id)
    return [
        grant_out(g) for g in selectors.for_customer(customer.pk).select_related("customer")[:500]
    ]


@customer_router.post("/{public_id}/grants", response={201: GrantOut})
def give(request, public_id: UUID, payload: GrantIn):
    """Within the caller's limit the grant is made (state ``approved``); above it, it
    waits (``pending``) and ``exceeds`` says which limit."""
    _staff(request.auth)
    customer = Customer.objects.select_related("tier").get(public_id=public_id)
    req = request_detail(request.auth, payload.request) if payload.request else None
    made = services.grant(
        actor=request.auth,
        customer=customer,
        kind=payload.kind,
        amount=payload.amount,
        reason=payload.reason,
        request=req,
        fee_code=payload.fee_code,
        currency=payload.currency,
    )
    return Status(201, grant_out(made))


@router.get("/pending", response=list[GrantOut])
def pending(request):
    """Waiting grants the caller's limit covers."""
    _staff(request.auth)
    return [grant_out(g) for g in services.pending_for(request.auth)]


class DecideIn(Input):
    approve: bool
    note: str = Field("", max_length=300)


@router.post("/{grant_id}/decide", response=GrantOut)
def decide(request, grant_id: int, payload: DecideIn):
    _staff(request.auth)
    if not can_grant(request.auth):
        raise NotAllowed("you may not decide grants")
    found = Grant.objects.get(pk=grant_id if 0 < grant_id < 2**63 else 0)
    return grant_out(
        services.decide(actor=request.auth, grant=found, approve=payload.approve, note=payload.note)
    )


class LimitIn(Input):
    role: Literal["agent", "manager", "admin", "department_staff"]
    kind: KindCode
    tier: str | None = Field(None, max_length=30, description="tier code; null: every tier")
    per_grant: Decimal | None = Field(None, ge=0, le=Decimal("1000000"), decimal_places=2)
    per_customer: Decimal | None = Field(None, ge=0, le=Decimal("1000000"), decimal_places=2)
    period_days: int = Field(30, ge=1, le=3650)


class LimitOut(Schema):
    role: str
    kind: str
    tier: str | None
    per_grant: Decimal | None
    per_customer: Decimal | None
    period_days: int


def limit_out(r: GrantLimit) -> dict:
    return {
        "role": r.role,
        "kind": r.kind,
        "tier": r.tier.code if r.tier_id else None,  # type: ignore[union-attr]
        "per_grant": r.per_grant,
        "per_customer": r.per_customer,
        "period_days": r.period_days,
    }


@router.get("/limits", response=list[LimitOut])
def limits(request):
    _staff(request.auth)
    return [limit_out(r) for r in GrantLimit.objects.select_related("tier")]


@router.put("/limits", response=LimitOut)
def set_limit(request, payload: LimitIn):
    _staff(request.auth)
    tier = Tier.objects.get(code=payload.tier) if payload.tier else None
    return limit_out(
        services.set_limit(
            actor=request.auth,
            role=payload.role,
            kind=payload.kind,
            tier=tier,
            per_grant=payload.per_grant,
            per_customer=payload.per_customer,
            period_days=payload.period_days,
        )
    )


class GroupOut(Schema):
    kind: str
    tier: str
    grants: int
    amount: Decimal
    pending: int
    declined: int
    customers: int
    bought_again_share: float | None
    baseline_bought_again_share: float | None
    score_change: float | None


class EmployeeOut(Schema):
    employee: str
    grants: int
    amount: Decimal
    pending: int
    declined: int


class ReportOut(Schema):
    since: AwareDateTime
    until: AwareDateTime
    mature: bool = Field(description="every grant is 90 days old: 'bought again' is complete")
    by_kind_tier: list[GroupOut]
    by_employee: list[EmployeeOut]


@router.get("/report", response=ReportOut)
def report(request, days: int = Query(180, ge=1, le=3650)):  # type: ignore[type-arg]
    _staff(request.auth)
    if not can_see_report(request.auth):
        raise NotAllowed("managers only")
    found = selectors.report_of_last(days, now=timezone.now())
    return {
        "since": found.since,
        "until": found.until,
        "mature": found.mature,
        "by_kind_tier": found.kind_tier_rows(),
        "by_employee": found.employee_rows(),
    }
