"""An agent logs a phone call, replies, watches the clock change, opens the customer."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from clientfocus.service.models import Request


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-secret-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()


def test_log_a_call_reply_and_open_the_customer(page, company):
    sign_in(page, "agent")
    expect(page.get_by_test_id("count-mine")).to_have_text("0")
    page.get_by_role("link", name="New request").first.click()
    # A known caller is found by phone number as the agent types.
    page.get_by_label("Find customer").fill("Алексей")
    page.get_by_label(re.compile("Алексей Иванов")).check()
    page.get_by_label("Subject").fill("Oven door will not close")
    page.get_by_label("What the customer said").fill("Дверца духовки не закрывается")
    page.get_by_role("button", name="Open request").click()

    expect(page.get_by_test_id("state")).to_have_text("New")
    first_response = page.get_by_test_id("first-response")
    expect(first_response).to_contain_text("left")
    request = Request.objects.get()
    assert request.customer == company.gold_customer and request.assignee == company.agent

    page.get_by_placeholder("Write your reply…").fill("Здравствуйте! Мастер приедет завтра.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("state")).to_have_text("Open")
    expect(first_response).to_contain_text("met")
    expect(page.get_by_test_id("resolution")).to_contain_text("left")
    expect(page.locator(".message.kind-reply")).to_contain_text("Мастер приедет завтра")

    page.get_by_role("link", name="Queue", exact=True).click()
    expect(page.get_by_test_id("count-mine")).to_have_text("1")
    page.get_by_role("link", name=re.compile("Oven door")).click()
    page.get_by_test_id("customer-link").click()
    expect(page.get_by_test_id("customer-name")).to_have_text("Алексей Иванов")
    expect(page.get_by_test_id("customer-tier")).to_have_text("Gold")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Replied to the customer")
    expect(timeline).to_contain_text(request.reference)


def test_a_new_caller_is_added_while_logging_the_call(page, company):
    sign_in(page, "agent")
    page.goto("/requests/new/")
    page.get_by_label("New caller's name").fill("Jonas Jonaitis")
    page.get_by_label("Phone", exact=True).fill("+370 600 11111")
    page.get_by_label("Subject").fill("Where is my order?")
    page.get_by_role("button", name="Open request").click()
    expect(page.get_by_test_id("state")).to_have_text("New")
    page.get_by_test_id("customer-link").click()
    expect(page.get_by_test_id("customer-name")).to_have_text("Jonas Jonaitis")


def test_the_manager_sees_the_attainment_chart(page, company):
    from clientfocus.service import services

    request = services.open_request(
        actor=company.agent, customer=company.customer, subject="x", queue=company.care_queue
    )
    services.add_message(request=request, actor=company.agent, body="answer")
    sign_in(page, "manager")
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_test_id("attainment-chart")).to_contain_text("Care")
    expect(page.get_by_test_id("attainment-chart")).to_contain_text("100.0 %")
