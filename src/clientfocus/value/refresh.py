"""Recompute customers' value figures: aggregated in the database, fitted and predicted on
arrays, written back in bulk.

A *full* refresh aggregates every customer's orders with one GROUP BY. The nightly run is
*incremental*: only customers whose orders or requests changed since the last refresh
are aggregated again; everyone else's summary (purchase days, first and last purchase,
revenue, repeat revenue, staff cost) is read back from the stored figures. The models are
then fitted again on everybody's (collapsed) histories and every customer's predictions,
RFM scores and profitability are recomputed in one vectorised pass, because they move
with the calendar even when nothing was bought. A full refresh also runs when the last
full one is older than VALUE_FULL_REFRESH_DAYS (cost rates or the margin may have
changed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from clientfocus.orders.models import PURCHASE_STATUSES, Order
from clientfocus.service.selectors import cost_to_serve_by_customer, customers_served_since
from clientfocus.value import bulk
from clientfocus.value.extensions import other_costs
from clientfocus.value.lifetime import ModelError, fit_bgnbd, fit_gamma_gamma
from clientfocus.value.models import CustomerValue, ValueFit, ValueMark
from clientfocus.value.predict import Predictions, predict
from clientfocus.value.rfm import SEGMENTS, rfm_scores

WEEK = 7.0
HORIZON_WEEKS = 52.0
# Customer ids per statement when only some customers are aggregated again.
CHUNK = 20_000
# The segment a figures row can have (bulk writes their index): RFMScores.segment_codes
# order, then the customers with costs but no purchases.
SEGMENT_NAMES = [name for name, _ in SEGMENTS] + ["others", "no purchases"]
NO_PURCHASES = len(SEGMENT_NAMES) - 1


@dataclass
class RefreshResult:
    customers: int
    fit: ValueFit
    changed: int = 0  # customers aggregated again (all of them in a full refresh)


# The arrays of `Summaries`, as `bulk.read_summaries` names them too.
SUMMARY_ARRAYS = (
    "customer", "orders", "days", "revenue", "repeat_revenue", "first_day", "last_day",
)  # fmt: skip


@dataclass
class Summaries:
    """Per customer with purchases, sorted by customer id."""

    customer: np.ndarray  # int64
    orders: np.ndarray  # int64
    days: np.ndarray  # int64: distinct purchase days
    revenue: np.ndarray  # float64
    repeat_revenue: np.ndarray  # float64: revenue after the first purchase day
    first_day: np.ndarray  # int64: days since 1970-01-01 in the current time zone
    last_day: np.ndarray
    first_at: list[datetime]  # other databases (PostgreSQL: in ``exact``)
    last_at: list[datetime]
    # PostgreSQL: `bulk.read_summaries` as read (cents, microseconds), written back as is.
    exact: dict[str, np.ndarray] | None = None

    @classmethod
    def of(cls, rows: list[tuple]) -> Summaries:
        rows.sort(key=lambda row: row[0])
        columns = list(zip(*rows, strict=True)) if rows else [()] * 9
        return cls(
            customer=np.array(columns[0], dtype=np.int64),
            orders=np.array(columns[1], dtype=np.int64),
            days=np.array(columns[2], dtype=np.int64),
            revenue=np.array(columns[3], dtype=np.float64),
            repeat_revenue=np.array(columns[4], dtype=np.float64),
            first_day=np.array(columns[5], dtype=np.int64),
            last_day=np.array(columns[6], dtype=np.int64),
            first_at=list(columns[7]),
            last_at=list(columns[8]),
        )


# -- SQL that differs between PostgreSQL and SQLite --------------------------------------


def _day(column: str) -> str:
    """The calendar day (in the current time zone) of a timestamp column, as a date;
    one %s parameter: the zone's name."""
    if connection.vendor == "postgresql":
        return f"(({column}) AT TIME ZONE %s)::date"
    return f"django_datetime_cast_date({column}, %s, 'UTC')"


def _day_number(column: str) -> str:
    """The day of a timestamp as days since 1970-01-01; one %s parameter (the zone)."""
    if connection.vendor == "postgresql":
        return f"({_day(column)} - DATE '1970-01-01')"
    return f"CAST(julianday({_day(column)}) - 2440587.5 AS INTEGER)"


def _next_day_bound(column: str) -> str:
    """A moment certainly after the calendar day of ``column`` has ended (26 hours on:
    a day is at most 25 hours long)."""
    if connection.vendor == "postgresql":
        return f"({column} + interval '26 hours')"
    return f"datetime({column}, '+26 hours')"


def _money(expression: str) -> str:
    """A sum of amounts in cents, as stored: PostgreSQL adds numeric amounts exactly; SQLite
    adds them as floating point, and the stray fraction of a cent made the models' inputs
    differ from the stored summaries an incremental refresh reads back."""
    if connection.vendor == "postgresql":
        return expression
    return f"ROUND({expression}, 2)"


