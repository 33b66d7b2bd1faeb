"""Deleting requests does not read every request once per deleted one.

A request can follow another (`follows`, set to NULL when the earlier one goes). Without
an index on that column, PostgreSQL's check at commit looked for followers of each deleted
request by reading the whole requests table: deleting 14,690 requests from a million took
over a quarter of an hour (seen in benchmarks/service_desk.py); the retention sweep and
erasure delete requests in bulk."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from clientfocus.service import services
from clientfocus.service.models import Request

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's plan for the foreign-key check"
)


def test_followers_of_a_request_are_found_by_index(company):
    first = services.open_request(
        actor=company.agent, customer=company.customer, subject="First", body="Text"
    )
    table = Request._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # The query PostgreSQL's referential check and Django's SET_NULL both run.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql = f"EXPLAIN SELECT 1 FROM {table} WHERE follows_id = %s"  # noqa: S608 - model table
        cursor.execute(sql, [first.pk])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan and "Seq Scan" not in plan, plan


def test_deleting_a_followed_request_lets_go_of_its_follower(company):
    first = services.open_request(
        actor=company.agent, customer=company.customer, subject="First", body="Text"
    )
    later = services.open_request(
        actor=company.agent, customer=company.customer, subject="Later", body="Text"
    )
    Request.objects.filter(pk=later.pk).update(follows=first)
    first.delete()
    later.refresh_from_db()
    assert later.follows_id is None
