"""Staffing over the API: the expected wait now, the week's plan, call-backs."""

from uuid import UUID

from ninja import Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.schemas import Input
from clientfocus.customers.models import Customer, Tier
from clientfocus.people.selectors import role_of
from clientfocus.service.models import Queue
from clientfocus.service.permissions import can_see_overview
from clientfocus.staffing import services

router = Router(tags=["staffing"])


def _queue(ref: str) -> Queue:
    queue = services.find_queue(ref)
    if queue is None:
        raise ServiceError("queue", f"unknown queue {ref!r}")
    return queue


class WaitOut(Schema):
    queue: str
    tier: str
    waiting: int
    ahead: int
    agents_on_duty: int
    expected_wait_seconds: float | None
    target_seconds: int | None
    within_target: bool | None
    callback_offered: bool


@router.get("/wait", response=WaitOut)
def expected_wait(request, queue: str, customer: UUID | None = None, tier: str = ""):
    """What a contact joining ``queue`` now can expect, for a customer (their tier) or
    a tier code: position, agents on duty, expected wait, the tier's target and whether
    a call-back is offered (the wait exceeds the target, or nobody is on duty)."""
    if role_of(request.auth) is None:
        raise NotAllowed("employees and integrations only")
    found_queue = _queue(queue)
    found_tier: Tier | None
    if customer is not None:
        found = Customer.objects.select_related("tier").filter(public_id=customer).first()
        if found is None:
            raise ServiceError("customer", "unknown customer")
        found_tier = found.tier
    else:
        found_tier = Tier.objects.filter(code=tier).first() if tier else None
    if found_tier is None:
        raise ServiceError("tier", "give a customer or a known tier code")
    return services.expected_wait(queue=found_queue, tier=found_tier).__dict__


@router.get("/plan")
def plan(request, queue: str, week: str):
    """The week's plan: per interval, forecast contacts, agents and staff needed for
    each tier's target, rostered staff, gap, expected service level and ASA."""
    if not can_see_overview(request.auth):
        raise NotAllowed("managers and administrators only")
    return services.plan_as_dict(services.week_plan(_queue(queue), services.parse_week(week)))


class CallbackIn(Input):
    customer: UUID
    queue: str
    phone: str = Field(default="", max_length=40)
    note: str = Field(default="", max_length=2000)


class CallbackOut(Schema):
    request: str
    first_response_due: str | None


@router.post("/callback", response={201: CallbackOut})
def callback(request, payload: CallbackIn):
    """The customer would rather be called back than hold: a request with its own targets."""
    if role_of(request.auth) is None:
        raise NotAllowed("employees and integrations only")
    customer = Customer.objects.filter(public_id=payload.customer).first()
    if customer is None:
        raise ServiceError("customer", "unknown customer")
    created = services.request_callback(
        actor=request.auth,
        customer=customer,
        queue=_queue(payload.queue),
        phone=payload.phone,
        note=payload.note,
    )
    due = created.first_response_due
    return Status(
        201, {"request": created.reference, "first_response_due": due.isoformat() if due else None}
    )
