"""The value refresh's PostgreSQL path: the customers' summaries stay in the database.

The aggregate goes into a temporary table (`value_agg`); Python fetches only its numeric
columns, packed by the database into one binary value read straight into numpy; the
scores and predictions go back as one binary COPY built by numpy (`value_new`); one
INSERT … SELECT joins the two into the figures. No timestamp, decimal or row tuple
crosses into Python: at a million customers those conversions were three quarters of the
refresh.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import psycopg
from django.db import connection

from clientfocus.value.models import CustomerValue

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # signature, flags, header extension
TRAILER = b"\xff\xff"

# Numeric summary columns, each fetched as an 8-byte big-endian value.
SUMMARY = (
    ("customer", "int8send(customer_id::int8)", ">i8"),
    ("orders", "int8send(orders::int8)", ">i8"),
    ("days", "int8send(days::int8)", ">i8"),
    ("revenue", "float8send(revenue::float8)", ">f8"),
    ("repeat_revenue", "float8send(repeat_revenue::float8)", ">f8"),
    ("first_day", "int8send(first_day::int8)", ">i8"),
    ("last_day", "int8send(last_day::int8)", ">i8"),
)


# For this transaction only: memory for the aggregate's sort and hash tables (with the
# server's default of 4 MB sorting a million orders spills to disk: a third of the time),
# and no JIT compilation (the temporary tables have no statistics, the planner expects
# millions of rows and spent 0.1 s compiling expressions for a 0.05 s join).
TRANSACTION_SETTINGS = ("SET LOCAL work_mem = '256MB'", "SET LOCAL jit = off")


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


def read_summaries() -> dict[str, np.ndarray]:
    """The aggregate's numeric columns, sorted by customer, as arrays: the database packs
    every row's binary values into one bytea, sent in binary (a COPY arrives as one
    message per row, and iterating them was most of the read; hex text doubled the
    transfer); numpy sorts (the database's ORDER BY took a third of the read)."""
    packed = " || ".join(expression for _, expression, _ in SUMMARY)
    # A psycopg cursor of its own on Django's connection (same transaction): Django's
    # cursors bind on the client and cannot ask for a binary result.
    with psycopg.Cursor(connection.connection) as cursor:
        # The column expressions are the constants above.
        cursor.execute(f"SELECT string_agg({packed}, ''::bytea) FROM value_agg", binary=True)  # noqa: S608
        row = cursor.fetchone()
    body = bytes(row[0] or b"") if row else b""
    rows = np.frombuffer(body, dtype=np.dtype([(name, kind) for name, _, kind in SUMMARY]))
    order = np.argsort(rows["customer"], kind="stable")
    return {name: rows[name][order].astype(kind.replace(">", "<")) for name, _, kind in SUMMARY}


# What goes back: per customer (buyers and those with costs only).
NEW = (
    ("customer_id", "int8", ">i8"),
    ("recency_score", "int2", ">i2"),
    ("frequency_score", "int2", ">i2"),
    ("monetary_score", "int2", ">i2"),
    ("segment", "int2", ">i2"),  # index into the names given to `replace_figures`
    ("p_alive", "float8", ">f8"),  # NaN: not available
    ("expected_purchases_12m", "float8", ">f8"),
    ("expected_spend", "float8", ">f8"),
    ("lifetime_value_12m", "float8", ">f8"),
    ("staff_cost", "float8", ">f8"),
    ("cost_to_serve", "float8", ">f8"),
    ("margin", "float8", ">f8"),
    ("profitability", "float8", ">f8"),
)


NEW_NAMES = [name for name, _, _ in NEW]
# The predictions a model may not give (NaN in `value_new`, NULL in the figures).
OPTIONAL = ("p_alive", "expected_purchases_12m", "expected_spend", "lifetime_value_12m")
# The figures' columns in the order both writers (here and refresh._write_rows) fill them.
COLUMNS = (
    "customer_id", "orders", "purchase_days", "revenue", "repeat_revenue", "first_order_at",
    "last_order_at", "recency_score", "frequency_score", "monetary_score", "segment",
    *OPTIONAL, "staff_cost", "cost_to_serve", "margin", "profitability", "computed_at",
)  # fmt: skip


def write_new(values: dict[str, np.ndarray]) -> None:
    """COPY the new scores and predictions into `value_new` in PostgreSQL's binary
    format, built as one numpy record array."""
    fields = [("count", ">i2")]
    for name, _, kind in NEW:
        fields += [(f"{name}_length", ">i4"), (name, kind)]
    rows = np.zeros(len(values["customer_id"]), dtype=np.dtype(fields))
    rows["count"] = len(NEW)
    for name, _, kind in NEW:
        rows[f"{name}_length"] = np.dtype(kind).itemsize
        rows[name] = values[name]
    columns = ", ".join(f"{name} {sql}" for name, sql, _ in NEW)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS value_new")
        cursor.execute(f"CREATE TEMP TABLE value_new ({columns}) ON COMMIT DROP")
        with cursor.cursor.copy("COPY value_new FROM STDIN (FORMAT binary)") as copy:
            copy.write(HEADER + rows.tobytes() + TRAILER)


def replace_figures(segments: list[str], now: datetime) -> None:
    """Every customer's figures from `value_new` joined with `value_agg`. The table is
    emptied and its secondary indexes dropped, then built again after the rows are in
    (a sorted build is a fraction of a hundred thousand index insertions); TRUNCATE locks
    the table until the commit anyway, and a failure rolls all of it back."""
    table = CustomerValue._meta.db_table
    nullable = ", ".join(f"NULLIF(n.{name}, 'NaN')" for name in OPTIONAL)
    with connection.cursor() as cursor:
        # TRUNCATE refuses a table with deferred foreign-key checks pending in this
        # transaction (figures written earlier in it): run those checks first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        indexes = _secondary_indexes(cursor, table)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(COLUMNS)}) "  # noqa: S608 - the table name comes from the model
            "SELECT n.customer_id, COALESCE(a.orders, 0), COALESCE(a.days, 0), "
            "COALESCE(a.revenue, 0), COALESCE(a.repeat_revenue, 0), a.lo, a.hi, "
            "n.recency_score, "
            "n.frequency_score, n.monetary_score, (%s::text[])[n.segment + 1], "
            f"{nullable}, n.staff_cost, n.cost_to_serve, n.margin, n.profitability, %s "
            "FROM value_new n LEFT JOIN value_agg a ON a.customer_id = n.customer_id",
            [segments, now],
        )
        for _, definition in indexes:
            cursor.execute(definition)


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """Name and CREATE statement of each index of ``table`` that backs no constraint
    (the primary key and unique constraints stay), as the migrations made them."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
        "current_schema() AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))"
        "::regclass)",
        [table],
    )
    return list(cursor.fetchall())
