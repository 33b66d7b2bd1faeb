"""Logging a phone call: find or add the caller, subject, what they said."""

from __future__ import annotations

from clientfocus.customers.models import Customer
from clientfocus.service.models import Request


def test_log_a_call_from_a_new_caller(company, web_as):
    client = web_as(company.agent)
    response = client.post(
        "/requests/new/",
        {
            "new_customer_name": "Jonas Petrauskas",
            "new_customer_phone": "+370 612 34567",
            "subject": "Washing machine does not spin",
            "body": "Since yesterday",
            "priority": "normal",
            "channel": "phone",
            "queue": company.care_queue.pk,
            "assign_to_me": "on",
        },
    )
    request = Request.objects.get()
    assert response.status_code == 302 and request.reference in response["Location"]
    assert request.customer.name == "Jonas Petrauskas"
    assert request.customer.primary_phone == "+370 612 34567"
    assert request.assignee == company.agent and request.channel == "phone"


def test_log_a_call_from_a_known_customer(company, web_as):
    client = web_as(company.agent)
    lookup = client.get("/customers/lookup/", {"customer_query": "rūta"}).content.decode()
    assert str(company.customer.public_id) in lookup
    client.post(
        "/requests/new/",
        {
            "customer": str(company.customer.public_id),
            "subject": "Invoice",
            "priority": "high",
            "channel": "phone",
            "queue": company.care_queue.pk,
        },
    )
    request = Request.objects.get()
    assert request.customer == company.customer and request.priority == "high"
    assert Customer.objects.count() == 2


def test_missing_requester_or_subject_is_explained(company, web_as):
    client = web_as(company.agent)
    page = client.post(
        "/requests/new/", {"subject": "", "priority": "normal", "channel": "phone"}
    ).content.decode()
    assert "This field is required" in page
    page = client.post(
        "/requests/new/", {"subject": "x", "priority": "normal", "channel": "phone"}
    ).content.decode()
    assert "Pick a customer" in page
    assert Request.objects.count() == 0


def test_department_staff_file_internal_requests(company, web_as):
    client = web_as(company.logistics_staff)
    client.post(
        "/requests/new/",
        {
            "requesting_department": company.logistics.pk,
            "subject": "Need pallets",
            "priority": "normal",
            "channel": "phone",
            "queue": company.billing_queue.pk,
        },
    )
    request = Request.objects.get()
    assert request.is_internal and request.requesting_department == company.logistics
    page = client.post(
        "/requests/new/",
        {
            "new_customer_name": "Someone",
            "subject": "x",
            "priority": "normal",
            "channel": "phone",
            "requesting_department": company.logistics.pk,
        },
    ).content.decode()
    assert "internal request has no external customer" in page


def test_the_category_routes_when_no_queue_is_chosen(company, web_as):
    from clientfocus.service.models import Category

    Category.objects.create(name="Invoices", default_queue=company.billing_queue)
    client = web_as(company.agent)
    response = client.post(
        "/requests/new/",
        {
            "customer": str(company.customer.public_id),
            "subject": "Wrong invoice",
            "priority": "normal",
            "channel": "email",
            "category": Category.objects.get().pk,
        },
    )
    request = Request.objects.get()
    assert request.queue == company.billing_queue
    # The agent does not work Billing's queue: they land on the customer record, not a 404.
    assert response["Location"] == f"/customers/{company.customer.public_id}/"


def test_without_queue_or_category_the_request_stays_in_my_department(company, web_as):
    web_as(company.agent).post(
        "/requests/new/",
        {
            "customer": str(company.customer.public_id),
            "subject": "Hello",
            "priority": "normal",
            "channel": "phone",
        },
    )
    assert Request.objects.get().queue == company.care_queue
