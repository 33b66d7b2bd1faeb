"""An administrator writes a notification rule, previews it, an order milestone arrives,
and the notification shows on the customer's timeline."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from clientfocus.orders.models import Order
from tests.e2e.test_agent_journey import sign_in
from tests.factories import ContactFactory


def test_rule_preview_milestone_timeline(page, company, settings):
    settings.QUIET_HOURS = ""
    ContactFactory(customer=company.customer, value="ruta@example.lt")
    Order.objects.create(
        order_id="E-1",
        customer=company.customer,
        amount=Decimal("99"),
        placed_at=timezone.now() - timedelta(days=1),
    )
    sign_in(page, "admin")
    page.goto("/admin/notify/notificationrule/add/")
    page.fill("input[name=name]", "Shipped")
    page.select_option("select[name=event]", "shipped")
    page.select_option("select[name=channel]", "email")
    page.fill("input[name=templates-0-language]", "lt")
    page.fill("input[name=templates-0-subject]", "Užsakymas {{ order_id }} išsiųstas")
    page.fill("textarea[name=templates-0-body]", "Sveiki, {{ customer_name }}!")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Shipped")

    page.goto("/notifications/rules/")
    page.fill("input[name=customer]", "ruta@example.lt")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("rule-preview")).to_contain_text("Sveiki, Rūta Žukauskienė!")

    page.goto("/orders/E-1/")
    page.select_option("select[name=kind]", "shipped")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_test_id("notifications")).to_contain_text("Užsakymas E-1 išsiųstas")

    page.goto(f"/customers/{company.customer.public_id}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Order shipped")
    expect(timeline).to_contain_text("Užsakymas E-1 išsiųstas")
