"""The service catalogue over the API, for staff: services with their versions and
fees, drafts, publishing (with its preview), who was told of a change, complaints per
fee, and the fees that apply to a customer. The same rules as the pages
(``catalogue.permissions``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clientfocus.catalogue import changes, selectors, services
from clientfocus.catalogue.models import Fee, Service, Version, VersionState
from clientfocus.catalogue.permissions import can_see_catalogue
from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.models import Customer

router = Router(tags=["catalogue"])
customer_router = Router(tags=["catalogue"])

Texts = dict[str, str]
UnitCode = Literal["once", "order", "item", "delivery", "hour", "day", "month", "year", "km"]


def _staff(user) -> None:
    if not can_see_catalogue(user):
        raise NotAllowed("employees only")


def _service(request, code: str) -> Service:
    _staff(request.auth)
    return Service.objects.get(code=code[:60])


def _number(number: int) -> int:
    """A version number as a path gives it; out of any version's range answers 404."""
    if not 1 <= number <= 1_000_000:
        raise Http404
    return number


class FeeIn(Input):
    code: str = Field(max_length=60)
    tier: str | None = Field(None, max_length=30, description="tier code; empty: every other tier")
    names: Texts
    amount: Decimal = Field(ge=0, lt=Decimal("1000000000"), decimal_places=2)
    currency: str = Field(min_length=3, max_length=3)
    unit: UnitCode
    triggers: Texts = Field(default_factory=dict)
    free: Texts = Field(default_factory=dict)


class FeeOut(FeeIn):
    pass


class VersionOut(Schema):
    number: int
    state: str
    names: Texts
    descriptions: Texts
    change_note: Texts
    valid_from: AwareDateTime | None
    valid_to: AwareDateTime | None
    lead_days: int
    raises: bool
    published_at: AwareDateTime | None
    fees: list[FeeOut]


class ServiceOut(Schema):
    code: str
    product_line: str
    in_effect: VersionOut | None
    versions: list[VersionOut]


def _fee_out(fee: Fee) -> FeeOut:
    return FeeOut(
        code=fee.code, tier=fee.tier.code if fee.tier else None, names=fee.names,
        amount=fee.amount, currency=fee.currency, unit=fee.unit,  # type: ignore[arg-type]
        triggers=fee.triggers,
        free=fee.free,
    )  # fmt: skip


def _version_out(version: Version) -> VersionOut:
    return VersionOut(
        number=version.number, state=version.state, names=version.names,
        descriptions=version.descriptions, change_note=version.change_note,
        valid_from=version.valid_from, valid_to=version.valid_to,
        lead_days=version.lead_days, raises=version.raises,
        published_at=version.published_at,
        fees=[_fee_out(f) for f in version.fees.all()],
    )  # fmt: skip


def _service_out(service: Service, *, all_versions: bool) -> ServiceOut:
    current = selectors.in_effect(service)
    versions = (
        list(service.versions.order_by("-number").prefetch_related("fees__tier"))
        if all_versions
        else []
    )
    return ServiceOut(
        code=service.code,
        product_line=service.product_line,
        in_effect=_version_out(current) if current else None,
        versions=[_version_out(v) for v in versions],
    )


@router.get("/services", response=list[ServiceOut])
def list_services(request):
    """Every service with the version in effect now (``versions`` empty: ask for one)."""
    _staff(request.auth)
    return [_service_out(s, all_versions=False) for s in selectors.published()]


class ServiceIn(Input):
    code: str = Field("", max_length=60)
    names: Texts
    product_line: str = Field("", max_length=60)
    descriptions: Texts = Field(default_factory=dict)


@router.post("/services", response={201: VersionOut})
def create_service(request, body: ServiceIn):
    """A new service and its first draft (add fees, then publish)."""
    _staff(request.auth)
    draft = services.create_service(
        actor=request.auth, code=body.code, names=body.names,
        product_line=body.product_line, descriptions=body.descriptions,
    )  # fmt: skip
    return Status(201, _version_out(draft))