def _aggregate_sql(now: datetime, parts: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """Per customer: orders, distinct purchase days, revenue, repeat revenue (after the
    first purchase day), first and last purchase day and moment — one GROUP BY in the
    database; the first day's total is read by index only for customers with more
    than one purchase day. ``parts``: a condition narrowing the customers (and its
    parameters) for each part of the GROUP BY; several are joined by UNION ALL, which
    PostgreSQL runs in parallel (the per-customer reads above them stay in one
    process: a correlated subquery is not run by parallel workers)."""
    zone = timezone.get_current_timezone_name()
    table = Order._meta.db_table
    statuses = ", ".join(["%s"] * len(PURCHASE_STATUSES))
    where = f"status IN ({statuses}) AND placed_at <= %s"
    # Table and column names come from the model; every value is a parameter.
    grouped, params = [], []
    for condition, values in parts:
        grouped.append(
            f"SELECT customer_id, count(*) AS orders, "  # noqa: S608
            f"count(DISTINCT {_day('placed_at')}) AS days, {_money('sum(amount)')} AS revenue, "
            f"min(placed_at) AS lo, max(placed_at) AS hi FROM {table} WHERE {where} "
            f"{condition} GROUP BY customer_id"
        )
        params += [zone, *PURCHASE_STATUSES, now, *values]
    union = grouped[0] if len(grouped) == 1 else " UNION ALL ".join(f"({g})" for g in grouped)
    first_day_total = (
        f"SELECT sum(o.amount) FROM {table} o WHERE o.customer_id = s.customer_id "  # noqa: S608
        f"AND o.status IN ({statuses}) AND o.placed_at >= s.lo "
        f"AND o.placed_at < {_next_day_bound('s.lo')} "
        f"AND {_day('o.placed_at')} = {_day('s.lo')}"
    )
    repeat_revenue = _money(f"s.revenue - ({first_day_total})")
    sql = (
        f"WITH s AS ({union}) "  # noqa: S608 - the parts above
        "SELECT s.customer_id, s.orders, s.days, s.revenue, "
        f"CASE WHEN s.days > 1 THEN {repeat_revenue} ELSE 0 END "
        f"AS repeat_revenue, {_day_number('s.lo')} AS first_day, {_day_number('s.hi')} "
        "AS last_day, s.lo, s.hi FROM s"
    )
    return sql, [*params, *PURCHASE_STATUSES, zone, zone, zone, zone]


def _stored_sql() -> tuple[str, list[Any]]:
    """The summaries kept on the stored figures, in the aggregate's columns."""
    zone = timezone.get_current_timezone_name()
    table = CustomerValue._meta.db_table
    return (
        "SELECT customer_id, orders, purchase_days, revenue, repeat_revenue, "  # noqa: S608 - the table name comes from the model
        f"{_day_number('first_order_at')}, "
        f"{_day_number('last_order_at')}, first_order_at, last_order_at FROM {table} "
        "WHERE purchase_days > 0",
        [zone, zone],
    )


def _summaries_in_database(now: datetime, changed: list[int] | None) -> Summaries:
    """PostgreSQL: the aggregate (for everyone, or the changed customers plus the others'
    stored summaries) into a temporary table; only its numeric columns come back."""
    if changed is None:
        bulk.create_aggregate(*_aggregate_sql(now, bulk.customer_ranges()))
    else:
        bulk.create_aggregate(*_aggregate_sql(now, [("AND false", [])]))
        for start in range(0, len(changed), CHUNK):
            chunk = changed[start : start + CHUNK]
            only = "AND customer_id = ANY(%s::bigint[])"
            bulk.add_to_aggregate(*_aggregate_sql(now, [(only, [chunk])]))
        stored, params = _stored_sql()
        bulk.add_to_aggregate(
            f"{stored} AND NOT (customer_id = ANY(%s::bigint[]))", [*params, changed]
        )
    exact = bulk.read_summaries()
    return Summaries(
        **{name: exact[name] for name in SUMMARY_ARRAYS}, first_at=[], last_at=[], exact=exact
    )


def _summaries_in_python(now: datetime, changed: list[int] | None) -> Summaries:
    """Other databases: the aggregate's rows (and the unchanged customers' stored ones)
    read into Python."""
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        if changed is None:
            cursor.execute(*_aggregate_sql(now, [("", [])]))
            rows = list(cursor.fetchall())
        else:
            for start in range(0, len(changed), CHUNK):
                chunk = changed[start : start + CHUNK]
                only = f"AND customer_id IN ({', '.join(['%s'] * len(chunk))})"
                cursor.execute(*_aggregate_sql(now, [(only, chunk)]))
                rows.extend(cursor.fetchall())
            stored, params = _stored_sql()
            cursor.execute(stored, params)
            excluded = set(changed)
            rows.extend(row for row in cursor.fetchall() if row[0] not in excluded)
    return Summaries.of(rows)


def _stored_staff_costs(excluding: set[int]) -> dict[int, float]:
    return {
        cid: cost
        for cid, cost in CustomerValue.objects.filter(staff_cost__gt=0).values_list(
            "customer_id", "staff_cost"
        )
        if cid not in excluding
    }


def changed_since(since: datetime, now: datetime) -> set[int]:
    """Customers whose orders changed (imported, cancelled) or whose requests took staff
    time since ``since``."""
    orders = Order.objects.filter(updated_at__gte=since, updated_at__lte=now)
    changed = set(orders.values_list("customer_id", flat=True).distinct())
    return changed | customers_served_since(since)


# -- models -----------------------------------------------------------------------------


def _fit(s: Summaries, today: int, fit: ValueFit) -> Predictions | None:
    x = (s.days - 1).astype(np.float64)
    t_x = (s.last_day - s.first_day) / WEEK
    age = np.maximum(today - s.first_day, 1) / WEEK
    monetary = np.where(x > 0, s.repeat_revenue / np.maximum(x, 1), 0.0)
    notes = []
    result = None
    try:
        purchases = fit_bgnbd(x, t_x, age)
        fit.bgnbd = purchases.as_dict()
        spend = None
        try:
            spend = fit_gamma_gamma(x, monetary)
            fit.gammagamma = spend.as_dict()
        except ModelError as exc:
            notes.append(f"spend model: {exc}")
        result = predict(purchases, spend, x, t_x, age, monetary, horizon=HORIZON_WEEKS)
    except ModelError as exc:
        notes.append(f"purchase model: {exc}")
    fit.note = "; ".join(notes)[:300]
    return result


# -- writing ----------------------------------------------------------------------------


def _write_rows(s: Summaries, columns: dict[str, np.ndarray], now: datetime) -> None:
    """Other databases: replace every customer's figures by DELETE and batched INSERTs,
    the rows made from the summaries and `_columns`."""
    table = CustomerValue._meta.db_table
    buyers = len(s.customer)
    values = {name: columns[name].tolist() for name in bulk.COMPUTED}
    for name in bulk.OPTIONAL:  # NaN: not available
        values[name] = [None if v != v else v for v in values[name]]
    insert = (
        f"INSERT INTO {table} ({', '.join(bulk.COLUMNS)}) "  # noqa: S608 - the table name comes from the model
        f"VALUES ({', '.join(['%s'] * len(bulk.COLUMNS))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the table name comes from the model
        batch: list[tuple] = []
        for i, cid in enumerate(values["customer_id"]):
            summary = (
                (int(s.orders[i]), int(s.days[i]), round(float(s.revenue[i]), 2),
                 round(float(s.repeat_revenue[i]), 2), s.first_at[i], s.last_at[i])
                if i < buyers
                else (0, 0, 0.0, 0.0, None, None)
            )  # fmt: skip
            batch.append(
                (cid, *summary, values["recency_score"][i], values["frequency_score"][i],
                 values["monetary_score"][i], SEGMENT_NAMES[values["segment"][i]],
                 *(values[name][i] for name in bulk.OPTIONAL), values["staff_cost"][i],
                 values["cost_to_serve"][i], values["margin"][i], values["profitability"][i],
                 now)
            )  # fmt: skip
            if len(batch) == 5000:
                cursor.executemany(insert, batch)
                batch.clear()
        if batch:
            cursor.executemany(insert, batch)


def _day_of(now: datetime) -> int:
    """Today as days since 1970-01-01, in the current time zone (as `_day_number`)."""
    return (timezone.localdate(now) - date(1970, 1, 1)).days


# -- the refresh ------------------------------------------------------------------------


def _full_due(now: datetime) -> datetime | None:
    """When an incremental refresh may run: the time of the last refresh, unless the
    last full one is too old (None: run a full one)."""
    last = ValueFit.objects.order_by("-computed_at").first()
    full = ValueFit.objects.filter(full=True).order_by("-computed_at").first()
    if last is None or full is None:
        return None
    if now - full.computed_at > timedelta(days=settings.VALUE_FULL_REFRESH_DAYS):
        return None
    return last.computed_at


def refresh_values(
    *,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    full: bool | None = None,
) -> RefreshResult:
    """Refresh every customer's value figures: orders, revenue, first/last order, RFM
    scores and segment, P(alive), expected purchases and spend over 12 months, the
    discounted 12-month value, cost to serve and profitability. ``full=None`` chooses:
    incremental when a recent full refresh exists. If the data cannot identify a model,
    the figures that need it are left empty and the reason is kept on the fit record."""
    now = now or timezone.now()
    say = progress or (lambda _: None)
    since = None if full else _full_due(now)
    fit = ValueFit(computed_at=now, full=since is None)
    in_database = connection.vendor == "postgresql"
    # On PostgreSQL the temporary tables live until the commit: one transaction.
    with transaction.atomic() if in_database else contextlib.nullcontext():
        say("reading orders")
        changed = None if since is None else sorted(changed_since(since, now))
        summaries = _summaries_in_database if in_database else _summaries_in_python
        s = summaries(now, changed)
        if changed is None:
            staff = cost_to_serve_by_customer()
        else:
            staff = _stored_staff_costs(excluding=set(changed))
            staff |= cost_to_serve_by_customer(customers=changed)
        fit.customers = len(s.customer)
        fit.changed = len(s.customer) if changed is None else len(changed)
        say("fitting models")
        result = _fit(s, _day_of(now), fit) if len(s.customer) else None
        if not len(s.customer):
            fit.note = "no orders"
        say("scoring")
        columns = _columns(s, result, staff, now)
        say("saving")
        with transaction.atomic():
            fit.save()
            if in_database:
                assert s.exact is not None
                bulk.replace_figures(s.exact, columns, SEGMENT_NAMES, now)
            else:
                _write_rows(s, columns, now)
            mark_month(now)
    return RefreshResult(customers=len(s.customer), fit=fit, changed=fit.changed)


def _columns(
    s: Summaries, result: Predictions | None, staff: dict[int, float], now: datetime
) -> dict[str, np.ndarray]:
    """The scores, predictions and costs of every customer as arrays (`bulk.COMPUTED`), the
    customers with costs but no purchases after the buyers."""
    scores = rfm_scores(_day_of(now) - s.last_day, s.days, s.revenue)
    extra = other_costs()
    buyers = s.customer
    costed = np.array(sorted(set(staff) | set(extra)), dtype=np.int64)
    others = costed[~np.isin(costed, buyers)]
    ids = np.concatenate([buyers, others])
    sorter = np.argsort(ids, kind="stable")
    own, cost = _spread(ids, sorter, staff), _spread(ids, sorter, extra)
    cost += own
    margin = np.concatenate([np.round(s.revenue, 2), np.zeros(len(others))]) * float(
        settings.GROSS_MARGIN
    )
    none = np.full(len(others), np.nan)
    zeros = np.zeros(len(others), dtype=np.int16)

    def predicted(values: np.ndarray | None) -> np.ndarray:
        values = np.full(len(buyers), np.nan) if values is None else values
        return np.concatenate([values, none])

    return {
        "customer_id": ids,
        "recency_score": np.concatenate([scores.recency, zeros]),
        "frequency_score": np.concatenate([scores.frequency, zeros]),
        "monetary_score": np.concatenate([scores.monetary, zeros]),
        "segment": np.concatenate(
            [scores.segment_codes, np.full(len(others), NO_PURCHASES, dtype=np.int16)]
        ),
        "p_alive": predicted(result.p_alive if result else None),
        "expected_purchases_12m": predicted(result.expected_purchases if result else None),
        "expected_spend": predicted(result.expected_spend if result else None),
        "lifetime_value_12m": predicted(result.lifetime_value if result else None),
        "staff_cost": np.round(own, 2),
        "cost_to_serve": np.round(cost, 2),
        "margin": np.round(margin, 2),
        "profitability": np.round(margin - cost, 2),
    }


def _spread(ids: np.ndarray, sorter: np.ndarray, amounts: dict[int, float]) -> np.ndarray:
    """The amount of each customer in ``ids`` (0 for those without one; ``sorter`` sorts
    ``ids``); every key of ``amounts`` is in ``ids``."""
    values = np.zeros(len(ids), dtype=np.float64)
    if amounts:
        keys = np.fromiter(amounts.keys(), dtype=np.int64, count=len(amounts))
        at = sorter[np.searchsorted(ids, keys, sorter=sorter)]
        values[at] = np.fromiter(amounts.values(), dtype=np.float64, count=len(amounts))
    return values


def mark_month(now: datetime) -> int:
    """Keep this month's P(alive) and 12-month value of every customer who has them,
    once per month (the first refresh of the month writes; later ones leave them): one
    INSERT … SELECT in the database."""
    month = now.date().replace(day=1)
    if ValueMark.objects.filter(month=month).exists():
        return 0
    marks, values = ValueMark._meta.db_table, CustomerValue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {marks} (customer_id, month, p_alive, lifetime_value_12m) "  # noqa: S608 - table names from the models
            f"SELECT customer_id, %s, p_alive, lifetime_value_12m FROM {values} "
            "WHERE p_alive IS NOT NULL OR lifetime_value_12m IS NOT NULL",
            [month],
        )
        return cursor.rowcount
