"""A manager opens the scorecard: the level, what holds it back, the departments; an
administrator tunes a threshold and the level changes "with today's thresholds" while
the closed month keeps its own. The customer's owner opens the at-risk worklist, sees why
the customer is drifting and records the call; the case is closed in time."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from clientfocus.retention import services as retention
from clientfocus.retention.models import RiskCase
from clientfocus.scorecard import services as scorecard
from clientfocus.service.models import Request
from clientfocus.service.services import open_request
from clientfocus.value.models import CustomerValue, ValueMark
from tests.e2e.test_agent_journey import sign_in
from tests.factories import CustomerFactory


def test_scorecard_and_at_risk_worklist(page, browser, live_server, company, settings):
    for met in (True, True, False):
        req = open_request(
            actor=company.agent, subject="Help", customer=company.customer, queue=company.care_queue
        )
        Request.objects.filter(pk=req.pk).update(
            first_responded_at=timezone.now(), first_response_met=met
        )
    scorecard.refresh()
    company.manager.email = "manager@example.com"
    company.manager.save()
    sign_in(page, "manager")
    page.goto("/scorecard/")
    expect(page.get_by_test_id("level-then")).to_contain_text("none yet")
    row = page.locator('tr[data-code="first_response"]')
    expect(row).to_contain_text("66.7 %")
    expect(row).to_contain_text("not met")
    expect(page.get_by_test_id("next-steps")).to_be_visible()
    expect(page.get_by_test_id("departments")).to_contain_text("Customer Care")
    page.get_by_test_id("subscribe").click()
    expect(page.get_by_test_id("unsubscribe")).to_be_visible()

    admin = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(admin, "admin")
    admin.goto("/scorecard/thresholds/")
    admin.get_by_label("First answers within target").fill("60")
    admin.locator('tr[data-code="first_response"]').get_by_role("button", name="Save").click()
    expect(admin.locator(".flash")).to_contain_text("Threshold saved")
    page.goto("/scorecard/")
    expect(page.locator('tr[data-code="first_response"]')).to_contain_text("✔ met")

    settings.AT_RISK_TOP_SHARE = 1.0
    drifting = CustomerFactory(name="Vilma Drift", tier=company.gold, owner=company.agent)
    CustomerValue.objects.create(customer=drifting, lifetime_value_12m=1200, p_alive=0.2)
    ValueMark.objects.create(
        customer=drifting, month=(timezone.localdate().replace(day=1) - timedelta(days=20)),
        p_alive=0.9, lifetime_value_12m=1500,
    )  # fmt: skip
    retention.detect()
    agent = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(agent, "agent")
    agent.goto("/customers/at-risk/")
    table = agent.get_by_test_id("at-risk")
    expect(table).to_contain_text("Vilma Drift")
    expect(table).to_contain_text("value falling")
    expect(table).to_contain_text("P(alive) 0.9 → 0.2")
    table.get_by_role("link", name="Vilma Drift").click()
    expect(agent.get_by_test_id("value-at-stake")).to_contain_text("1200")
    agent.get_by_label("Called").check()
    agent.get_by_label("Note").fill("Spoke with Vilma, sent a voucher.")
    agent.get_by_role("button", name="Record the outcome").click()
    expect(agent.get_by_test_id("outcome")).to_contain_text("in time")
    case = RiskCase.objects.get(customer=drifting)
    assert case.outcome == "called" and case.in_time()