@router.get("/services/{code}", response=ServiceOut)
def get_service(request, code: str):
    service = _service(request, code)
    [service] = selectors.published(Service.objects.filter(pk=service.pk))
    return _service_out(service, all_versions=True)


@router.get("/services/{code}/versions/{number}", response=VersionOut)
def get_version(request, code: str, number: int):
    service = _service(request, code)
    versions = service.versions.prefetch_related("fees__tier")
    return _version_out(versions.get(number=_number(number)))


class DraftIn(Input):
    names: Texts | None = None
    descriptions: Texts | None = None
    change_note: Texts | None = None
    product_line: str | None = Field(None, max_length=60)
    fees: list[FeeIn] | None = Field(None, max_length=200)


@router.post("/services/{code}/draft", response=VersionOut)
def open_draft(request, code: str):
    """The service's draft: the open one, or a new one copied from the latest version."""
    service = _service(request, code)
    return _version_out(services.draft_of(actor=request.auth, service=service))


def _draft(request, code: str) -> Version:
    service = _service(request, code)
    return service.versions.get(state=VersionState.DRAFT)


@router.put("/services/{code}/draft", response=VersionOut)
def save_draft(request, code: str, body: DraftIn):
    """Replace what is given: texts per language, product line, the whole list of fees."""
    version = _draft(request, code)
    fees = None if body.fees is None else [
        {**f.dict(), "amount": str(f.amount)} for f in body.fees
    ]  # fmt: skip
    services.save_draft(
        actor=request.auth, version=version, names=body.names, descriptions=body.descriptions,
        change_note=body.change_note, fees=fees, product_line=body.product_line,
    )  # fmt: skip
    return _version_out(Version.objects.get(pk=version.pk))


@router.delete("/services/{code}/draft", response={204: None})
def discard_draft(request, code: str):
    services.discard_draft(actor=request.auth, version=_draft(request, code))
    return Status(204, None)


class ChangeOut(Schema):
    code: str
    kind: str
    before: str
    after: str


class TierChangesOut(Schema):
    tier: str
    changes: list[ChangeOut]


class PreviewOut(Schema):
    previous_version: int | None
    tiers_told: list[TierChangesOut]
    customers_told: int
    notice_days: int
    earliest_start: AwareDateTime


def _line(line: changes.Line | None) -> str:
    return f"{line.amount} {line.currency} {line.unit}" if line else ""


def _change(change: changes.Change) -> ChangeOut:
    return ChangeOut(
        code=change.code, kind=change.kind, before=_line(change.before), after=_line(change.after)
    )


@router.get("/services/{code}/draft/preview", response=PreviewOut)
def preview(request, code: str):
    """What publishing the draft now would do: which tiers pay more, how many customers
    are told, the notice period and the earliest start."""
    plan = services.preview(_draft(request, code))
    return PreviewOut(
        previous_version=plan.previous.number if plan.previous else None,
        tiers_told=[
            TierChangesOut(tier=t.code, changes=[_change(c) for c in found])
            for t, found in plan.to_tell.items()
        ],
        customers_told=plan.customers,
        notice_days=plan.lead_days,
        earliest_start=plan.earliest,
    )


class PublishIn(Input):
    valid_from: AwareDateTime | None = None
    valid_to: AwareDateTime | None = None
    lead_days: int | None = Field(None, ge=0, le=3650)


class PublishOut(Schema):
    version: VersionOut
    queued: int
    unreachable: int


@router.post("/services/{code}/draft/publish", response=PublishOut)
def publish(request, code: str, body: PublishIn):
    """Publish the draft. A new or raised fee starts no sooner than the notice period
    (at least CATALOGUE_NOTICE_DAYS) from now; its customers are told at once."""
    version, queued, unreachable = services.publish(
        actor=request.auth, version=_draft(request, code), valid_from=body.valid_from,
        valid_to=body.valid_to, lead_days=body.lead_days,
    )  # fmt: skip
    return PublishOut(version=_version_out(version), queued=queued, unreachable=unreachable)


