"""Erasure on request, legal holds and retention over the API (administrators: others get
403 on a customer they can see, 404 on one they cannot)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Router, Schema
from pydantic import Field

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import Input
from clientfocus.customers.models import Erasure
from clientfocus.customers.permissions import can_export_customers
from clientfocus.customers.privacy import (
    MAX_REASON,
    MAX_RETENTION_DAYS,
    erase_customer,
    retention_cutoff,
    retention_policy,
    retention_preview,
    set_legal_hold,
    set_retention,
)
from clientfocus.customers.selectors import visible_customer

customer_router = Router(tags=["privacy"])
router = Router(tags=["privacy"])


class EraseIn(Input):
    reason: str = Field(min_length=1, max_length=MAX_REASON)


class ErasureOut(Schema):
    customer: UUID | None
    at: datetime
    actor: str | None
    reason: str
    via: str
    removed: dict[str, int]

    @staticmethod
    def resolve_customer(obj: Erasure) -> UUID | None:
        return obj.customer.public_id if obj.customer else None

    @staticmethod
    def resolve_actor(obj: Erasure) -> str | None:
        return obj.actor.get_username() if obj.actor else None


class LegalHoldIn(Input):
    hold: bool
    reason: str = Field("", max_length=MAX_REASON)


class LegalHoldOut(Schema):
    legal_hold: bool
    legal_hold_reason: str


class PendingOut(Schema):
    what: str
    count: int
    oldest: datetime | None


class RetentionOut(Schema):
    days: int = Field(description="0 = off: text is kept until erased on request")
    cutoff: datetime | None
    next_run_removes: list[PendingOut]
    last_run_at: datetime | None
    last_run_removed: dict[str, int]


class RetentionIn(Input):
    days: int = Field(ge=0, le=MAX_RETENTION_DAYS)


def _admin(user) -> None:
    if not can_export_customers(user):
        raise NotAllowed("privacy is handled by administrators")


@customer_router.post("/{customer_id}/erase", response=ErasureOut)
def erase(request, customer_id: UUID, payload: EraseIn):
    """Anonymise the customer everywhere (GDPR art. 17); figures stay. Refused (422) while
    a legal hold is set."""
    customer = visible_customer(request.auth, customer_id)
    _admin(request.auth)
    return erase_customer(customer, actor=request.auth, reason=payload.reason, via="api")


@customer_router.put("/{customer_id}/legal-hold", response=LegalHoldOut)
def legal_hold(request, customer_id: UUID, payload: LegalHoldIn):
    """Set (a reason is required) or lift the legal hold that blocks erasure."""
    customer = visible_customer(request.auth, customer_id)
    _admin(request.auth)
    return set_legal_hold(customer, actor=request.auth, hold=payload.hold, reason=payload.reason)


def _retention() -> RetentionOut:
    policy = retention_policy()
    return RetentionOut(
        days=policy.days,
        cutoff=retention_cutoff(policy),
        next_run_removes=[
            PendingOut(what=p.label, count=p.count, oldest=p.oldest)
            for p in retention_preview(policy)
        ],
        last_run_at=policy.last_run_at,
        last_run_removed=policy.last_run_removed or {},
    )


@router.get("/retention", response=RetentionOut)
def get_retention(request):
    """The retention period and what the next daily run will anonymise."""
    _admin(request.auth)
    return _retention()


@router.put("/retention", response=RetentionOut)
def put_retention(request, payload: RetentionIn):
    _admin(request.auth)
    set_retention(payload.days, actor=request.auth)
    return _retention()


@router.get("/erasures", response=list[ErasureOut])
def erasures(request):
    """The last 200 erasures, newest first."""
    _admin(request.auth)
    return list(Erasure.objects.select_related("customer", "actor")[:200])
