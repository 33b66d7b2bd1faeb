"""A customer types an idea in the portal and is shown the one already there (htmx),
votes for it as critical instead; a manager plans it from the staff page and the
customer reads the outcome and its message in the portal."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from clientfocus.ideas import services
from clientfocus.ideas.models import Idea, Notice, Vote
from clientfocus.notify.models import Notification
from tests.e2e.test_agent_journey import sign_in
from tests.factories import ContactFactory


def test_similar_idea_vote_plan_and_the_customer_is_told(page, browser, live_server, company):
    existing = services.submit_idea(
        title="Assembly service for wardrobes", actor=company.agent, language="en"
    )
    customer = company.customer
    customer.language = "en"
    customer.save()
    ContactFactory(customer=customer, kind="email", value="ruta@example.lt")

    page.goto("/portal/")
    page.get_by_test_id("login-form").get_by_label("E-mail").fill("ruta@example.lt")
    page.get_by_role("button", name="Send me a sign-in code").click()
    mail = Notification.objects.filter(recipient="ruta@example.lt", sensitive=True).get()
    page.get_by_label("Code").fill(re.search(r"\b(\d{6})\b", mail.body).group(1))
    page.get_by_role("button", name="Sign in").click()

    page.goto("/portal/ideas/new/")
    page.get_by_label("Your idea in a sentence").press_sequentially("Wardrobe assembl")
    similar = page.get_by_test_id("similar")
    expect(similar).to_contain_text("Is yours already here?")
    similar.get_by_role("link", name=existing.title).click()
    page.get_by_label("How important is this to you?").select_option("critical")
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_test_id("vote")).to_contain_text("You voted for this idea.")
    assert Vote.objects.get(idea=existing, customer=customer).importance == "critical"
    assert Idea.objects.count() == 1

    staff = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(staff, "manager")
    staff.goto(f"/ideas/{existing.public_id}/")
    expect(staff.get_by_test_id("voters")).to_contain_text(customer.name)
    staff.get_by_label("New status").select_option("planned")
    staff.get_by_label("Public message").fill("Assembly at home from March.")
    staff.get_by_role("button", name="Change status").click()
    expect(staff.get_by_test_id("status")).to_contain_text("Planned")
    assert Notice.objects.get(customer=customer).state == "queued"

    page.reload()
    expect(page.get_by_test_id("status")).to_contain_text("Planned")
    expect(page.locator("body")).to_contain_text("Assembly at home from March.")
