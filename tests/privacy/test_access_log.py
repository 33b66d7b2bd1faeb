"""Who opened or exported which customer record: logged on every read, shown to
administrators (page, API, command line), forgotten after ACCESS_LOG_DAYS."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from clientfocus.customers.access import prune_access_log
from clientfocus.customers.models import RecordAccess


def test_reading_a_record_is_logged_and_administrators_see_it(company, web_as, api_as):
    agent = web_as(company.agent)
    assert agent.get(f"/customers/{company.gold_customer.public_id}/").status_code == 200
    api_as(company.agent).get(f"/api/customers/{company.customer.public_id}")
    api_as(company.agent).get(f"/api/customers/{company.customer.public_id}/timeline")
    logged = list(RecordAccess.objects.order_by("id").values_list("actor__username", "via",
                                                                  "customer__name"))  # fmt: skip
    assert logged == [
        ("agent", "page", company.gold_customer.name),
        ("agent", "api", company.customer.name),
        ("agent", "api timeline", company.customer.name),
    ]
    # Only administrators read the log: a 404 page, a 403 API answer for anyone else.
    assert agent.get("/customers/access/").status_code == 404
    assert api_as(company.manager).get("/api/customers/access-log").status_code == 403

    admin = web_as(company.admin)
    page = admin.get("/customers/access/").content.decode()
    assert page.count("<tr>") == 4 and "api timeline" in page  # header + 3 rows
    only = admin.get(f"/customers/access/?customer={company.gold_customer.public_id}")
    assert only.content.decode().count("<tr>") == 2
    assert admin.get("/customers/access/?customer=not-a-uuid").status_code == 200
    assert admin.get("/customers/access/?actor=nobody").content.decode().count("<tr>") == 2

    answer = api_as(company.admin).get("/api/customers/access-log", actor="agent", limit=2)
    assert answer.status_code == 200
    rows = answer.json()
    assert [r["via"] for r in rows] == ["api timeline", "api"]
    assert rows[0]["customer"] == str(company.customer.public_id)
    assert api_as(company.admin).get("/api/customers/access-log", limit=0).status_code == 422


def test_the_command_line_prints_the_log(company, web_as):
    web_as(company.agent).get(f"/customers/{company.customer.public_id}/")
    out = StringIO()
    call_command("access_log", "--json", "--customer", str(company.customer.public_id), stdout=out)
    line = json.loads(out.getvalue().splitlines()[0])
    assert line["actor"] == "agent" and line["action"] == "viewed" and line["via"] == "page"


def test_old_entries_are_forgotten(company, settings):
    settings.ACCESS_LOG_DAYS = 30
    old = RecordAccess.objects.create(customer=company.customer, actor=company.agent,
                                      action="viewed", via="page")  # fmt: skip
    RecordAccess.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    RecordAccess.objects.create(customer=company.customer, actor=company.agent, action="viewed",
                                via="page")  # fmt: skip
    assert prune_access_log() == 1
    assert RecordAccess.objects.count() == 1


def test_the_command_line_names_bad_input(db):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is not a customer id"):
        call_command("access_log", "--customer", "nope")
    with pytest.raises(CommandError, match="--days must be"):
        call_command("access_log", "--days", "0")
    with pytest.raises(CommandError, match="no user"):
        call_command("access_log", "--actor", "ghost")


def test_a_malformed_cursor_shows_the_newest_entries(company, web_as):
    admin = web_as(company.admin)
    assert admin.get("/customers/access/", {"before": "2026-13-45T00:00:00"}).status_code == 200
