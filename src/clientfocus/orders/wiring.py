"""What the orders app adds to the apps below it: milestones on the customer's timeline.
Wired in ``OrdersConfig.ready()``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from clientfocus.customers.export import ExportSection, export_sections
from clientfocus.customers.extensions import (
    Importer,
    TimelineItem,
    importers,
    newest_first,
    timeline_sources,
)
from clientfocus.customers.models import Customer
from clientfocus.orders.importing import import_orders_csv
from clientfocus.orders.models import Order, OrderMilestone


def milestones(
    customer: Customer, *, user, limit: int, before: datetime | None
) -> list[TimelineItem]:
    """Every employee sees every order (S25: one order cycle all departments share)."""
    rows = OrderMilestone.objects.filter(order__customer=customer).select_related("order")
    return [
        TimelineItem(
            at=m.occurred_at,
            kind=f"milestone_{m.kind}",
            source="order",
            data={"order": m.order.order_id, "note": m.note},
            actor="",
        )
        for m in newest_first(rows, before=before, limit=limit, at="occurred_at")
    ]


def import_orders(text: str, progress: Callable[[int], None]) -> tuple[str, list]:
    result = import_orders_csv(text=text, progress=progress)
    summary = (
        f"{result.created} created, {result.unchanged} already stored, "
        f"{len(result.errors)} rejected"
    )
    return summary, result.errors


def orders_export(customer: Customer) -> Iterable[ExportSection]:
    orders = (
        Order.objects.filter(customer=customer)
        .prefetch_related("lines", "milestones")
        .order_by("placed_at", "id")
    )
    yield ExportSection("orders", [
        {"order_id": o.order_id, "placed_at": o.placed_at, "amount": o.amount,
         "currency": o.currency, "status": o.status, "channel": o.channel,
         "product_line": o.product_line,
         "lines": [{"product": x.product, "product_line": x.product_line,
                    "quantity": x.quantity, "amount": x.amount} for x in o.lines.all()],
         "milestones": [{"what": m.kind, "at": m.occurred_at, "window_start": m.window_start,
                         "window_end": m.window_end, "new_date": m.new_date, "note": m.note}
                        for m in o.milestones.all()]}
        for o in orders
    ])  # fmt: skip


def wire() -> None:
    export_sections.contribute("orders.orders", orders_export, order=30)
    importers.contribute(
        "orders",
        Importer(
            "`import orders FILE.csv`: order_id, customer (external reference, id or e-mail), "
            "date, amount[, currency, status, channel, product_line]; with product, quantity, "
            "line_amount one row per order line (amount then optional: the sum of the lines); "
            "idempotent by order id.",
            import_orders,
        ),
        order=20,
    )
    timeline_sources.contribute("orders.milestones", milestones, order=30)
