"""The requests API: create, list with filters, get, message, state, assign."""

from __future__ import annotations

import re
from datetime import datetime

from clientfocus.service import services
from clientfocus.service.models import Request

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


def create(api, company, **extra):
    payload = {
        "customer": str(company.gold_customer.public_id),
        "subject": "Broken oven",
        "body": "It smells of smoke",
        "queue": company.care_queue.pk,
        **extra,
    }
    return api.post("/api/requests", payload)


def test_create_answers_201_with_reference_state_tier_and_due_times(company, api_as):
    response = create(api_as(company.agent), company)
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.match(r"^REQ-\d{6}$", body["reference"])
    assert body["state"] == "new" and body["tier"] == "gold"
    assert ISO_WITH_OFFSET.match(body["first_response_due"])
    assert ISO_WITH_OFFSET.match(body["resolution_due"])
    assert body["next_response_due"] is None
    first = datetime.fromisoformat(body["first_response_due"])
    created = datetime.fromisoformat(body["created_at"])
    assert round((first - created).total_seconds() / 60) == 60


def test_the_created_request_answers_as_reading_it_does(company, api_as):
    """The creation's answer is built without validating again: it must be what reading
    the request gives, field for field; an unknown queue is named like a bad customer."""
    api = api_as(company.agent)
    created = create(api, company).json()
    read = api.get(f"/api/requests/{created['reference']}").json()
    assert created == {name: read[name] for name in created}
    assert created["customer"] == str(company.gold_customer.public_id)
    assert created["queue"] == company.care_queue.pk and created["queue_name"] == "Care"
    unknown = create(api, company, queue=10**9)
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "queue"]


