"""The customer record over the API: create, read, update, search, timeline."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.http import FileResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.access import access_log, record_access
from clientfocus.customers.export import export_customer, export_filename
from clientfocus.customers.extensions import customer_timeline
from clientfocus.customers.models import AccessAction, ContactKind, Customer, RecordAccess, Tier
from clientfocus.customers.permissions import can_export_customers, can_view_customers
from clientfocus.customers.selectors import (
    customers_with_profile,
    search_customers,
    visible_customer,
)
from clientfocus.customers.services import create_customer, update_customer

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: UUID
    kind: str
    name: str
    emails: list[str]
    phones: list[str]
    language: str
    country: str
    timezone: str
    tier: str
    owner: str | None
    company: UUID | None
    consent_email: bool
    consent_sms: bool
    consent_marketing: bool
    tier_locked: bool
    preferred_channel: str
    notes: str
    external_ref: str
    created_at: AwareDateTime

    @staticmethod
    def resolve_id(obj: Customer) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_emails(obj: Customer) -> list[str]:
        return [c.value for c in obj.contacts.all() if c.kind == ContactKind.EMAIL]

    @staticmethod
    def resolve_phones(obj: Customer) -> list[str]:
        return [c.value for c in obj.contacts.all() if c.kind == ContactKind.PHONE]

    @staticmethod
    def resolve_tier(obj: Customer) -> str:
        return obj.tier.code

    @staticmethod
    def resolve_owner(obj: Customer) -> str | None:
        return obj.owner.get_username() if obj.owner else None

    @staticmethod
    def resolve_company(obj: Customer) -> UUID | None:
        return obj.company.public_id if obj.company else None


class CustomerIn(Input):
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(default="person", pattern="^(person|company)$")
    emails: list[str] = Field(default_factory=list, max_length=20)
    phones: list[str] = Field(default_factory=list, max_length=20)
    language: str = "en"
    country: str = ""
    timezone: str = "UTC"
    tier: str | None = None
    owner: str | None = None
    company: UUID | None = None
    consent_email: bool = True
    consent_sms: bool = False
    consent_marketing: bool = False
    tier_locked: bool = Field(default=False, description="manual tier: policies keep it")
    preferred_channel: str = Field(default="", pattern="^(|email|sms)$")
    notes: str = Field(default="", max_length=10_000)
    external_ref: str = Field(default="", max_length=100)


class CustomerPatch(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: str | None = Field(default=None, pattern="^(person|company)$")
    emails: list[str] | None = Field(default=None, max_length=20)
    phones: list[str] | None = Field(default=None, max_length=20)
    language: str | None = None
    country: str | None = None
    timezone: str | None = None
    tier: str | None = None
    owner: str | None = None
    company: UUID | None = None
    consent_email: bool | None = None
    consent_sms: bool | None = None
    consent_marketing: bool | None = None
    tier_locked: bool | None = None
    preferred_channel: str | None = Field(default=None, pattern="^(|email|sms)$")
    notes: str | None = Field(default=None, max_length=10_000)
    external_ref: str | None = Field(default=None, max_length=100)


class TimelineItemOut(Schema):
    at: AwareDateTime
    kind: str
    source: str
    actor: str
    request: str | None
    request_subject: str | None
    data: dict[str, Any]


def _references(values: dict[str, Any]) -> dict[str, Any]:
    """Turn tier codes, usernames and company ids into objects (422 when unknown)."""
    if values.get("tier") is not None:
        tier = Tier.objects.filter(code=values["tier"]).first()
        if tier is None:
            raise ServiceError("tier", f"unknown tier {values['tier']!r}")
        values["tier"] = tier
    if "owner" in values and values["owner"] is not None:
        owner = get_user_model().objects.filter(username=values["owner"]).first()
        if owner is None:
            raise ServiceError("owner", f"unknown user {values['owner']!r}")
        values["owner"] = owner
    if "company" in values and values["company"] is not None:
        company = Customer.objects.filter(public_id=values["company"]).first()
        if company is None:
            raise ServiceError("company", "unknown company")
        values["company"] = company
    return values


@router.get("", response=list[CustomerOut])
def search(request, q: str = "", limit: int = Query(25, ge=1, le=100)):
    """Search by name (prefix, then substring), e-mail or phone number."""
    if not can_view_customers(request.auth):
        raise NotAllowed("employees only")
    return list(search_customers(q, limit=limit))


@router.post("", response={201: CustomerOut})
def create(request, payload: CustomerIn):
    values = _references(payload.model_dump())
    customer = create_customer(actor=request.auth, **values)
    return Status(201, customers_with_profile().get(pk=customer.pk))


class AccessOut(Schema):
    at: AwareDateTime
    actor: str | None
    action: str
    via: str
    customer: UUID | None
    customer_name: str | None

    @staticmethod
    def resolve_actor(obj: RecordAccess) -> str | None:
        return obj.actor.get_username() if obj.actor else None

    @staticmethod
    def resolve_customer(obj: RecordAccess) -> UUID | None:
        return obj.customer.public_id if obj.customer else None

    @staticmethod
    def resolve_customer_name(obj: RecordAccess) -> str | None:
        return obj.customer.name if obj.customer else None


@router.get("/access-log", response=list[AccessOut], tags=["privacy"])
def access_log_list(
    request,
    customer: UUID | None = None,
    actor: str | None = Query(None, max_length=150),
    before: datetime | None = None,
    limit: int = Query(100, ge=1, le=1000),
):
    """Administrators: who opened or exported which customer record, newest first; page
    with ``before`` = the last entry's time."""
    return list(
        access_log(request.auth, customer_id=customer, actor_name=actor, before=before, limit=limit)
    )


