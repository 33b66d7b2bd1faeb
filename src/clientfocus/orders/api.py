"""Orders over the API: bulk create (idempotent by order id) and a customer's orders."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import InvalidItems, NotAllowed, ServiceError
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.selectors import visible_customer
from clientfocus.orders.models import Order, OrderMilestone
from clientfocus.orders.selectors import customer_orders
from clientfocus.orders.services import (
    CustomerLookup,
    RowError,
    record_milestone,
    store_new_lines,
    store_orders,
    validate_order,
)
from clientfocus.orders.signing import verify_signature
from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of

router = Router(tags=["orders"])


class LineIn(Input):
    product: str = Field(min_length=1, max_length=120)
    quantity: int = Field(default=1, ge=1, le=1_000_000)
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    product_line: str = Field(default="", max_length=60)


class OrderIn(Input):
    order_id: str = Field(min_length=1, max_length=64)
    customer: str = Field(description="external reference, customer id or e-mail")
    date: str = Field(description="YYYY-MM-DD or ISO 8601 time, not in the future")
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    currency: str = "EUR"
    status: str = "completed"
    channel: str = ""
    product_line: str = ""
    lines: list[LineIn] = Field(default_factory=list, max_length=500)


class OrdersIn(Input):
    orders: list[OrderIn] = Field(min_length=1, max_length=10_000)


class OrdersResult(Schema):
    created: int
    unchanged: int


class OrderOut(Schema):
    order_id: str
    placed_at: AwareDateTime
    amount: Decimal
    currency: str
    status: str
    channel: str
    product_line: str


def can_import_orders(user) -> bool:
    return role_of(user) in {Role.MANAGER, Role.ADMIN}


@router.post("", response={201: OrdersResult})
def add_orders(request, payload: OrdersIn):
    """Store orders; an order id already stored is left unchanged. All or nothing: if
    any order is invalid the answer is 422 naming each one, and nothing is stored."""
    if not can_import_orders(request.auth):
        raise NotAllowed("only managers and administrators import orders")
    lookup = CustomerLookup()
    now = datetime.now().astimezone()
    valid, errors, seen = [], [], set()
    for index, item in enumerate(payload.orders):
        try:
            order = validate_order(item.model_dump(), lookup, now)
            if order.order_id in seen:
                raise RowError(f"order_id: duplicate {order.order_id!r} in this request")
            seen.add(order.order_id)
            valid.append(order)
        except RowError as exc:
            field, _, reason = str(exc).partition(": ")
            errors.append(
                {
                    "loc": ["body", "orders", index, field],
                    "msg": reason or str(exc),
                    "type": "value_error",
                }
            )
    if errors:
        raise InvalidItems(errors)
    lines = {
        item.order_id.strip(): [(x.product, x.product_line, x.quantity, x.amount) for x in given]
        for item in payload.orders
        if (given := item.lines)
    }
    stamp = timezone.now()
    with transaction.atomic():
        created = store_orders(valid, now=stamp)
        # Lines come with new orders only: a stored order is left exactly as it was.
        store_new_lines(lines, stamp)
    return Status(201, {"created": created, "unchanged": len(valid) - created})


class MilestoneIn(Input):
    kind: str = Field(
        description="placed, confirmed, packed, shipped, out_for_delivery, "
        "delivered, delayed or cancelled"
    )
    occurred_at: datetime | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    new_date: date | None = None
    courier_phone: str = Field(default="", max_length=40)
    note: str = Field(default="", max_length=300)


class MilestoneOut(Schema):
    kind: str
    occurred_at: AwareDateTime
    window_start: AwareDateTime | None
    window_end: AwareDateTime | None
    new_date: date | None
    courier_phone: str
    note: str
    source: str


class OrderDetailOut(Schema):
    order_id: str
    customer: str
    placed_at: AwareDateTime
    amount: Decimal
    currency: str
    status: str
    stage: str
    channel: str
    product_line: str
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_customer(obj: Order) -> str:
        return str(obj.customer.public_id)

    @staticmethod
    def resolve_milestones(obj: Order) -> list:
        return list(obj.milestones.all())


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ServiceError(field, "give the time with its UTC offset")
    return value


def _record(order: Order, payload: MilestoneIn, source: str) -> OrderMilestone:
    return record_milestone(
        order=order,
        kind=payload.kind,
        occurred_at=_aware(payload.occurred_at, "occurred_at"),
        window_start=_aware(payload.window_start, "window_start"),
        window_end=_aware(payload.window_end, "window_end"),
        new_date=payload.new_date,
        courier_phone=payload.courier_phone,
        note=payload.note,
        source=source,
    )


@router.get("/{order_id}", response=OrderDetailOut)
def get_order(request, order_id: str):
    """An order and where it is; every employee may see it (S25)."""
    if role_of(request.auth) is None:
        raise Order.DoesNotExist
    return Order.objects.select_related("customer").get(order_id=order_id)


@router.post("/{order_id}/milestones", response={201: MilestoneOut})
def add_milestone(request, order_id: str, payload: MilestoneIn):
    if role_of(request.auth) is None:
        raise Order.DoesNotExist
    order = Order.objects.get(order_id=order_id)
    return Status(201, _record(order, payload, source="api"))


class WebhookMilestoneIn(MilestoneIn):
    order_id: str


webhook_router = Router(tags=["webhooks"])


@webhook_router.post("/milestones", response={201: MilestoneOut}, auth=None)
def milestone_webhook(request, payload: WebhookMilestoneIn):
    """Milestones from a carrier or shop system, signed with the shared secret:
    ``X-Clientfocus-Timestamp`` (Unix seconds) and ``X-Clientfocus-Signature`` =
    hex HMAC-SHA256 of ``"{timestamp}.{raw body}"``. Older than 5 minutes is refused."""
    verify_signature(request)
    order = Order.objects.get(order_id=payload.order_id)
    return Status(201, _record(order, payload, source="webhook"))


# Mounted under /api/customers: a customer's orders.
customer_router = Router(tags=["orders"])


@customer_router.get(
    "/{customer_id}/orders",
    response=list[OrderOut],
    operation_id="clientfocus_customers_api_orders",
    summary="Orders",
)
def customer_orders_list(request, customer_id: UUID, limit: int = Query(100, ge=1, le=1000)):
    customer = visible_customer(request.auth, customer_id)
    return list(customer_orders(customer.pk, limit=limit))
