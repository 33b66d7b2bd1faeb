"""Writes on orders: bulk import from CSV or API, idempotent by order id."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from clientfocus.core.errors import ServiceError
from clientfocus.core.events import publish
from clientfocus.customers.models import ContactKind, ContactPoint, Customer
from clientfocus.orders.events import MilestoneRecorded
from clientfocus.orders.models import (
    FINAL_MILESTONES,
    Milestone,
    Order,
    OrderLine,
    OrderMilestone,
    OrderStatus,
)

STATUSES = frozenset(OrderStatus.values)  # computed once: the enum builds lists on each access
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass
class OrderImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ValidOrder:
    order_id: str
    customer_id: int
    placed_at: datetime
    amount: Decimal
    currency: str
    status: str
    channel: str
    product_line: str


class RowError(ValueError):
    pass


class CustomerLookup:
    """Find customers by external reference, id (UUID) or e-mail, loaded once."""

    def __init__(self) -> None:
        self.by_ref: dict[str, int] = {}
        self.by_uuid: dict[str, int] = {}
        for pk, ref, public_id in Customer.objects.values_list("pk", "external_ref", "public_id"):
            if ref:
                self.by_ref[ref] = pk
            self.by_uuid[str(public_id)] = pk
        self.by_email = dict(
            ContactPoint.objects.filter(kind=ContactKind.EMAIL).values_list(
                "normalised", "customer_id"
            )
        )

    def find(self, value: str) -> int | None:
        if value in self.by_ref:
            return self.by_ref[value]
        if "@" in value:
            return self.by_email.get(value.casefold())
        try:
            return self.by_uuid.get(str(uuid.UUID(value)))
        except ValueError:
            return None


def parse_when(value: str, now: datetime) -> datetime:
    value = value.strip()
    if not value:
        raise RowError("date: missing")
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time(12, 0), tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError as exc:
        raise RowError(f"date: {value!r} is not a date (YYYY-MM-DD or ISO 8601)") from exc
    if moment > now:
        raise RowError(f"date: {value} is in the future")
    return moment


def parse_amount(value: str) -> Decimal:
    value = value.strip().replace(" ", "")
    if not value:
        raise RowError("amount: missing")
    try:
        amount = Decimal(
            value.replace(",", ".") if value.count(",") == 1 and "." not in value else value
        )
    except InvalidOperation as exc:
        raise RowError(f"amount: {value!r} is not a number") from exc
    if not amount.is_finite():
        raise RowError(f"amount: {value!r} is not a number")
    if amount < 0:
        raise RowError(f"amount: {value} is negative (record returns with status 'returned')")
    if amount > MAX_AMOUNT:
        raise RowError(f"amount: {value} is too large")
    return amount.quantize(Decimal("0.01"))


def check_order_id(raw: Any) -> str:
    order_id = str(raw or "").strip()
    if not order_id:
        raise RowError("order_id: missing")
    if len(order_id) > 64:
        raise RowError("order_id: longer than 64 characters")
    return order_id


def check_customer(raw: Any, lookup: CustomerLookup) -> int:
    reference = str(raw or "").strip()
    if not reference:
        raise RowError("customer: missing")
    customer_id = lookup.find(reference)
    if customer_id is None:
        raise RowError(f"customer: unknown customer {reference!r}")
    return customer_id


def check_currency(raw: Any) -> str:
    currency = str(raw or "EUR").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise RowError(f"currency: {currency!r} is not a three-letter code")
    return currency


def check_status(raw: Any) -> str:
    status = str(raw or OrderStatus.COMPLETED).strip().lower()
    if status not in STATUSES:
        raise RowError(f"status: {status!r} is not one of {', '.join(OrderStatus.values)}")
    return status


def validate_order(values: dict[str, Any], lookup: CustomerLookup, now: datetime) -> ValidOrder:
    """Check one order given as strings (API fields); RowError says why not. The CSV
    import checks its rows with the same check_* functions (orders.importing)."""
    return ValidOrder(
        order_id=check_order_id(values.get("order_id")),
        customer_id=check_customer(values.get("customer"), lookup),
        placed_at=parse_when(str(values.get("date") or ""), now),
        amount=parse_amount(str(values.get("amount") if values.get("amount") is not None else "")),
        currency=check_currency(values.get("currency")),
        status=check_status(values.get("status")),
        channel=str(values.get("channel") or "").strip()[:30],
        product_line=str(values.get("product_line") or "").strip()[:60],
    )


ORDER_COPY_COLUMNS = (
    "order_id, customer_id, placed_at, amount, currency, status, channel, product_line, "
    "imported_at, updated_at, stage"
)


def insert_skipping_stored(write: Callable[[Any], None]) -> int:
    """PostgreSQL: ``write(copy)`` writes orders (ORDER_COPY_COLUMNS) into a temporary
    table, which is inserted with ON CONFLICT DO NOTHING; returns how many were new."""
    table = Order._meta.db_table
    with connection.cursor() as cursor:
        # Dropped at commit; emptied first in case an enclosing transaction (a test, a
        # caller's atomic block) already used it.
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS order_import (order_id text, customer_id bigint, "
            "placed_at timestamptz, amount numeric(14, 2), currency text, status text, "
            "channel text, product_line text, imported_at timestamptz, updated_at timestamptz, "
            "stage text) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE order_import")
        with cursor.cursor.copy(f"COPY order_import ({ORDER_COPY_COLUMNS}) FROM STDIN") as copy:
            write(copy)
        cursor.execute(
            f"INSERT INTO {table} ({ORDER_COPY_COLUMNS}) SELECT {ORDER_COPY_COLUMNS} "  # noqa: S608 - the table name comes from the model
            "FROM order_import ON CONFLICT (order_id) DO NOTHING"
        )
        return cursor.rowcount


def store_orders(orders: list[ValidOrder], *, now: datetime | None = None) -> int:
    """Insert orders whose id is not stored yet, stamped ``now``; returns how many were
    new. PostgreSQL streams them with COPY into a temporary table and inserts with ON
    CONFLICT DO NOTHING; other databases use batched bulk inserts."""
    if not orders:
        return 0
    now = now or timezone.now()
    if connection.vendor == "postgresql":

        def write(copy) -> None:
            for o in orders:
                copy.write_row(
                    (o.order_id, o.customer_id, o.placed_at, o.amount, o.currency, o.status,
                     o.channel, o.product_line, now, now, "")
                )  # fmt: skip

        with transaction.atomic():
            return insert_skipping_stored(write)
    before = Order.objects.count()
    with transaction.atomic():
        Order.objects.bulk_create(
            (Order(imported_at=now, updated_at=now, **o.__dict__) for o in orders),
            batch_size=2000,
            ignore_conflicts=True,
        )
    return Order.objects.count() - before


# (product, product_line, quantity, amount)
Line = tuple[str, str, int, Decimal]


def store_new_lines(lines: dict[str, list[Line]], now: datetime) -> None:
    """The lines of the orders just stored, stamped ``now``, by order id: an order stored
    before is left exactly as it was. PostgreSQL: COPY."""
    if not lines:
        return
    new = Order.objects.filter(order_id__in=list(lines), imported_at=now)
    rows = [
        (pk, *line)
        for pk, order_id in new.values_list("pk", "order_id").iterator(chunk_size=10_000)
        for line in lines[order_id]
    ]
    if connection.vendor == "postgresql":
        table = OrderLine._meta.db_table
        columns = "order_id, product, product_line, quantity, amount"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    OrderLine.objects.bulk_create(
        (
            OrderLine(order_id=pk, product=p, product_line=pl, quantity=q, amount=a)
            for pk, p, pl, q, a in rows
        ),
        batch_size=2000,
    )


def record_milestone(
    *,
    order: Order,
    kind: str,
    occurred_at: datetime | None = None,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    new_date: date | None = None,
    courier_phone: str = "",
    note: str = "",
    source: str = "api",
) -> OrderMilestone:
    """Record where an order is. Out for delivery needs its expected window; a delay
    needs the new date; nothing follows delivery or cancellation."""
    now = timezone.now()
    occurred_at = occurred_at or now
    if kind not in Milestone.values:
        raise ServiceError(
            "kind", f"unknown milestone {kind!r}; one of {', '.join(Milestone.values)}"
        )
    if occurred_at > now + timedelta(minutes=5):
        raise ServiceError("occurred_at", "a milestone cannot have happened in the future")
    if kind == Milestone.OUT_FOR_DELIVERY and (window_start is None or window_end is None):
        raise ServiceError("window_start", "out for delivery needs the expected window")
    if window_start and window_end and window_end <= window_start:
        raise ServiceError("window_end", "the window must end after it starts")
    if kind == Milestone.DELAYED and new_date is None:
        raise ServiceError("new_date", "a delay needs the new expected date")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.stage in FINAL_MILESTONES:
            raise ServiceError("kind", f"the order is already {locked.stage}")
        milestone = OrderMilestone.objects.create(
            order=locked,
            kind=kind,
            occurred_at=occurred_at,
            window_start=window_start,
            window_end=window_end,
            new_date=new_date,
            courier_phone=courier_phone.strip()[:40],
            note=note.strip()[:300],
            source=source,
        )
        if kind != Milestone.DELAYED:
            locked.stage = kind
            locked.save(update_fields=["stage"])
        if kind == Milestone.CANCELLED:
            Order.objects.filter(pk=locked.pk).update(status=OrderStatus.CANCELLED, updated_at=now)
        # Same transaction: the milestone and the notifications it causes commit together.
        publish(MilestoneRecorded(milestone=milestone, order=locked))
    return milestone
