"""Importing orders (and their lines) from CSV, near the speed of a raw COPY.

Each row is checked in Python by the rules of `services.validate_order` (the same
messages), with what repeats cached: a file of a million orders names a few thousand
dates. Good rows are formatted straight into PostgreSQL's COPY text and streamed into
the orders table batch by batch while the next rows are parsed, so the database works
on one core while Python parses on the other. Re-importing stays idempotent: a batch
that meets an order id already stored is rolled back to its savepoint and stored again
through a temporary table with ON CONFLICT DO NOTHING, which keeps what was stored.

A file with line columns (``product``, ``quantity``, ``line_amount``) has one row per
order line; the rows of one order follow each other and repeat its order fields. The
order's amount is the ``amount`` column when given, else the sum of its lines.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from clientfocus.core.spreadsheets import numbered_rows
from clientfocus.customers.models import Customer
from clientfocus.orders.models import Order
from clientfocus.orders.services import (
    ORDER_COPY_COLUMNS,
    CustomerLookup,
    Line,
    OrderImportReport,
    RowError,
    ValidOrder,
    check_currency,
    check_customer,
    check_order_id,
    check_status,
    insert_skipping_stored,
    parse_amount,
    parse_when,
    store_new_lines,
    store_orders,
)

ORDER_COLUMNS = (
    "order_id", "customer", "date", "amount", "currency", "status", "channel", "product_line",
)  # fmt: skip
LINE_COLUMNS = ("product", "quantity", "line_amount")
REQUIRED = ("order_id", "customer", "date")
BATCH = 50_000
# An import that stores this many orders refreshes the planner's statistics (PostgreSQL).
ANALYZE_AFTER = 100_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    """A value as COPY's text format writes it."""
    return value.translate(_ESCAPES)


@dataclass(slots=True)
class _Order:
    line: int  # the file line of its first row
    order_id: str
    customer_id: int
    placed: str  # as COPY text
    amount: str | None  # as COPY text; None: the sum of the lines
    currency: str
    status: str
    channel: str
    product_line: str
    lines: list[Line] | None = None

    def valid(self) -> ValidOrder:
        return ValidOrder(
            order_id=self.order_id,
            customer_id=self.customer_id,
            placed_at=datetime.fromisoformat(self.placed),
            amount=Decimal(self.copy_amount()),
            currency=self.currency,
            status=self.status,
            channel=self.channel,
            product_line=self.product_line,
        )

    def copy_amount(self) -> str:
        if self.amount is not None:
            return self.amount
        return str(sum((x[3] for x in self.lines or ()), Decimal(0)))

    def copy_text(self, stamp: str, escape: bool) -> str:
        amount = self.copy_amount()
        if escape:
            return (
                f"{_text(self.order_id)}\t{self.customer_id}\t{self.placed}\t{amount}\t"
                f"{self.currency}\t{self.status}\t{_text(self.channel)}\t"
                f"{_text(self.product_line)}\t{stamp}\t{stamp}\t\n"
            )
        return (
            f"{self.order_id}\t{self.customer_id}\t{self.placed}\t{amount}\t{self.currency}\t"
            f"{self.status}\t{self.channel}\t{self.product_line}\t{stamp}\t{stamp}\t\n"
        )


def _plain_amount(value: str) -> bool:
    """Digits with up to two decimals and at most 12 before the point (so within
    MAX_AMOUNT): COPY can take the text as it is."""
    whole, point, cents = value.partition(".")
    return (
        whole.isdigit()
        and whole.isascii()
        and len(whole) <= 12
        and (not point or (cents.isdigit() and cents.isascii() and len(cents) <= 2))
    )