def test_internal_request_through_the_api(company, api_as):
    response = api_as(company.logistics_staff).post(
        "/api/requests",
        {
            "requesting_department": "logistics",
            "subject": "Carrier",
            "queue": company.billing_queue.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["requesting_department"] == "logistics"
    assert response.json()["channel"] == "internal"


def test_validation_errors_name_the_field(company, api_as):
    api = api_as(company.agent)
    missing = api.post("/api/requests", {"customer": str(company.customer.public_id)})
    assert missing.status_code == 422
    assert any("subject" in e["loc"] for e in missing.json()["detail"])
    bad_priority = create(api, company, priority="asap")
    assert bad_priority.status_code == 422
    assert any("priority" in e["loc"] for e in bad_priority.json()["detail"])
    unknown = api.post(
        "/api/requests", {"customer": "00000000-0000-0000-0000-000000000000", "subject": "x"}
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "customer"]
    assert Request.objects.count() == 0


def test_no_token_is_401_and_a_bad_token_too(company, client):
    assert client.get("/api/requests").status_code == 401
    assert client.get("/api/requests", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_department_staff_may_not_open_external_requests(company, api_as):
    response = create(api_as(company.logistics_staff), company)
    assert response.status_code == 403


def test_list_filters(company, api_as):
    api = api_as(company.agent)
    gold = create(api, company).json()["reference"]
    api.post(
        "/api/requests",
        {
            "customer": str(company.customer.public_id),
            "subject": "Invoice",
            "queue": company.care_queue.pk,
            "assignee": "agent2",
        },
    )
    everything = api.get("/api/requests").json()
    assert everything["count"] == 2
    assert [r["reference"] for r in api.get("/api/requests", tier="gold").json()["items"]] == [gold]
    assert api.get("/api/requests", assignee="agent2").json()["count"] == 1
    assert api.get("/api/requests", assignee="none").json()["count"] == 1
    assert api.get("/api/requests", state="open").json()["count"] == 0
    assert api.get("/api/requests", breached="true").json()["count"] == 0
    assert api.get("/api/requests", queue=company.care_queue.pk).json()["count"] == 2
    assert api.get("/api/requests", customer=str(company.customer.public_id)).json()["count"] == 1
    # Soonest due first: gold (60 min) before standard (240 min).
    assert everything["items"][0]["reference"] == gold


def test_breached_filter(company, api_as):
    api = api_as(company.agent)
    reference = create(api, company).json()["reference"]
    from datetime import timedelta

    from django.utils import timezone

    services.sweep_sla(now=timezone.now() + timedelta(hours=3))
    found = api.get("/api/requests", breached="true").json()
    assert [r["reference"] for r in found["items"]] == [reference]


def test_get_message_state_assign(company, api_as):
    api = api_as(company.agent)
    reference = create(api, company).json()["reference"]
    reply = api.post(
        f"/api/requests/{reference}/messages",
        {"body": "<p>Hello <script>alert(1)</script><b>there</b></p>", "body_is_html": True},
    )
    assert reply.status_code == 201
    assert (
        "<script" not in reply.json()["body_html"] and "<b>there</b>" in reply.json()["body_html"]
    )
    note = api.post(f"/api/requests/{reference}/messages", {"body": "internal", "kind": "note"})
    assert note.status_code == 201
    customer = api.post(
        f"/api/requests/{reference}/messages", {"body": "thanks", "kind": "customer"}
    )
    assert customer.status_code == 201
    detail = api.get(f"/api/requests/{reference}").json()
    assert [m["kind"] for m in detail["messages"]] == ["customer", "reply", "note", "customer"]
    assert detail["state"] == "open" and detail["next_response_due"] is not None
    assert "opened" in [e["kind"] for e in detail["events"]]
    waiting = api.post(f"/api/requests/{reference}/state", {"state": "waiting_on_customer"})
    assert waiting.status_code == 200
    assert waiting.json()["resolution_due"] is None
    assigned = api.post(f"/api/requests/{reference}/assign", {"assignee": "agent2"})
    assert assigned.json()["assignee"] == "agent2"
    bad = api.post(f"/api/requests/{reference}/assign", {"assignee": "other_agent"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "assignee"]
    wrong = api.post(f"/api/requests/{reference}/state", {"state": "new"})
    assert wrong.status_code == 422


def test_unknown_and_forbidden_requests_are_404(company, api_as):
    reference = create(api_as(company.agent), company).json()["reference"]
    assert api_as(company.agent).get("/api/requests/REQ-999999").status_code == 404
    assert api_as(company.agent).get("/api/requests/not-a-ref").status_code == 404
    for outsider in (
        company.other_agent,
        company.other_manager,
        company.billing_staff,
        company.logistics_staff,
    ):
        api = api_as(outsider)
        assert api.get(f"/api/requests/{reference}").status_code == 404
        assert api.post(f"/api/requests/{reference}/messages", {"body": "x"}).status_code == 404
        assert api.post(f"/api/requests/{reference}/state", {"state": "closed"}).status_code == 404
        assert api.post(f"/api/requests/{reference}/assign", {"assignee": None}).status_code == 404
        assert api.get("/api/requests").json()["count"] == 0
    assert api_as(company.admin).get(f"/api/requests/{reference}").status_code == 200
    assert api_as(company.manager).get(f"/api/requests/{reference}").status_code == 200


def test_requesting_department_sees_its_request_but_cannot_handle_it(company, api_as):
    staff = api_as(company.logistics_staff)
    reference = staff.post(
        "/api/requests",
        {
            "requesting_department": "logistics",
            "subject": "Carrier",
            "queue": company.billing_queue.pk,
        },
    ).json()["reference"]
    assert staff.get(f"/api/requests/{reference}").status_code == 200
    assert staff.post(f"/api/requests/{reference}/state", {"state": "resolved"}).status_code == 403
    assert (
        api_as(company.billing_staff)
        .post(f"/api/requests/{reference}/state", {"state": "resolved"})
        .status_code
        == 200
    )
    # A care agent sees neither department's internal traffic.
    assert api_as(company.agent).get(f"/api/requests/{reference}").status_code == 404


def test_openapi_and_docs_are_served(client, company):
    client.force_login(company.agent)
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/requests",
        "/api/customers",
        "/api/departments",
        "/api/requests/{reference}/messages",
        "/api/customers/{customer_id}/timeline",
    ):
        assert path in paths
    assert client.get("/api/docs").status_code == 200


def test_departments_and_queues(company, api_as):
    api = api_as(company.agent)
    codes = [d["code"] for d in api.get("/api/departments").json()]
    assert {"care", "logistics", "billing"} <= set(codes)
    assert api.post("/api/departments", {"name": "Sales"}).status_code == 403
    admin = api_as(company.admin)
    created = admin.post("/api/departments", {"name": "Sales", "tier": "gold"})
    assert created.status_code == 201 and created.json()["code"] == "sales"
    assert admin.post("/api/departments", {"name": "Sales"}).status_code == 422
    assert admin.get("/api/departments/999999").status_code == 404
    assert [q["name"] for q in api.get("/api/queues").json()] == ["Care"]
