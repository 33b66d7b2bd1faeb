"""A manager looks at customer value and previews a tier policy; an administrator applies it."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

from clientfocus.value.models import CustomerValue, ValueFit
from tests.e2e.test_agent_journey import sign_in
from tests.factories import CustomerFactory, TierFactory


def test_value_page_and_tier_policy(page, company):
    TierFactory(code="silver", name="Silver", rank=20)
    TierFactory(code="platinum", name="Platinum", rank=40)
    for i in range(10):
        customer = CustomerFactory(tier=company.standard, name=f"Buyer {i}")
        CustomerValue.objects.create(
            customer=customer,
            orders=1,
            revenue=Decimal(100 + i),
            lifetime_value_12m=float(i),
            recency_score=5 - i % 5,
            frequency_score=1 + i % 5,
            monetary_score=3,
            segment="loyal",
        )
    ValueFit.objects.create(customers=10)  # as `value refresh` leaves it
    sign_in(page, "admin")
    page.get_by_role("link", name="Value", exact=True).click()
    expect(page.get_by_test_id("rfm-grid")).to_be_visible()
    expect(page.get_by_test_id("tier-counts")).to_contain_text("Standard")
    page.get_by_role("link", name="Tier policy").click()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("preview")).to_contain_text("would move")
    page.get_by_role("button", name="Save as new version").click()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".flash")).to_contain_text("applied")
    top = CustomerValue.objects.order_by("-lifetime_value_12m").first().customer
    top.refresh_from_db()
    assert top.tier.code == "platinum"