class _Rows:
    """Checks rows and turns them into orders, with caches for what repeats. Columns a
    file does not have read as the empty cell appended to every row."""

    def __init__(self, header: list[str], now: datetime) -> None:
        self.width = len(header)
        at = {name: i for i, name in enumerate(header)}
        self.i = {name: at.get(name, self.width) for name in ORDER_COLUMNS + LINE_COLUMNS}
        self.now = now
        self.lookup = CustomerLookup()
        self.dates: dict[str, str] = {}
        self.has_lines = "product" in at

    def placed(self, value: str) -> str:
        cached = self.dates.get(value)
        if cached is not None:
            return cached
        if len(value) == 10:
            moment = parse_when(value, self.now)
            text = f"{moment:%Y-%m-%d} 12:00:00+00"
            if len(self.dates) < 100_000:  # whole days repeat; moments rarely do
                self.dates[value] = text
            return text
        return parse_when(value, self.now).astimezone(UTC).isoformat(sep=" ")

    def amount(self, value: str, name: str = "amount") -> str:
        if _plain_amount(value):
            return value
        try:
            return str(parse_amount(value))
        except RowError as exc:
            raise RowError(str(exc).replace("amount:", f"{name}:", 1)) from None

    def order(self, line: int, row: list[str]) -> _Order:
        if len(row) != self.width:
            if len(row) > self.width:
                raise RowError("more values than columns")
            row = row + [""] * (self.width - len(row))
        row.append("")
        i = self.i
        order_id = check_order_id(row[i["order_id"]])
        customer_id = check_customer(row[i["customer"]], self.lookup)
        currency = check_currency(row[i["currency"]])
        status = check_status(row[i["status"]])
        placed = self.placed(row[i["date"]].strip())
        given = row[i["amount"]].strip()
        if not given and not self.has_lines:
            raise RowError("amount: missing")
        order = _Order(
            line,
            order_id,
            customer_id,
            placed,
            self.amount(given) if given else None,
            currency,
            status,
            row[i["channel"]].strip()[:30],
            row[i["product_line"]].strip()[:60],
        )
        if self.has_lines:
            order.lines = [self.order_line(row)]
        return order

    def order_line(self, row: list[str]) -> Line:
        i = self.i
        product = row[i["product"]].strip()
        if not product:
            raise RowError("product: missing (every row of a file with lines is a line)")
        quantity_text = row[i["quantity"]].strip() or "1"
        if not (quantity_text.isdigit() and quantity_text.isascii()) or not (
            0 < int(quantity_text) <= 1_000_000
        ):
            raise RowError(f"quantity: {quantity_text!r} is not a whole number from 1")
        amount_text = row[i["line_amount"]].strip()
        if not amount_text:
            raise RowError("line_amount: missing")
        return (
            product[:120],
            row[i["product_line"]].strip()[:60],
            int(quantity_text),
            Decimal(self.amount(amount_text, "line_amount")),
        )


def _same_order(first: _Order, again: _Order) -> None:
    """A further row of an order must repeat its order fields."""
    for name in ("customer_id", "placed", "amount", "currency", "status"):
        if getattr(first, name) != getattr(again, name):
            label = {"customer_id": "customer", "placed": "date"}.get(name, name)
            raise RowError(
                f"{label}: differs from the order's first row (line {first.line}); "
                "the rows of one order repeat its order fields"
            )


# -- storing ----------------------------------------------------------------------------


def _missing_customers(batch: list[_Order]) -> set[int]:
    """Customers of the batch that no longer exist (deleted since the import read them):
    one anti-join, where a foreign key would check and lock every row."""
    ids = sorted({o.customer_id for o in batch})
    table = Customer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i FROM unnest(%s::bigint[]) AS i WHERE NOT EXISTS "  # noqa: S608 - the table name comes from the model
            f"(SELECT 1 FROM {table} c WHERE c.id = i)",
            [ids],
        )
        return {row[0] for row in cursor.fetchall()}


def _store_postgresql(text: str, count: int) -> int:
    """COPY the batch into the orders table; if an order id is already stored, go back to
    the savepoint and insert through a temporary table, skipping the stored ones."""
    table = Order._meta.db_table
    sid = transaction.savepoint()
    try:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({ORDER_COPY_COLUMNS}) FROM STDIN") as copy,
        ):
            copy.write(text)
        transaction.savepoint_commit(sid)
        return count
    except Exception as exc:
        transaction.savepoint_rollback(sid)
        if getattr(exc, "sqlstate", None) != "23505":  # unique_violation
            raise
    return insert_skipping_stored(lambda copy: copy.write(text))


@dataclass
class _Stored:
    created: int
    gone: list[_Order]  # orders whose customer was deleted while importing


def _store(batch: list[_Order], now: datetime, escape: bool) -> _Stored:
    """Store one batch in its own transaction."""
    with transaction.atomic():
        gone: list[_Order] = []
        if connection.vendor == "postgresql":
            stamp = now.isoformat(sep=" ")
            text = "".join(o.copy_text(stamp, escape) for o in batch)
            created = _store_postgresql(text, len(batch))
            # Checked after the rows are in, moments before the commit.
            missing = _missing_customers(batch)
            if missing:
                gone = [o for o in batch if o.customer_id in missing]
                batch = [o for o in batch if o.customer_id not in missing]
                created -= Order.objects.filter(
                    order_id__in=[o.order_id for o in gone], imported_at=now
                ).delete()[0]
        else:
            created = store_orders([o.valid() for o in batch], now=now)
        if created:
            store_new_lines({o.order_id: o.lines for o in batch if o.lines}, now)
    return _Stored(created, gone)


