"""Requests over the API: create, list with filters, get, add message, change state,
assign."""

import base64
import binascii
from typing import Any, Literal, cast
from uuid import UUID

from django.contrib.auth import get_user_model
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from clientfocus.core import statements
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.models import Customer
from clientfocus.customers.selectors import CUSTOMER_WITH_TIER
from clientfocus.people.models import Department
from clientfocus.service import services
from clientfocus.service.attachments import IncomingFile
from clientfocus.service.extensions import assignment_warnings
from clientfocus.service.models import Category, Queue, Request, State
from clientfocus.service.permissions import (
    can_handle_request,
    is_requester_side,
    queues_visible_to,
)
from clientfocus.service.selectors import (
    QUEUE_BY_ID,
    queue_by_id,
    request_detail,
    request_list,
)


class BoundedLimitOffset(LimitOffsetPagination):
    """Limit/offset paging with bounds (an offset of 2**70 is invalid input, not a crash)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10_000_000)


router = Router(tags=["requests"])
queues_router = Router(tags=["queues"])


class QueueOut(Schema):
    id: int
    name: str
    department: str

    @staticmethod
    def resolve_department(obj: Queue) -> str:
        return obj.department.code


class RequestOut(Schema):
    reference: str
    subject: str
    state: str
    priority: str
    channel: str
    customer: UUID | None
    customer_name: str | None
    requesting_department: str | None
    category: str | None
    queue: int
    queue_name: str
    assignee: str | None
    tier: str
    sla_state: str
    first_response_due: AwareDateTime | None
    next_response_due: AwareDateTime | None
    resolution_due: AwareDateTime | None
    due_at: AwareDateTime | None
    first_responded_at: AwareDateTime | None
    first_response_met: bool | None
    resolved_at: AwareDateTime | None
    resolution_met: bool | None
    breach_count: int
    created_at: AwareDateTime


PLAIN_FIELDS = (
    "reference", "subject", "state", "priority", "channel", "sla_state", "first_response_due",
    "next_response_due", "resolution_due", "due_at", "first_responded_at", "first_response_met",
    "resolved_at", "resolution_met", "breach_count", "created_at",
)  # fmt: skip


def request_out(obj: Request) -> dict[str, Any]:
    """The API view of a request as a plain dict (validated by RequestOut): building it
    directly is several times cheaper than attribute resolution on the model."""
    data = {name: getattr(obj, name) for name in PLAIN_FIELDS}
    customer = obj.customer
    department = obj.requesting_department
    data.update(
        customer=customer.public_id if customer else None,
        customer_name=customer.name if customer else None,
        requesting_department=department.code if department else None,
        category=obj.category.name if obj.category_id else None,  # type: ignore[union-attr]
        queue=obj.queue_id,
        queue_name=obj.queue.name,
        assignee=obj.assignee.get_username() if obj.assignee_id else None,  # type: ignore[union-attr]
        tier=obj.tier.code,
    )
    return data


class AttachmentOut(Schema):
    id: UUID
    filename: str
    content_type: str
    size: int

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class DeliveryOut(Schema):
    channel: str
    recipient: str
    state: str
    last_error: str
    sent_at: AwareDateTime | None


class MessageOut(Schema):
    id: int
    kind: str
    author: str
    body_html: str
    body_text: str
    quoted_html: str = Field(description="the quoted history and signature, cut off the body")
    channel: str = Field(description="how it came or went: email, sms, portal, web, …")
    attachments: list[AttachmentOut]
    deliveries: list[DeliveryOut] = Field(description="where a public reply was sent")
    created_at: AwareDateTime

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author_name

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_deliveries(obj) -> list:
        return list(obj.deliveries.all())


class EventOut(Schema):
    kind: str
    actor: str | None
    data: dict[str, Any]
    created_at: AwareDateTime

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_username() if obj.actor else None


class RequestDetailOut(RequestOut):
    messages: list[MessageOut]
    events: list[EventOut]


def request_detail_out(obj: Request) -> dict[str, Any]:
    return {
        **request_out(obj),
        "messages": list(obj.messages.all()),
        "events": list(obj.events.all()),
    }


class RequestIn(Input):
    subject: str = Field(min_length=1, max_length=250)
    customer: UUID | None = Field(default=None, description="external customer's id")
    requesting_department: str | None = Field(
        default=None, description="department code, for an internal request"
    )
    body: str = Field(default="", max_length=100_000, description="what the requester said")
    body_is_html: bool = False
    category: str | None = None
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    channel: Literal["phone", "email", "web", "portal", "chat", "sms", "api", "internal"] = "api"
    queue: int | None = Field(default=None, ge=1, le=2**31)
    assignee: str | None = None


class FileIn(Input):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(default="", max_length=100)
    data_base64: str = Field(max_length=14_000_000, description="the file, base64 (≤ 10 MB)")


class MessageIn(Input):
    body: str = Field(min_length=1, max_length=100_000)
    kind: Literal["reply", "note", "customer"] = "reply"
    body_is_html: bool = False
    attachments: list[FileIn] = Field(default_factory=list, max_length=20)


def _files(items: list[FileIn]) -> list[IncomingFile]:

    files = []
    for position, item in enumerate(items):
        try:
            data = base64.b64decode(item.data_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ServiceError(f"attachments.{position}", "data_base64 is not base64") from exc
        files.append(IncomingFile(item.filename, data, item.content_type))
    return files


class StateIn(Input):
    state: Literal["new", "open", "waiting_on_customer", "resolved", "closed"]


class TimeIn(Input):
    minutes: int = Field(gt=0, le=24 * 60)
    note: str = Field(default="", max_length=200)


class TimeOut(Schema):
    minutes: int
    note: str
    created_at: AwareDateTime


class AssignIn(Input):
    assignee: str | None = Field(default=None, description="username; null to unassign")
    queue: int | None = Field(default=None, ge=1, le=2**31)


class RequestFilters(Input):
    state: Literal["new", "open", "waiting_on_customer", "resolved", "closed"] | None = None
    queue: int | None = Field(default=None, ge=1, le=2**31)
    assignee: str | None = Field(default=None, description="username, 'me' or 'none'")
    tier: str | None = None
    breached: bool | None = None
    customer: UUID | None = None
    active: bool = Field(default=False, description="only new, open and waiting requests")


def _user(username: str | None, field: str):
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ServiceError(field, f"unknown user {username!r}")
    return user


def _queue(queue_id: int | None, field: str = "queue") -> Queue | None:
    if queue_id is None:
        return None
    queue = queue_by_id(queue_id)
    if queue is None:
        raise ServiceError(field, f"unknown queue {queue_id}")
    return queue


class _Serialised:
    """A queryset seen through ``request_out``: the paginator slices and counts it."""

    def __init__(self, queryset) -> None:
        self.queryset = queryset

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [request_out(r) for r in self.queryset[window]]


def _reload(user, reference: str) -> Request:
    return request_detail(user, reference)


@router.get("", response=list[RequestOut])
@paginate(BoundedLimitOffset)
def list_requests(request, filters: Query[RequestFilters]):
    """Requests you may see, soonest due first."""
    customer_id = None
    if filters.customer is not None:
        customer_id = (
            Customer.objects.filter(public_id=filters.customer).values_list("pk", flat=True).first()
        ) or -1
    return _Serialised(
        request_list(
            request.auth,
            state=filters.state,
            queue_id=filters.queue,
            assignee=filters.assignee,
            tier=filters.tier,
            breached=filters.breached,
            customer_id=customer_id,
            active_only=filters.active,
        )
    )


@router.post("", response={201: RequestOut})
def create_request(request, payload: RequestIn):
    """Open a request for a customer (``customer``) or an internal request from a
    department (``requesting_department``). Answers with the running targets."""
    # The customer and the queue: one statement (the two lookups joined).
    found, found_queue = statements.get_each(
        (CUSTOMER_WITH_TIER, payload.customer), (QUEUE_BY_ID, payload.queue)
    )
    customer = cast(Customer | None, found)
    queue = cast(Queue | None, found_queue)
    if payload.customer is not None and customer is None:
        raise ServiceError("customer", "unknown customer")
    if payload.queue is not None and queue is None:
        raise ServiceError("queue", f"unknown queue {payload.queue}")
    department = None
    if payload.requesting_department:
        department = (
            Department.objects.select_related("tier")
            .filter(code=payload.requesting_department)
            .first()
        )
        if department is None:
            raise ServiceError("requesting_department", "unknown department")
    category = None
    if payload.category:
        category = (
            Category.objects.select_related("default_queue").filter(name=payload.category).first()
        )
        if category is None:
            raise ServiceError("category", f"unknown category {payload.category!r}")
    created = services.open_request(
        actor=request.auth,
        customer=customer,
        requesting_department=department,
        subject=payload.subject,
        body=payload.body,
        body_is_html=payload.body_is_html,
        category=category,
        priority=payload.priority,
        channel=payload.channel,
        queue=queue,
        assignee=_user(payload.assignee, "assignee"),
    )
    # Built from the row just written, so not validated again on the way out.
    return Status(201, RequestOut.model_construct(**request_out(created)))


@queues_router.get("", response=list[QueueOut])
def list_queues(request):
    return queues_visible_to(request.auth)


@router.get("/{reference}", response=RequestDetailOut)
def get_request(request, reference: str):
    return request_detail_out(_reload(request.auth, reference))


@router.post("/{reference}/messages", response={201: MessageOut})
def add_message(request, reference: str, payload: MessageIn):
    """Reply to the requester, write an internal note, or record a message the
    requester sent (``kind: customer``, e.g. from a phone call)."""
    target = _reload(request.auth, reference)
    if payload.kind == "customer":
        if not can_handle_request(request.auth, target) and not is_requester_side(
            request.auth, target
        ):
            raise NotAllowed("you may not write on this request")
        message = services.receive_customer_message(
            request=target,
            body=payload.body,
            actor=request.auth,
            body_is_html=payload.body_is_html,
            attachments=_files(payload.attachments),
        )
    else:
        message = services.add_message(
            request=target,
            actor=request.auth,
            body=payload.body,
            kind=payload.kind,
            body_is_html=payload.body_is_html,
            attachments=_files(payload.attachments),
        )
    return Status(201, message)


@router.post("/{reference}/state", response=RequestOut)
def change_state(request, reference: str, payload: StateIn):
    target = _reload(request.auth, reference)
    services.change_state(request=target, actor=request.auth, state=State(payload.state))
    return request_out(_reload(request.auth, reference))


class AssignedOut(RequestOut):
    warnings: list[str] = Field(description="what to know about the assignee (e.g. untrained)")


@router.post("/{reference}/assign", response=AssignedOut)
def assign(request, reference: str, payload: AssignIn):
    target = _reload(request.auth, reference)
    assignee = _user(payload.assignee, "assignee")
    services.assign_request(
        request=target, actor=request.auth, assignee=assignee, queue=_queue(payload.queue)
    )
    target = _reload(request.auth, reference)
    return {**request_out(target), "warnings": assignment_warnings(target, target.assignee)}


@router.post("/{reference}/time", response={201: TimeOut})
def log_time(request, reference: str, payload: TimeIn):
    """Record time spent on the request (it feeds the customer's cost to serve)."""
    target = _reload(request.auth, reference)
    entry = services.log_time(
        request=target, actor=request.auth, minutes=payload.minutes, note=payload.note
    )
    return Status(201, entry)
