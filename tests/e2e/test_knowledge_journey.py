"""An agent opens a late-delivery request: the playbook is on the page, a step is
ticked without reloading, a template is inserted into the reply in the customer's
language and sent; the agent then grants goodwill above their limit and the manager
approves it in one click. A customer writing a new request is offered the help article."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from clientfocus.grants import services as grants
from clientfocus.grants.models import Grant
from clientfocus.knowledge import services as knowledge
from clientfocus.knowledge.models import StepTick
from clientfocus.notify.models import Notification
from clientfocus.service.models import Category, Message
from clientfocus.service.services import open_request
from tests.e2e.test_agent_journey import sign_in
from tests.factories import ContactFactory
from tests.knowledge.conftest import late  # noqa: F401 - the fixture


def test_playbook_template_and_grant(page, browser, live_server, company, late):  # noqa: F811
    req = open_request(
        actor=company.agent, subject="Where is my sofa?", customer=company.customer,
        category=Category.objects.get(name="Late delivery"), queue=company.care_queue,
        assignee=company.agent,
    )  # fmt: skip
    grants.set_limit(actor=company.admin, role="agent", kind="goodwill", per_grant=20)
    grants.set_limit(actor=company.admin, role="manager", kind="goodwill", per_grant=200)
    sign_in(page, "agent")
    page.goto(f"/requests/{req.reference}/")
    card = page.get_by_test_id("playbook-late")
    expect(card).to_contain_text("Check the tracking")
    expect(card).to_contain_text("unfortunately, policy")
    step = late.steps.first()
    page.get_by_test_id(f"tick-{step.pk}").click()
    expect(page.get_by_test_id(f"tick-{step.pk}")).to_have_attribute("aria-pressed", "true")
    assert StepTick.objects.filter(request=req, step=step).exists()
    page.locator("#reply-body").fill("Labas,")
    page.get_by_test_id("template-pick").select_option("sorry-late")
    expect(page.locator("#reply-body")).to_have_value(
        re.compile(r"Labas,\s+Gerb\. Rūta Žukauskienė, dėl " + req.reference)
    )
    page.get_by_role("button", name="Send").click()
    assert Message.objects.filter(
        request=req, kind="reply", body_text__contains="jau tvarkome"
    ).exists()

    grant_card = page.get_by_test_id("request-grants")
    grant_card.get_by_text("Grant something").click()
    grant_card.get_by_label("Kind").select_option("goodwill")
    grant_card.get_by_label("Amount").fill("30")
    grant_card.get_by_label("Reason").fill("Second late delivery")
    grant_card.get_by_role("button", name="Grant").click()
    expect(page.get_by_test_id("request-grants")).to_contain_text("waiting for approval")
    waiting = Grant.objects.get()

    manager = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(manager, "manager")
    manager.goto("/grants/pending/")
    manager.get_by_test_id(f"approve-{waiting.pk}").click()
    expect(manager.get_by_test_id("pending")).to_contain_text("Nothing waits for you.")
    waiting.refresh_from_db()
    assert waiting.state == "approved"


def test_a_customer_is_offered_the_help_article(page, live_server, company, late):  # noqa: F811
    knowledge.save_article(
        actor=company.manager, code="late-delivery", language="lt", visibility="public",
        title="Kai siunta vėluoja", body="Pirmiausia patikrinkite vežėjo sekimą.",
    )  # fmt: skip
    ContactFactory(customer=company.customer, value="ruta@example.lt")
    page.goto("/portal/")
    page.get_by_test_id("login-form").get_by_label("E-mail").fill("ruta@example.lt")
    page.get_by_role("button", name="Send me a sign-in code").click()
    mail = Notification.objects.filter(recipient="ruta@example.lt", sensitive=True).get()
    page.get_by_label("Code").fill(re.search(r"\b(\d{6})\b", mail.body).group(1))
    page.get_by_role("button", name="Sign in").click()
    page.goto("/portal/requests/new/")
    page.locator("input[name=subject]").fill("Siunta vėluoja")
    expect(page.get_by_test_id("help-suggestions")).to_contain_text("Kai siunta vėluoja")
