"""A customer answers a survey from the link in one click and adds a comment; an agent
records what a caller said; the manager drills from the voice page to the verbatims and
corrects a tag with one click."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from clientfocus.service.models import State
from clientfocus.service.services import change_state, open_request
from clientfocus.voice import selectors, services
from clientfocus.voice.models import FeedbackItem, Survey, SurveyInvitation, Theme, ThemeTag
from clientfocus.voice.taxonomy import install
from tests.e2e.test_agent_journey import sign_in
from tests.factories import ContactFactory


def test_survey_feedback_dashboard_and_correction(page, company):
    install(Theme)  # the live-server database may have been flushed by another test
    services.forget_analyser()
    Survey.objects.create(name="CSAT", kind="csat", trigger="request_resolved")
    ContactFactory(customer=company.gold_customer)
    request = open_request(
        actor=company.agent,
        subject="Диван",
        customer=company.gold_customer,
        queue=company.care_queue,
    )
    change_state(request=request, actor=company.agent, state=State.RESOLVED)
    invitation = SurveyInvitation.objects.get()

    # The customer clicks "2" in the e-mail: recorded at once, in Russian, comment offered.
    page.goto(f"/s/{services.survey_token(invitation)}/?score=2")
    expect(page.get_by_test_id("answered")).to_have_text("Спасибо за ответ!")
    page.locator("textarea[name=comment]").fill("Курьер опоздал на три часа и нагрубил")
    page.get_by_role("button", name="Отправить комментарий").click()
    expect(page.get_by_test_id("thanks")).to_be_visible()
    # Clicking another score in the same message afterwards changes nothing.
    page.goto(f"/s/{services.survey_token(invitation)}/?score=5")
    expect(page.get_by_test_id("link-problem")).to_be_visible()

    # An agent logs what another customer said on the phone.
    page.context.clear_cookies()
    sign_in(page, "agent")
    page.goto(f"/voice/feedback/new/?customer={company.customer.public_id}")
    page.locator("textarea[name=text]").fill("Sako, kad pristatymas vėlavo, o kaina per didelė")
    page.get_by_role("button", name="Record feedback").click()
    expect(page.get_by_test_id("customer-feedback")).to_contain_text("pristatymas vėlavo")

    # The manager sees the week's delivery mentions, opens them and corrects a tag.
    today = timezone.localdate()
    selectors.rebuild_rollups(start=today, end=today)
    page.context.clear_cookies()
    sign_in(page, "manager")
    page.goto("/voice/")
    grid = page.get_by_test_id("themes-grid")
    expect(grid).to_contain_text("delivery")
    grid.locator("tr", has_text="delivery").locator("td a").first.click()
    items = page.get_by_test_id("feedback-item")
    expect(items).to_have_count(2)
    russian = items.filter(has_text="Курьер")
    expect(russian.locator(".lang")).to_have_text("ru")
    russian.locator("button[data-theme=delivery]").click()  # "delivery ×": not about delivery
    expect(russian.locator("button.removed[data-theme=delivery]")).to_be_visible()
    item = FeedbackItem.objects.get(text__startswith="Курьер")
    tag = ThemeTag.objects.get(item=item, theme__code="delivery")
    assert tag.source == "staff" and not tag.active and tag.set_by == company.manager
