"""Staffing through the pages and the API."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clientfocus.service.models import Request
from clientfocus.staffing.models import AnswerTarget, QueueStaffing, Shift
from tests.factories import ContactFactory


@pytest.fixture
def desk(company):
    staffing = QueueStaffing.objects.create(
        queue=company.care_queue, interval_minutes=60, aht_seconds=300
    )
    AnswerTarget.objects.create(
        staffing=staffing, tier=company.gold, service_level=0.8, target_seconds=20
    )
    AnswerTarget.objects.create(
        staffing=staffing, tier=company.standard, service_level=0.8, target_seconds=120
    )
    now = timezone.now()
    for week in range(1, 5):
        for _ in range(6):
            Request.objects.create(
                customer=company.customer, subject="call", queue=company.care_queue,
                tier=company.standard, channel="phone", created_at=now - timedelta(weeks=week),
            )  # fmt: skip
    Shift.objects.create(
        employee=company.agent.employee, queue=company.care_queue,
        start=now - timedelta(hours=1), end=now + timedelta(hours=3),
    )  # fmt: skip
    return staffing


def test_plan_page_for_managers(company, desk, web_as):
    assert web_as(company.agent).get("/staffing/").status_code == 404
    page = web_as(company.manager).get(f"/staffing/?queue={company.care_queue.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="plan-day"') == 7
    assert "Erlang C" in html and "SL gold" in html
    bad = web_as(company.manager).get(f"/staffing/?queue={company.care_queue.pk}&week=soon")
    assert bad.status_code == 422 and "ISO week" in bad.content.decode()


def test_roster_import_page(company, desk, web_as):
    web = web_as(company.manager)
    csv = (
        b"employee,queue,start,end\n"
        b"agent2,Care,2030-01-07T09:00,2030-01-07T17:00\n"
        b"nobody,Care,x,y\n"
    )
    reply = web.post("/staffing/roster/", {"file": SimpleUploadedFile("r.csv", csv)})
    assert reply.status_code == 422 and "r.csv:3" in reply.content.decode()
    assert Shift.objects.filter(employee=company.agent2.employee).count() == 1
    latin = "employee,queue,start,end\nagent2,Č".encode("cp1257")
    assert (
        web.post("/staffing/roster/", {"file": SimpleUploadedFile("l.csv", latin)}).status_code
        == 422
    )


def test_queue_view_shows_live_waits_against_target(company, desk, web_as):
    Request.objects.create(
        customer=company.customer, subject="Calling now", queue=company.care_queue,
        tier=company.standard, channel="phone", created_at=timezone.now() - timedelta(minutes=5),
        assignee=None,
    )  # fmt: skip
    page = (
        web_as(company.agent)
        .get(f"/queue/?view=queue&queue={company.care_queue.pk}")
        .content.decode()
    )
    assert 'data-testid="live-wait"' in page and "/ 2:00" in page


def test_wait_plan_and_callback_api(company, desk, api_as):
    api = api_as(company.agent)
    wait = api.get(
        "/api/staffing/wait", queue="Care", customer=str(company.gold_customer.public_id)
    )
    assert wait.status_code == 200
    body = wait.json()
    assert body["tier"] == "gold" and body["agents_on_duty"] == 1 and body["target_seconds"] == 20
    assert api.get("/api/staffing/wait", queue="Nope", tier="gold").status_code == 422
    assert api.get("/api/staffing/wait", queue="Care").status_code == 422
    assert api.get("/api/staffing/plan", queue="Care", week="2026-W48").status_code == 403
    plan = api_as(company.manager).get("/api/staffing/plan", queue="Care", week="2026-W48").json()
    assert len(plan["intervals"]) == 168 and plan["forecast"]["history_weeks"] == 8
    ContactFactory(customer=company.gold_customer, kind="phone", value="+37061234567")
    created = api.post(
        "/api/staffing/callback",
        {"customer": str(company.gold_customer.public_id), "queue": "Care", "note": "after 14:00"},
    )
    assert created.status_code == 201 and created.json()["first_response_due"]
    no_phone = api.post(
        "/api/staffing/callback", {"customer": str(company.customer.public_id), "queue": "Care"}
    )
    assert no_phone.status_code == 422


def test_the_plan_draws_a_chart_per_day_with_its_table(company, desk, web_as):
    html = web_as(company.manager).get(f"/staffing/?queue={company.care_queue.pk}").content
    html = html.decode()
    assert html.count('<canvas role="img"') == 7
    assert "vendor/chart.umd.min.js" in html
    configs = re.findall(r'<script id="chart-plan-\d-data" type="application/json">(.*?)</script>',
                         html)  # fmt: skip
    assert len(configs) == 7
    first = json.loads(configs[0])
    assert first["options"]["scales"]["y"]["title"]["text"] == "Staff (people)"
    assert [d["label"] for d in first["data"]["datasets"]] == ["Rostered", "Needed"]
    assert len(first["data"]["labels"]) == 24  # one-hour intervals
    assert html.count('class="chart-table"') == 7
