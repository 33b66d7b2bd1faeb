"""Timestamps read from PostgreSQL by psycopg's C loader are the datetimes Django's own
loader gives: the same instants, the same tzinfo object; and in a session whose zone was
changed behind Django's back, still the right instants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's timestamptz loader"
)

SAMPLES = """SELECT now(), '2026-03-29 01:30:00.000001+00'::timestamptz,
    '2026-10-25 00:59:59.999999+00'::timestamptz, '0001-01-01 00:00:00+00'::timestamptz,
    '9999-12-31 23:59:59.999999+00'::timestamptz, '1970-01-01 00:00:00+03'::timestamptz,
    '2026-12-01 10:00:00.5+05:45'::timestamptz, NULL::timestamptz"""


def _djangos(raw):
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    cursor = raw.cursor()
    register_tzloader(connection.timezone, cursor)
    return cursor


@pytest.mark.django_db
def test_the_connection_reads_timestamps_with_the_c_loader():
    from psycopg.pq import Format

    connection.ensure_connection()
    oid = connection.connection.adapters.types["timestamptz"].oid
    loader = connection.connection.adapters.get_loader(oid, Format.TEXT)
    assert loader.__module__ == "clientfocus.core.timestamps"
    assert loader.timezone is connection.timezone is UTC


@pytest.mark.django_db
def test_values_equal_djangos_own_loader():
    with connection.cursor() as cursor:
        cursor.execute(SAMPLES)
        ours = cursor.fetchone()
    theirs = _djangos(connection.connection)
    theirs.execute(SAMPLES)
    expected = theirs.fetchone()
    assert ours == expected
    assert [v.tzinfo for v in ours if v] == [v.tzinfo for v in expected if v]
    assert all(v.tzinfo is UTC for v in ours if v)


@pytest.mark.django_db
def test_a_session_in_another_zone_still_gives_the_right_instants():
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Kathmandu'")
        try:
            cursor.execute("SELECT '2026-12-01 10:00:00+00'::timestamptz")
            (value,) = cursor.fetchone()
        finally:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert value == datetime(2026, 12, 1, 10, 0, tzinfo=UTC) and value.tzinfo is UTC


@pytest.mark.django_db
def test_models_read_back_what_they_wrote(company):
    from clientfocus.customers.models import Customer

    when = datetime(2026, 12, 1, 9, 8, 7, 654321, tzinfo=UTC)
    Customer.objects.filter(pk=company.customer.pk).update(created_at=when)
    assert Customer.objects.get(pk=company.customer.pk).created_at == when