class _Writer:
    """Stores batches: on PostgreSQL, outside a transaction, in two more threads with
    their own connections, so the database writes batches on both cores while the next
    is parsed (the threads wait on the server almost all the time, holding no GIL).
    Inside a caller's transaction it stores in line, so everything stays in it."""

    THREADS = 2

    def __init__(self, now: datetime, escape: bool, report: OrderImportReport) -> None:
        self.now, self.escape, self.report = now, escape, report
        self.queue: queue.Queue[list[_Order] | None] = queue.Queue(maxsize=self.THREADS)
        self.failure: BaseException | None = None
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.threads = [
                threading.Thread(target=self._run, name=f"order-import-{i}", daemon=True)
                for i in range(self.THREADS)
            ]
            for thread in self.threads:
                thread.start()

    def _record(self, stored: _Stored, count: int) -> None:
        with self.lock:
            self.report.created += stored.created
            self.report.unchanged += count - len(stored.gone) - stored.created
            self.report.errors.extend(
                (o.line, "customer: deleted while the file was imported") for o in stored.gone
            )

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.failure is None:
                    try:
                        self._record(_store(batch, self.now, self.escape), len(batch))
                    except BaseException as exc:
                        self.failure = exc
        finally:
            connection.close()

    def submit(self, batch: list[_Order]) -> None:
        if self.failure is not None:
            raise self.failure
        if not self.threads:
            self._record(_store(batch, self.now, self.escape), len(batch))
        else:
            self.queue.put(batch)

    def finish(self) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()
        self.threads = []
        if self.failure is not None:
            raise self.failure


# -- the import -------------------------------------------------------------------------


def import_rows(
    header: list[str],
    rows: Iterator[tuple[int, list[str]]],
    *,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    escape: bool = True,
) -> OrderImportReport:
    """Check and store CSV rows (after the header): each bad row is reported with its line
    and reason and stored nothing; good rows are stored; an order id already stored is
    left as it is (so importing the same file again changes nothing)."""
    now = now or timezone.now()
    report = OrderImportReport()
    missing = [c for c in REQUIRED if c not in header]
    if "amount" not in header and "line_amount" not in header:
        missing.append("amount")
    if not header or missing:
        report.errors.append((1, f"the header needs the columns {', '.join(missing)}"))
        return report
    known = ORDER_COLUMNS + LINE_COLUMNS
    unknown = [h for h in header if h not in known]
    if unknown:
        report.errors.append((1, f"unknown column {unknown[0]!r}; known: {', '.join(known)}"))
        return report
    checker = _Rows(header, now)
    # When they were stored (``now`` may be given for the checks).
    writer = _Writer(timezone.now(), escape, report)
    # A million rows make a million small objects; the cyclic collector would walk
    # them again and again (a third of the parsing time) and finds no cycles here.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _read(rows, progress, checker, report, writer)
    finally:
        writer.finish()
        if collecting:
            gc.enable()
    if report.created >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # The planner's row counts are stale after a bulk load until autovacuum gets to
        # the table: the next value refresh sorted ten million orders on disk instead of
        # reading them in index order (6.5 s against 5.0 s). A sampled ANALYZE: 0.2 s.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Order._meta.db_table}")
    report.errors.sort()
    return report


def _read(
    rows: Iterator[tuple[int, list[str]]],
    progress: Callable[[int], None] | None,
    checker: _Rows,
    report: OrderImportReport,
    writer: _Writer,
) -> None:
    seen: dict[str, int] = {}
    batch: list[_Order] = []
    current: _Order | None = None  # the order whose rows are being read (files with lines)

    def flush() -> None:
        nonlocal batch
        if batch:
            writer.submit(batch)
            batch = []

    for line, row in rows:
        if progress:
            progress(1)
        try:
            order = checker.order(line, row)
            if current is not None and order.order_id == current.order_id:
                _same_order(current, order)
                if current.lines is not None and order.lines is not None:
                    current.lines.extend(order.lines)
                continue
            if order.order_id in seen:
                raise RowError(
                    f"order_id: duplicate {order.order_id!r} (first on line "
                    f"{seen[order.order_id]})"
                    + ("; the rows of one order follow each other" if order.lines else "")
                )
            seen[order.order_id] = line
            if current is not None and checker.has_lines:
                batch.append(current)
            current = order
            if not checker.has_lines:
                batch.append(order)
                current = None
        except RowError as exc:
            report.errors.append((line, str(exc)))
        if len(batch) >= BATCH:
            flush()
    if current is not None:
        batch.append(current)
    flush()


def import_orders_csv(
    *, text: str, now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> OrderImportReport:
    """Import orders from CSV text: a header row with order_id, customer (external
    reference, customer id or e-mail), date, amount and optionally currency, status,
    channel, product_line, and for one row per order line product, quantity and
    line_amount."""
    header, rows = numbered_rows(text)
    # Fields hold no tab or backslash (COPY's specials; a line break cannot be in an
    # unquoted field): they go into COPY as they are.
    escape = "\t" in text or "\\" in text or '"' in text
    return import_rows(header, rows, now=now, progress=progress, escape=escape)
