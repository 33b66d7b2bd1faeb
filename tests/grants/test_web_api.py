"""Grants as staff reach them: from the record and the request, the approval page, the
limits and the report (CSV safe in a spreadsheet), and the API."""

from __future__ import annotations

import pytest

from clientfocus.grants import services
from clientfocus.grants.models import Grant
from clientfocus.service.services import open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(company):
    services.set_limit(actor=company.admin, role="agent", kind="goodwill", per_grant=20)
    services.set_limit(actor=company.admin, role="manager", kind="goodwill", per_grant=200)


def test_grant_from_the_request_and_approve_in_one_click(company, rules, web_as):
    req = open_request(
        actor=company.agent,
        subject="Late",
        customer=company.customer,
        queue=company.care_queue,
        assignee=company.agent,
    )
    agent = web_as(company.agent)
    page = agent.get(f"/requests/{req.reference}/").content.decode()
    assert 'data-testid="request-grants"' in page
    answer = agent.post(
        f"/customers/{company.customer.public_id}/grants/",
        {
            "kind": "goodwill",
            "amount": "25,50",
            "reason": '=HYPERLINK("x")',
            "reference": req.reference,
        },
    )
    assert answer.status_code == 302 and answer["Location"].endswith(f"/requests/{req.reference}/")
    waiting = Grant.objects.get()
    assert waiting.state == "pending" and waiting.amount == 25.5 and waiting.request == req
    record = agent.get(f"/customers/{company.customer.public_id}/").content.decode()
    assert 'data-testid="customer-grants"' in record and "Grant waiting for approval" in record
    manager = web_as(company.manager)
    assert f"approve-{waiting.pk}" in manager.get("/grants/pending/").content.decode()
    manager.post(f"/grants/{waiting.pk}/decide/", {"approve": "1"})
    waiting.refresh_from_db()
    assert waiting.state == "approved" and waiting.decided_by == company.manager
    csv = manager.get("/grants/report/?format=csv").content.decode()
    assert "goodwill,standard,1,25.50" in csv
    assert manager.get("/grants/report/").status_code == 200
    assert manager.get("/grants/limits/").status_code == 200
    agent = web_as(company.agent)  # one browser: sign in as the agent again
    assert agent.get("/grants/report/").status_code == 404
    bad = agent.post(
        f"/customers/{company.customer.public_id}/grants/",
        {"kind": "goodwill", "amount": "-3", "reason": "x"},
    )
    assert bad.status_code == 302 and Grant.objects.count() == 1
    assert agent.post("/customers/not-a-uuid/grants/", {}).status_code == 404
    assert (
        web_as(company.logistics_staff)
        .post(
            f"/customers/{company.customer.public_id}/grants/",
            {"kind": "goodwill", "amount": "1", "reason": "why"},
        )
        .status_code
        == 404
    )


def test_the_api(company, rules, api_as):
    agent = api_as(company.agent)
    path = f"/api/customers/{company.customer.public_id}/grants"
    made = agent.post(path, {"kind": "goodwill", "amount": "10.00", "reason": "Late delivery"})
    assert made.status_code == 201 and made.json()["state"] == "approved"
    above = agent.post(path, {"kind": "goodwill", "amount": "30", "reason": "More"}).json()
    assert above["state"] == "pending" and "per grant" in above["exceeds"]
    manager = api_as(company.manager)
    assert [g["id"] for g in manager.get("/api/grants/pending").json()] == [above["id"]]
    assert agent.post(f"/api/grants/{above['id']}/decide", {"approve": True}).status_code == 403
    declined = manager.post(
        f"/api/grants/{above['id']}/decide", {"approve": False, "note": "Too much"}
    )
    assert declined.json()["state"] == "declined"
    assert len(agent.get(path).json()) == 2
    report = manager.get("/api/grants/report").json()
    assert report["by_kind_tier"][0]["grants"] == 2 and report["by_kind_tier"][0]["declined"] == 1
    assert agent.get("/api/grants/report").status_code == 403
    assert (
        api_as(company.admin)
        .put("/api/grants/limits", {"role": "agent", "kind": "refund", "per_grant": "5"})
        .status_code
        == 200
    )
    assert manager.put("/api/grants/limits", {"role": "agent", "kind": "refund"}).status_code == 403
    for body in (
        {"kind": "cash", "amount": "1", "reason": "why"},
        {"kind": "goodwill", "amount": "-1", "reason": "why"},
        {"kind": "goodwill", "amount": "1e12", "reason": "why"},
        {"kind": "goodwill", "amount": "1", "reason": ""},
        {"kind": "goodwill", "amount": "1", "reason": "why", "request": "REQ-404"},
    ):
        answer = agent.post(path, body)
        assert 400 <= answer.status_code < 500, (body, answer.content)
    assert (
        agent.post(
            "/api/customers/00000000-0000-0000-0000-000000000000/grants",
            {"kind": "goodwill", "amount": "1", "reason": "why"},
        ).status_code
        == 404
    )
    assert manager.post("/api/grants/999999/decide", {"approve": True}).status_code == 404