class NoticeOut(Schema):
    customer: UUID
    customer_name: str
    tier: str
    state: Literal["sent", "queued", "failed", "unreachable"]
    reason: str
    channel: str
    told_at: AwareDateTime | None


class NoticeQuery(Input):
    state: Literal["", "sent", "queued", "failed", "unreachable"] = ""
    offset: int = Field(0, ge=0, le=10_000_000)
    limit: int = Field(100, ge=1, le=1000)


class NoticesOut(Schema):
    customers: int
    sent: int
    queued: int
    failed: int
    unreachable: int
    items: list[NoticeOut]


def _published(request, code: str, number: int) -> Version:
    service = _service(request, code)
    return service.versions.get(number=_number(number), state=VersionState.PUBLISHED)


@router.get("/services/{code}/versions/{number}/notices", response=NoticesOut)
def notices(request, code: str, number: int, query: Query[NoticeQuery]):
    """Who had to be told of a version, and whether they were."""
    version = _published(request, code, number)
    figures = selectors.notice_figures([version])[version.pk]
    found = selectors.notices(version, query.state)[query.offset : query.offset + query.limit]
    return NoticesOut(
        **figures.__dict__,
        items=[
            NoticeOut(
                customer=n.customer.public_id, customer_name=n.customer.name,
                tier=n.customer.tier.code, state=selectors.notice_state(n),  # type: ignore[arg-type]
                reason=n.reason, channel=n.notification.channel if n.notification else "",
                told_at=selectors.told_at(n),
            )
            for n in found
        ],
    )  # fmt: skip


class TellOut(Schema):
    queued: int
    unreachable: int


@router.post("/services/{code}/versions/{number}/tell-again", response=TellOut)
def tell_again(request, code: str, number: int):
    """Tell the customers not reached yet (no address before, failed, new in the tier)."""
    queued, unreachable = services.tell_again(
        actor=request.auth, version=_published(request, code, number)
    )
    return TellOut(queued=queued, unreachable=unreachable)


class ComplaintCountOut(Schema):
    service: str
    fee: str
    last_90_days: int
    total: int


@router.get("/complaints", response=list[ComplaintCountOut])
def complaints(request):
    """Complaints about charges per fee (the ones about feedback you may see)."""
    _staff(request.auth)
    codes = dict(Service.objects.values_list("pk", "code"))
    counts = selectors.complaints_per_fee(request.auth)
    return [
        ComplaintCountOut(service=codes[s], fee=f, last_90_days=n["recent"], total=n["total"])
        for (s, f), n in sorted(counts.items(), key=lambda kv: (-kv[1]["total"], kv[0]))
    ]


class TermsOut(Schema):
    service: str
    version: int | None
    names: Texts
    fees: list[FeeOut]
    waiting_for_notice: list[int]
    announced: list[int]


def terms_out(terms: list[selectors.Terms]) -> list[TermsOut]:
    return [
        TermsOut(
            service=t.service.code,
            version=t.version.number if t.version else None,
            names=t.version.names if t.version else {},
            fees=[_fee_out(f) for f in t.fees],
            waiting_for_notice=[v.number for v, _starts in t.waiting],
            announced=[v.number for v, _found in t.announced],
        )
        for t in terms
    ]


@customer_router.get("/{customer_id}/fees", response=list[TermsOut])
def customer_fees(request, customer_id: UUID):
    """The fees that apply to a customer now (their tier; a raise they have not been
    told of does not apply yet) and the versions announced for them."""
    _staff(request.auth)
    customer = Customer.objects.select_related("tier").get(public_id=customer_id)
    return terms_out(selectors.terms_for(customer, timezone.now()))
