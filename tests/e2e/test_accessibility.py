"""Every staff and portal page passes axe-core's WCAG 2.1 A/AA rules, with real content
on it; the queue → request → reply path works with the keyboard alone.

axe-core is vendored (tests/e2e/vendor/axe.min.js, MPL-2.0, version in its header) and
injected by Playwright; the pages' Content-Security-Policy forbids inline scripts, so
these contexts bypass it for the injection only.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clientfocus.notify.models import Notification
from clientfocus.orders.models import Order
from clientfocus.orders.services import record_milestone
from clientfocus.service.models import MessageKind, State
from clientfocus.service.services import add_message, change_state, open_request
from clientfocus.staffing.models import AnswerTarget, QueueStaffing
from clientfocus.voice import selectors, services
from clientfocus.voice.models import Source, Survey, SurveyInvitation, Theme
from clientfocus.voice.taxonomy import install
from tests.e2e.test_agent_journey import sign_in
from tests.factories import ContactFactory

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => v.id + ' (' + v.nodes.length + '): ' + v.nodes[0].html)",
        WCAG,
    )
    return [f"{page.url}: {v[:300]}" for v in found]


@pytest.fixture
def lived_in(company):
    """A company with a little of everything on its pages."""
    install(Theme)
    services.forget_analyser()
    Survey.objects.create(name="CSAT", kind="csat", trigger="request_resolved")
    ContactFactory(customer=company.gold_customer, kind="email", value="alexei@example.ru")
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    waiting = open_request(actor=company.agent, subject="Дверца духовки", body="Не закрывается",
                           customer=company.gold_customer, queue=company.care_queue,
                           assignee=company.agent)  # fmt: skip
    add_message(request=waiting, actor=company.agent, body="Мастер приедет завтра.",
                kind=MessageKind.REPLY)  # fmt: skip
    done = open_request(actor=company.agent, subject="Siuntinys vėluoja", body="Kur siuntinys?",
                        customer=company.customer, queue=company.care_queue)  # fmt: skip
    change_state(request=done, actor=company.agent, state=State.RESOLVED)
    open_request(actor=company.manager, subject="Check the carrier", body="Couriers do not call",
                 requesting_department=company.care, queue=company.logistics_queue)  # fmt: skip
    week_ago = timezone.now() - timedelta(days=7)
    for text, customer in (
        ("Kurjeris vėlavo tris valandas ir nepaskambino", company.customer),
        ("Курьер опоздал, никто не позвонил", company.gold_customer),
        ("Great help, solved in five minutes", company.gold_customer),
    ):
        services.record_feedback(text=text, source=Source.EMPLOYEE, actor=company.agent,
                                 customer=customer, created_at=week_ago)  # fmt: skip
    selectors.rebuild_all_rollups()
    order = Order.objects.create(order_id="NH-1", customer=company.customer,
                                 placed_at=week_ago, amount=120, currency="EUR")  # fmt: skip
    record_milestone(order=order, kind="shipped")
    # The staffing plan, with its day charts.
    staffing = QueueStaffing.objects.create(queue=company.care_queue, interval_minutes=60,
                                            aht_seconds=300)  # fmt: skip
    AnswerTarget.objects.create(staffing=staffing, tier=company.standard, service_level=0.8,
                                target_seconds=120)  # fmt: skip
    return {"waiting": waiting, "done": done, "order": order}


STAFF_PAGES = [
    "/queue/", "/queue/?view=unassigned", "/requests/new/", "/customers/", "/customers/new/",
    "/customers/import/", "/overview/", "/value/", "/voice/", "/voice/feedback/",
    "/voice/feedback/new/", "/voice/follow-ups/", "/voice/alerts/", "/voice/digest/",
    "/staffing/", "/notices/",
]  # fmt: skip
ADMIN_PAGES = ["/value/tiers/", "/notifications/rules/", "/voice/themes/", "/mail/inbound/",
               "/customers/access/", "/customers/privacy/",
               "/staffing/roster/"]  # fmt: skip


def test_staff_pages_pass_axe(page, company, lived_in):
    page.goto("/login/")
    found = violations(page)
    sign_in(page, "manager")
    pages = [
        *STAFF_PAGES,
        f"/requests/{lived_in['waiting'].reference}/",
        f"/requests/{lived_in['done'].reference}/",
        f"/customers/{company.gold_customer.public_id}/",
        f"/customers/{company.customer.public_id}/",
        f"/customers/{company.customer.public_id}/edit/",
        f"/orders/{lived_in['order'].order_id}/",
    ]
    for url in pages:
        assert page.goto(url).status == 200, url
        found += violations(page)
    page.context.clear_cookies()
    sign_in(page, "admin")
    for url in [*ADMIN_PAGES, f"/customers/{company.customer.public_id}/"]:
        assert page.goto(url).status == 200, url
        found += violations(page)
    assert not found, "\n".join(found)


def test_portal_and_customer_pages_pass_axe(page, company, lived_in, settings):
    found = []
    for url in ("/portal/", "/portal/contact/"):
        assert page.goto(url).status == 200, url
        found += violations(page)
    invitation = SurveyInvitation.objects.get()
    page.goto(f"/s/{services.survey_token(invitation)}/")
    found += violations(page)

    page.goto("/portal/")
    page.get_by_test_id("login-form").get_by_label("E-mail").fill("ruta@example.lt")
    page.get_by_role("button", name="Send me a sign-in code").click()
    found += violations(page)
    mail = Notification.objects.filter(recipient="ruta@example.lt", sensitive=True).latest("id")
    page.get_by_label("Code").fill(re.search(r"\b(\d{6})\b", mail.body).group(1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("portal-requests")).to_be_visible()
    for url in ("/portal/requests/", f"/portal/requests/{lived_in['done'].reference}/",
                "/portal/requests/new/", "/portal/orders/", "/portal/answers/",
                "/portal/profile/"):  # fmt: skip
        assert page.goto(url).status == 200, url
        found += violations(page)
    assert not found, "\n".join(found)


def test_queue_request_reply_with_the_keyboard_alone(page, company, lived_in):
    reference = lived_in["waiting"].reference
    sign_in(page, "agent")

    def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                outline = page.evaluate(
                    "getComputedStyle(document.activeElement).outlineStyle"
                )  # the focus can be seen
                assert outline != "none", selector
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to(f"a[href='/requests/{reference}/']")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("state")).to_be_visible()
    tab_to("textarea[name=body]")
    page.keyboard.type("Мастер будет в 10:00.")
    tab_to("form.reply button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".message.kind-reply").last).to_contain_text("Мастер будет в 10:00.")
