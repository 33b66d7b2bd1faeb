"""Statements run on cursors kept per connection and statement (PostgreSQL): the same
statement again finds its cursor, with the adapters psycopg worked out for it, and the
kept cursors stay few whatever runs."""

from __future__ import annotations

import pytest
from django.db import DataError, connection, transaction

from clientfocus.core import prepared

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="cursors are kept on PostgreSQL only"
)

ADD = "SELECT %s::int + 1, %s::text"
TWICE = "SELECT %s::int * 2"


def test_each_statement_keeps_its_cursor_and_its_adapters(db):
    assert prepared.fetch_one(ADD, [1, "Ąžuolas"]) == (2, "Ąžuolas")
    cursors = prepared._KEPT[connection.connection]
    kept = cursors[ADD]
    adapters = kept._tx
    assert prepared.fetch_one(TWICE, [21]) == (42,)
    assert cursors[TWICE] is not kept
    assert prepared.fetch_one(ADD, [41, "Žemyna"]) == (42, "Žemyna")
    assert cursors[ADD] is kept and kept._tx is adapters


def test_kept_cursors_stay_few(db, monkeypatch):
    monkeypatch.setattr(prepared, "_KEEP", 3)
    for n in range(10):
        assert prepared.fetch_one(f"SELECT %s::int + {n}", [1]) == (1 + n,)
        assert len(prepared._KEPT[connection.connection]) <= 3


def test_a_failing_statement_leaves_its_cursor_usable(db):
    with pytest.raises(DataError, match="division by zero"), transaction.atomic():
        prepared.fetch_one("SELECT 1 / %s::int", [0])
    assert prepared.fetch_one("SELECT 1 / %s::int", [1]) == (1,)
