"""A person writes through the contact form, signs in to the portal with the code from
the e-mail, sees our promise, answers with a file; the agent answers in the same place;
the customer reads it and closes the request."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from clientfocus.notify.models import Notification
from clientfocus.service.models import Request
from tests.e2e.test_agent_journey import sign_in


def test_contact_form_portal_sign_in_reply_and_close(
    page, browser, live_server, company, settings, tmp_path
):
    settings.CONTACT_FORM_MIN_SECONDS = 0.5
    page.goto("/portal/contact/")
    page.get_by_label("Your name").fill("Ana Novak")
    page.get_by_label("E-mail").fill("ana@example.si")
    page.get_by_label("Your message").fill("Pozdravljeni, paket je poškodovan.")
    time.sleep(0.6)  # a person takes a moment; the form refuses instant submissions
    page.get_by_role("button", name="Send").click()
    sent = page.get_by_test_id("contact-sent")
    expect(sent).to_contain_text("REQ-")
    expect(sent).to_contain_text("We will answer by")
    request = Request.objects.get()

    page.goto("/portal/")
    page.get_by_test_id("login-form").get_by_label("E-mail").fill("ana@example.si")
    page.get_by_role("button", name="Send me a sign-in code").click()
    mail = Notification.objects.filter(recipient="ana@example.si", sensitive=True).get()
    code = re.search(r"\b(\d{6})\b", mail.body).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("portal-requests")).to_contain_text(request.reference)
    page.get_by_role("link", name=request.reference).click()
    expect(page.get_by_test_id("promise")).to_contain_text("We promised to answer by")
    photo = tmp_path / "paket.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    page.get_by_label("Your answer").fill("Prilagam fotografijo.")
    page.get_by_label("Files").set_input_files(str(photo))
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".messages")).to_contain_text("Prilagam fotografijo.")
    expect(page.locator(".files")).to_contain_text("paket.png")

    staff = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(staff, "agent")
    staff.goto(f"/requests/{request.reference}/")
    expect(staff.locator(".messages")).to_contain_text("via portal")
    expect(staff.locator(".messages")).to_contain_text("paket.png")
    staff.get_by_placeholder("Write your reply…").fill("Pošljemo novega jutri.")
    staff.get_by_role("button", name="Send").click()
    expect(staff.get_by_test_id("delivery")).to_contain_text("ana@example.si")

    page.reload()
    expect(page.locator(".messages")).to_contain_text("Pošljemo novega jutri.")
    page.get_by_test_id("portal-close").click()
    expect(page.get_by_test_id("portal-state")).to_have_text("Resolved")
