"""The agent queue: soonest due first, time left shown, only what the agent may see."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clientfocus.service import services
from tests.factories import CustomerFactory


def open_request(company, subject, customer=None, queue=None, assignee=None, actor=None, now=None):
    return services.open_request(
        actor=actor or company.agent,
        customer=customer or company.customer,
        subject=subject,
        queue=queue or company.care_queue,
        assignee=assignee,
        now=now,
    )


def test_queue_lists_soonest_due_first_with_time_left(company, web_as):
    open_request(company, "Standard one", assignee=company.agent)
    open_request(company, "Gold one", customer=company.gold_customer, assignee=company.agent)
    page = web_as(company.agent).get("/queue/").content.decode()
    assert page.index("Gold one") < page.index("Standard one")
    assert "left" in page


def test_overdue_requests_say_so(company, web_as):
    open_request(company, "Late", assignee=company.agent, now=timezone.now() - timedelta(days=30))
    open_request(company, "Fresh", assignee=company.agent)
    services.sweep_sla()
    page = web_as(company.agent).get("/queue/?view=breached").content.decode()
    assert "Late" in page and "overdue by" in page and "Fresh" not in page


def test_other_departments_requests_are_not_listed(company, web_as):
    open_request(company, "Billing only", queue=company.billing_queue, actor=company.admin)
    open_request(company, "Care one")
    page = web_as(company.agent).get("/queue/?view=all").content.decode()
    assert "Care one" in page and "Billing only" not in page


def test_queue_page_queries_do_not_grow_with_requests(
    company, web_as, django_assert_max_num_queries
):
    client = web_as(company.agent)
    for i in range(3):
        open_request(company, f"r{i}", customer=CustomerFactory(tier=company.standard))
    client.get("/queue/?view=all")
    for i in range(30):
        open_request(company, f"more{i}", customer=CustomerFactory(tier=company.standard))
    with django_assert_max_num_queries(12):
        response = client.get("/queue/?view=all")
    assert response.content.decode().count("more") >= 30


def test_htmx_refresh_returns_the_table_only(company, web_as):
    open_request(company, "Partial")
    response = web_as(company.agent).get("/queue/?view=all", HTTP_HX_REQUEST="true")
    assert b"<table" in response.content and b"<html" not in response.content


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/queue/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_tabs_show_how_many_requests_they_hold(company, web_as):
    open_request(company, "Mine", assignee=company.agent)
    open_request(company, "Nobody's")
    open_request(company, "Billing", queue=company.billing_queue, actor=company.admin)
    response = web_as(company.agent).get("/queue/counts/")
    assert response.context["counts"] == {"mine": 1, "unassigned": 1, "breached": 0, "all": 2}
    assert 'data-testid="count-all">2<' in response.content.decode()
