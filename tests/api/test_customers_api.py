"""The customer record over the API."""

from __future__ import annotations

from clientfocus.customers.models import Customer
from clientfocus.service import services


def test_create_get_update_customer(company, api_as):
    api = api_as(company.agent)
    created = api.post(
        "/api/customers",
        {
            "name": "Špela Vidmar",
            "emails": ["Spela@Example.com"],
            "phones": ["+386 41 123 456"],
            "language": "sl",
            "country": "si",
            "timezone": "Europe/Ljubljana",
            "tier": "gold",
            "owner": "agent",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Špela Vidmar" and body["country"] == "SI" and body["tier"] == "gold"
    assert body["emails"] == ["Spela@Example.com"] and body["owner"] == "agent"
    customer_id = body["id"]
    assert api.get(f"/api/customers/{customer_id}").json()["language"] == "sl"
    updated = api.patch(f"/api/customers/{customer_id}", {"tier": "standard", "phones": []})
    assert updated.status_code == 200
    assert updated.json()["tier"] == "standard" and updated.json()["phones"] == []
    kinds = [i["kind"] for i in api.get(f"/api/customers/{customer_id}/timeline").json()]
    assert "tier_changed" in kinds and "created" in kinds


def test_search_by_name_email_and_phone(company, api_as):
    api = api_as(company.agent)
    api.post(
        "/api/customers",
        {"name": "Priya Patel", "emails": ["priya@example.in"], "phones": ["+91 98765 43210"]},
    )
    assert [c["name"] for c in api.get("/api/customers", q="pri").json()] == ["Priya Patel"]
    assert [c["name"] for c in api.get("/api/customers", q="PRIYA@example.in").json()] == [
        "Priya Patel"
    ]
    assert [c["name"] for c in api.get("/api/customers", q="98765-43210").json()] == ["Priya Patel"]
    assert [c["name"] for c in api.get("/api/customers", q="patel").json()] == ["Priya Patel"]
    assert [c["name"] for c in api.get("/api/customers", q="рута").json()] == []
    assert [c["name"] for c in api.get("/api/customers", q="rūta").json()] == ["Rūta Žukauskienė"]


def test_bad_customer_input_is_422_with_the_field(company, api_as):
    api = api_as(company.agent)
    cases = [
        ({"name": ""}, "name"),
        ({"name": "X", "emails": ["not-an-email"]}, "emails"),
        ({"name": "X", "phones": ["12"]}, "phones"),
        ({"name": "X", "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "X", "tier": "diamond"}, "tier"),
        ({"name": "X", "country": "Lithuania"}, "country"),
        ({"name": "X", "language": "xx"}, "language"),
        ({"name": "X", "owner": "nobody"}, "owner"),
    ]
    for payload, field in cases:
        response = api.post("/api/customers", payload)
        assert response.status_code == 422, (payload, response.content)
        assert field in response.json()["detail"][0]["loc"], (payload, response.json())
    assert Customer.objects.count() == 2


def test_a_failed_update_changes_nothing(company, api_as):
    api = api_as(company.agent)
    url = f"/api/customers/{company.customer.public_id}"
    response = api.patch(url, {"name": "New name", "emails": ["broken"]})
    assert response.status_code == 422
    company.customer.refresh_from_db()
    assert company.customer.name == "Rūta Žukauskienė"


def test_every_employee_reads_customers_but_department_staff_cannot_change_them(company, api_as):
    url = f"/api/customers/{company.customer.public_id}"
    staff = api_as(company.billing_staff)
    assert staff.get(url).status_code == 200
    assert staff.patch(url, {"name": "Hacked"}).status_code == 403
    assert staff.post("/api/customers", {"name": "New"}).status_code == 403
    assert (
        api_as(company.agent).get("/api/customers/00000000-0000-0000-0000-000000000000").status_code
        == 404
    )


def test_timeline_hides_requests_the_reader_may_not_see(company, api_as):
    services.open_request(
        actor=company.agent,
        customer=company.customer,
        subject="Care issue",
        queue=company.care_queue,
    )
    services.open_request(
        actor=company.admin,
        customer=company.customer,
        subject="Billing secret",
        queue=company.billing_queue,
    )
    url = f"/api/customers/{company.customer.public_id}/timeline"
    agent_view = [i["request_subject"] for i in api_as(company.agent).get(url).json()]
    assert "Care issue" in agent_view and "Billing secret" not in agent_view
    admin_view = [i["request_subject"] for i in api_as(company.admin).get(url).json()]
    assert "Billing secret" in admin_view