@router.get("/{customer_id}", response=CustomerOut)
def get(request, customer_id: UUID):
    customer = visible_customer(request.auth, customer_id)
    record_access(actor=request.auth, customer=customer, action=AccessAction.VIEWED, via="api")
    return customer


@router.patch("/{customer_id}", response=CustomerOut)
def update(request, customer_id: UUID, payload: CustomerPatch):
    customer = visible_customer(request.auth, customer_id)
    values = _references(payload.model_dump(exclude_unset=True))
    for nullable in (
        "kind",
        "name",
        "language",
        "country",
        "timezone",
        "notes",
        "external_ref",
        "consent_email",
        "consent_sms",
        "consent_marketing",
        "tier_locked",
    ):
        if nullable in values and values[nullable] is None:
            raise ServiceError(nullable, "may not be null")
    update_customer(customer=customer, actor=request.auth, **values)
    return customers_with_profile().get(pk=customer.pk)


@router.get("/{customer_id}/timeline", response=list[TimelineItemOut])
def timeline(
    request,
    customer_id: UUID,
    limit: int = Query(100, ge=1, le=500),
    before: datetime | None = None,
):
    """The customer's history, newest first; page with ``before`` = the last item's time."""
    customer = visible_customer(request.auth, customer_id)
    record_access(
        actor=request.auth, customer=customer, action=AccessAction.VIEWED, via="api timeline"
    )
    return [
        {
            "at": item.at,
            "kind": item.kind,
            "source": item.source,
            "actor": item.actor,
            "request": item.request_reference or None,
            "request_subject": item.request_subject or None,
            "data": item.data,
        }
        for item in customer_timeline(customer, user=request.auth, limit=limit, before=before)
    ]


class TierOut(Schema):
    code: str
    name: str
    rank: int
    is_default: bool


# Mounted at the API's root: /api/tiers.
tiers_router = Router(tags=["tiers"])


@tiers_router.get(
    "/tiers", response=list[TierOut], operation_id="clientfocus_people_api_list_tiers"
)
def list_tiers(request):
    return Tier.objects.all()


@router.get(
    "/{customer_id}/export",
    tags=["privacy"],
    response={200: bytes},
    openapi_extra={
        "responses": {
            "200": {
                "description": "Everything held about the customer: a ZIP of JSON files and "
                "the files they sent or were sent (administrators; logged).",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export(request, customer_id: UUID):
    customer = visible_customer(request.auth, customer_id)
    if not can_export_customers(request.auth):
        raise NotAllowed("exports are made by administrators")
    archive = export_customer(customer, actor=request.auth, via="export ZIP api")
    response = FileResponse(archive, as_attachment=True, filename=export_filename(customer),
                            content_type="application/zip")  # fmt: skip
    return response
