"""The customer record: profile, contacts, requests and one timeline for every employee."""

from __future__ import annotations

from clientfocus.customers.models import Customer
from clientfocus.service import services
from tests.factories import ContactFactory


def test_any_employee_opens_the_record_with_its_timeline(company, client):
    ContactFactory(customer=company.customer, value="ruta@example.lt")
    services.open_request(
        actor=company.agent,
        customer=company.customer,
        subject="Late courier",
        queue=company.care_queue,
    )
    for employee in (company.agent, company.other_agent, company.billing_staff, company.manager):
        client.force_login(employee)
        page = client.get(f"/customers/{company.customer.public_id}/").content.decode()
        assert "Rūta Žukauskienė" in page and "ruta@example.lt" in page
    client.force_login(company.agent)
    page = client.get(f"/customers/{company.customer.public_id}/").content.decode()
    assert "Late courier" in page and "Request opened" in page
    client.force_login(company.other_agent)
    page = client.get(f"/customers/{company.customer.public_id}/").content.decode()
    assert "Late courier" not in page and "handled by another department" in page


def test_record_page_queries_stay_flat(company, web_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = web_as(company.agent)
    url = f"/customers/{company.customer.public_id}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    services.open_request(
        actor=company.agent, customer=company.customer, subject="first", queue=company.care_queue
    )
    few = queries()
    for i in range(25):
        services.open_request(
            actor=company.agent,
            customer=company.customer,
            subject=f"s{i}",
            queue=company.care_queue,
        )
    # 20 before the catalogue; its fees panel adds one (is the cached catalogue current?);
    # grants add their panel's one (list and total together) and their timeline source's one.
    assert queries() == few <= 23


def test_search_page(company, web_as):
    page = web_as(company.agent).get("/customers/", {"q": "алексей"}).content.decode()
    assert "Алексей Иванов" in page and "Rūta" not in page


def test_edit_and_create(company, web_as):
    client = web_as(company.agent)
    url = f"/customers/{company.customer.public_id}/edit/"
    form = {
        "name": "Rūta Ž.",
        "kind": "person",
        "language": "lt",
        "timezone": "Europe/Vilnius",
        "country": "LT",
        "tier": company.gold.pk,
        "emails": "ruta@example.lt",
        "phones": "",
    }
    assert client.post(url, form).status_code == 302
    company.customer.refresh_from_db()
    assert company.customer.tier == company.gold and company.customer.name == "Rūta Ž."
    bad = client.post(url, {**form, "timezone": "Nowhere/Never"}).content.decode()
    assert "unknown time zone" in bad
    created = client.post(
        "/customers/new/", {**form, "name": "New Person", "emails": "np@example.com"}
    )
    assert created.status_code == 302
    assert Customer.objects.filter(name="New Person").exists()


def test_department_staff_cannot_edit(company, web_as):
    client = web_as(company.billing_staff)
    assert client.get(f"/customers/{company.customer.public_id}/edit/").status_code == 404
    assert client.get("/customers/new/").status_code == 404


def test_managers_import_customers_from_the_ui(company, web_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = web_as(company.manager)
    csv_file = SimpleUploadedFile(
        "c.csv", "name,email,tier\nŽiga Golob,ziga@example.si,gold\n,x@example.com,\n".encode()
    )
    page = client.post("/customers/import/", {"file": csv_file}).content.decode()
    assert "1 created, 0 updated, 1 rejected" in page and "a name is required" in page
    assert Customer.objects.get(name="Žiga Golob").tier == company.gold
    bad = client.post(
        "/customers/import/", {"file": SimpleUploadedFile("c.csv", "name\nX\n".encode("utf-16"))}
    )
    assert bad.status_code == 400 and "not UTF-8" in bad.content.decode()


def test_agents_cannot_import(company, web_as):
    assert web_as(company.agent).get("/customers/import/").status_code == 404


def test_timeline_pages_back_through_older_entries(company, web_as, settings):
    from datetime import timedelta

    from django.utils import timezone

    from clientfocus.customers import views

    start = timezone.now() - timedelta(days=200)
    for day in range(views.TIMELINE_PAGE + 5):
        services.open_request(
            actor=company.agent,
            customer=company.customer,
            subject=f"day {day}",
            queue=company.care_queue,
            now=start + timedelta(days=day),
        )
    client = web_as(company.agent)
    first = client.get(f"/customers/{company.customer.public_id}/")
    older = first.context["older"]
    first_subjects = {item.request_subject for item in first.context["timeline"]}
    assert older and "day 0" not in first_subjects and "day 104" in first_subjects
    second = client.get(f"/customers/{company.customer.public_id}/", {"before": older})
    second_subjects = {item.request_subject for item in second.context["timeline"]}
    assert "day 0" in second_subjects and not first_subjects & second_subjects


def test_api_timeline_pages(company, api_as):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() - timedelta(days=10)
    for day in range(5):
        services.open_request(
            actor=company.agent,
            customer=company.customer,
            subject=f"d{day}",
            queue=company.care_queue,
            now=start + timedelta(days=day),
        )
    api = api_as(company.agent)
    url = f"/api/customers/{company.customer.public_id}/timeline"
    page = api.get(url, limit=3).json()
    rest = api.get(url, limit=10, before=page[-1]["at"]).json()
    subjects = [i["request_subject"] for i in page + rest if i["request_subject"]]
    assert subjects == ["d4", "d3", "d2", "d1", "d0"]


def test_a_malformed_timeline_cursor_shows_the_newest_page(company, web_as):
    """Well-formed but impossible dates made Django's parser raise: a 500 before."""
    client = web_as(company.agent)
    url = f"/customers/{company.customer.public_id}/"
    for before in ("2026-13-45T00:00:00", "not a date", "9" * 100):
        assert client.get(url, {"before": before}).status_code == 200, before
