"""Orders over the API: bulk create (idempotent by order id) and a customer's orders."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from ninja import Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import InvalidItems, NotAllowed
from clientfocus.core.schemas import AwareDateTime
from clientfocus.orders.services import CustomerLookup, RowError, store_orders, validate_order
from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of

router = Router(tags=["orders"])


class OrderIn(Schema):
    order_id: str = Field(min_length=1, max_length=64)
    customer: str = Field(description="external reference, customer id or e-mail")
    date: str = Field(description="YYYY-MM-DD or ISO 8601 time, not in the future")
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    currency: str = "EUR"
    status: str = "completed"
    channel: str = ""
    product_line: str = ""


class OrdersIn(Schema):
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
    with transaction.atomic():
        created = store_orders(valid)
    return Status(201, {"created": created, "unchanged": len(valid) - created})
