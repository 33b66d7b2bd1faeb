"""A manager raises the express-delivery fee in the draft editor, reviews what it does
(who pays more, the earliest start) and publishes it; the customer it affects reads the
announcement with the date in the portal, in their language, and staff see who was told."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from clientfocus.catalogue.models import Notice, Version
from clientfocus.notify.models import Notification
from tests.catalogue.conftest import delivery  # noqa: F401 - the fixture
from tests.e2e.test_agent_journey import sign_in


def test_a_raise_is_announced_before_it_applies(page, browser, live_server, company, delivery):  # noqa: F811
    staff = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(staff, "manager")
    staff.goto("/catalogue/")
    staff.get_by_role("link", name="Delivery").click()
    expect(staff.get_by_test_id("fees")).to_contain_text("10.00 EUR")
    staff.get_by_role("button", name="Change (new version)").click()
    first = staff.get_by_test_id("fee-row").first
    first.locator("input[name$='-amount']").fill("12.50")
    staff.get_by_role("button", name="Save and review publishing").click()
    expect(staff.get_by_test_id("publish-raises")).to_contain_text("Standard")
    staff.get_by_role("button", name="Publish").click()
    expect(staff.get_by_test_id("notice-figures")).to_contain_text("0 of 1 told")
    version = Version.objects.get(service=delivery, number=2)
    assert Notice.objects.get(version=version).customer == company.customer

    page.goto("/portal/")
    page.get_by_test_id("login-form").get_by_label("E-mail").fill("ruta@example.lt")
    page.get_by_role("button", name="Send me a sign-in code").click()
    mail = Notification.objects.filter(recipient="ruta@example.lt", sensitive=True).get()
    page.get_by_label("Code").fill(re.search(r"\b(\d{6})\b", mail.body).group(1))
    page.get_by_role("button", name="Sign in").click()
    page.goto("/portal/fees/")
    announced = page.get_by_test_id("portal-announced")
    expect(announced).to_contain_text("12,50 EUR")
    expect(page.get_by_test_id("portal-fee").first).to_contain_text("10,00 EUR")
