"""The value refresh's PostgreSQL path: the customers' summaries stay in the database.

The aggregate goes into a temporary table (`value_agg`), computed in parallel parts where
PostgreSQL may; Python fetches only its columns as numbers, packed by the database into
binary values read straight into numpy (amounts as whole cents, moments as PostgreSQL's
own microseconds, so they go back exactly as they came); the figures go back as one
binary COPY into the emptied table, built by `core.pgcopy` from the arrays. No timestamp,
decimal or row tuple crosses into Python: at a million customers those conversions were
three quarters of the refresh, and an INSERT … SELECT joining a temporary table of the
new scores cost more than the COPY that now replaces both.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import numpy as np
import psycopg
from django.db import connection

from clientfocus.core import pgcopy
from clientfocus.core.pgcopy import Column
from clientfocus.orders.models import Order
from clientfocus.value.models import CustomerValue

# Summary columns, each fetched as an 8-byte big-endian value: amounts in cents, the
# first and last purchase as `timestamptz` microseconds (PostgreSQL's binary form).
SUMMARY = (
    ("customer", "int8send(customer_id::int8)", ">i8"),
    ("orders", "int8send(orders::int8)", ">i8"),
    ("days", "int8send(days::int8)", ">i8"),
    ("revenue_cents", "int8send((revenue * 100)::int8)", ">i8"),
    ("repeat_cents", "int8send((repeat_revenue * 100)::int8)", ">i8"),
    ("first_day", "int8send(first_day::int8)", ">i8"),
    ("last_day", "int8send(last_day::int8)", ">i8"),
    ("first_at", "timestamptz_send(lo)", ">i8"),
    ("last_at", "timestamptz_send(hi)", ">i8"),
)


# For this transaction only: memory for the aggregate's sort and hash tables (with the
# server's default of 4 MB sorting a million orders spills to disk: a third of the time),
# and no JIT compilation (the temporary tables have no statistics, the planner expects
# millions of rows and spent 0.1 s compiling expressions for a 0.05 s join).
TRANSACTION_SETTINGS = ("SET LOCAL work_mem = '256MB'", "SET LOCAL jit = off")
# At most this many parts of the full aggregate at once, whatever the server allows.
MAX_PARTS = 8


def customer_ranges() -> list[tuple[str, list[Any]]]:
    """The customers split into as many id ranges as PostgreSQL may run parts of a query
    at once (its parallel workers and the process itself; one range where parallel query
    is off), each as a condition for the aggregate. The ranges are cut evenly between the
    lowest and highest customer with orders; the first and the last are open-ended, so
    an order of a new customer stored meanwhile is not left out."""
    table = Order._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(customer_id), max(customer_id), "  # noqa: S608 - the table name comes from the model
            f"current_setting('max_parallel_workers_per_gather')::int FROM {table}"
        )
        low, high, workers = cursor.fetchone()
    parts = 1 if low is None else max(1, min(workers + 1, MAX_PARTS, high - low + 1))
    if parts == 1:
        return [("", [])]
    cuts = [low + (high + 1 - low) * i // parts for i in range(1, parts)]
    return [
        ("AND customer_id < %s", [cuts[0]]),
        *(
            ("AND customer_id >= %s AND customer_id < %s", [start, end])
            for start, end in itertools.pairwise(cuts)
        ),
        ("AND customer_id >= %s", [cuts[-1]]),
    ]


def create_aggregate(sql: str, params: list[Any]) -> None:
    """The aggregate (columns customer_id, orders, days, revenue, repeat_revenue,
    first_day, last_day, lo, hi) into the temporary table, dropped at commit."""
    with connection.cursor() as cursor:
        for setting in TRANSACTION_SETTINGS:
            cursor.execute(setting)
        cursor.execute("DROP TABLE IF EXISTS value_agg")
        cursor.execute(f"CREATE TEMP TABLE value_agg ON COMMIT DROP AS {sql}", params)


def add_to_aggregate(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO value_agg {sql}", params)


# Customer ids per packed value read (72 bytes each: 72 MB at most).
READ_GROUP = 1_000_000


def read_summaries() -> dict[str, np.ndarray]:
    """The aggregate's columns, sorted by customer, as arrays (`SUMMARY`, and revenue and
    repeat revenue in currency units for the models): the database packs every row's
    binary values into a bytea per READ_GROUP customer ids (a value is at most 1 GB: one
    for everyone would fail at some 15 million customers), sent in binary (a COPY arrives
    as one message per row, and iterating them was most of the read; hex text doubled the
    transfer); numpy sorts (the database's ORDER BY took a third of the read)."""
    packed = " || ".join(expression for _, expression, _ in SUMMARY)
    # A psycopg cursor of its own on Django's connection (same transaction): Django's
    # cursors bind on the client and cannot ask for a binary result.
    with psycopg.Cursor(connection.connection) as cursor:
        # The column expressions are the constants above.
        cursor.execute(
            f"SELECT string_agg({packed}, ''::bytea) FROM value_agg "  # noqa: S608
            "GROUP BY customer_id / %s",
            [READ_GROUP],
            binary=True,
        )
        body = b"".join(bytes(part) for (part,) in cursor.fetchall())
    rows = np.frombuffer(body, dtype=np.dtype([(name, kind) for name, _, kind in SUMMARY]))
    order = np.argsort(rows["customer"], kind="stable")
    columns: dict[str, np.ndarray] = {
        name: rows[name][order].astype(np.int64) for name, _, _ in SUMMARY
    }
    # Exactly the database's float8 of the amount: both round the same decimal once.
    columns["revenue"] = columns["revenue_cents"] / 100
    columns["repeat_revenue"] = columns["repeat_cents"] / 100
    return columns


# The predictions a model may not give (NaN in the arrays, NULL in the figures).
OPTIONAL = ("p_alive", "expected_purchases_12m", "expected_spend", "lifetime_value_12m")
# Per customer (buyers and those with costs only), from the refresh's arrays.
SCORES = (
    Column("recency_score", "int2"),
    Column("frequency_score", "int2"),
    Column("monetary_score", "int2"),
)
COSTS = tuple(
    Column(name, "float8")
    for name in (*OPTIONAL, "staff_cost", "cost_to_serve", "margin", "profitability")
)
# What the refresh computes for every customer (`refresh._columns`).
COMPUTED = ("customer_id", *(c.name for c in SCORES), "segment", *(c.name for c in COSTS))


def figure_columns(segments: list[str]) -> tuple[Column, ...]:
    """The figures table's columns in the order both writers (the COPY here and
    refresh._write_rows) fill them; the segment is an index into ``segments``."""
    return (
        Column("customer_id", "int8"),
        Column("orders", "int4"),
        Column("purchase_days", "int4"),
        Column("revenue", "numeric", scale=2),
        Column("repeat_revenue", "numeric", scale=2),
        Column("first_order_at", "timestamptz"),
        Column("last_order_at", "timestamptz"),
        *SCORES,
        Column("segment", "text", labels=tuple(segments)),
        *COSTS,
        Column("computed_at", "timestamptz"),
    )


# The figures' column names, in that order (the segments' labels play no part in them).
COLUMNS = tuple(column.name for column in figure_columns(["any"]))


def replace_figures(
    summaries: dict[str, np.ndarray],
    values: dict[str, np.ndarray],
    segments: list[str],
    now: datetime,
) -> None:
    """Every customer's figures, written by one binary COPY: the buyers' summaries as
    `read_summaries` gave them (the first rows of ``values``), then everyone's scores,
    predictions and costs (``values``, `COMPUTED`; ``segment`` indexes ``segments``).
    The table is emptied and its indexes dropped (the primary key's too), then built
    again after the rows are in (a sorted build is a fraction of a hundred thousand index
    insertions); TRUNCATE locks the table until the commit anyway, a duplicate customer
    fails the primary key's build, and a failure rolls all of it back."""
    count, buyers = len(values["customer_id"]), len(summaries["customer"])
    if not np.array_equal(values["customer_id"][:buyers], summaries["customer"]):
        raise ValueError("the figures' first rows must be the summaries' customers")

    def padded(name: str) -> np.ndarray:  # the buyers' summary, 0 for the others
        column = np.zeros(count, dtype=np.int64)
        column[:buyers] = summaries[name]
        return column

    rows = dict(values)
    rows |= {
        "orders": padded("orders"),
        "purchase_days": padded("days"),
        "revenue": padded("revenue_cents"),
        "repeat_revenue": padded("repeat_cents"),
        "first_order_at": padded("first_at"),
        "last_order_at": padded("last_at"),
        "computed_at": np.full(count, pgcopy.microseconds(now), dtype=np.int64),
    }
    no_purchase = np.arange(count) >= buyers
    nulls = {"first_order_at": no_purchase, "last_order_at": no_purchase}
    nulls |= {name: np.isnan(values[name]) for name in OPTIONAL}
    figures = figure_columns(segments)
    stream = pgcopy.blocks(figures, rows, nulls)
    table = CustomerValue._meta.db_table
    with connection.cursor() as cursor:
        # TRUNCATE refuses a table with deferred foreign-key checks pending in this
        # transaction (figures written earlier in it): run those checks first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        indexes = _indexes(cursor, table)
        for drop, _ in indexes:
            cursor.execute(drop)
        names = ", ".join(column.name for column in figures)
        copy_sql = f"COPY {table} ({names}) FROM STDIN (FORMAT binary)"
        with cursor.cursor.copy(copy_sql) as copy:
            for block in stream:
                copy.write(block)
        for _, make in indexes:
            cursor.execute(make)


def _indexes(cursor, table: str) -> list[tuple[str, str]]:
    """How to drop and how to make again each index of ``table``, as the migrations made
    it: the constraints backed by an index (primary key, unique) first, unless a foreign
    key points at the table (it needs them all along), then the plain indexes."""
    cursor.execute(
        "SELECT format('ALTER TABLE %%I DROP CONSTRAINT %%I', c.conrelid::regclass::text, "
        "c.conname), format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', "
        "c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)) "
        "FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.conindid <> 0 "
        "AND c.contype IN ('p', 'u') AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
        "WHERE f.confrelid = c.conrelid) ORDER BY c.contype, c.conname",
        [table],
    )
    constraints = list(cursor.fetchall())
    cursor.execute(
        "SELECT format('DROP INDEX %%I', i.indexname), i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = "
        "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
        "ORDER BY i.indexname",
        [table],
    )
    return constraints + list(cursor.fetchall())
