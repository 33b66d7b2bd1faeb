"""The voice pages: public survey and feedback links, the employee form, one-click
corrections, the decision makers' page, alerts, follow-ups, themes and the digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clientfocus.service.models import State
from clientfocus.service.services import change_state, open_request
from clientfocus.voice import selectors, services
from clientfocus.voice.models import (
    FeedbackItem,
    FollowUp,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Theme,
)
from tests.factories import ContactFactory


@pytest.fixture
def invitation(company):
    Survey.objects.create(name="s", kind="csat", trigger="request_resolved")
    ContactFactory(customer=company.customer)
    request = open_request(
        actor=company.agent, subject="Sofa", customer=company.customer, queue=company.care_queue
    )
    change_state(request=request, actor=company.agent, state=State.RESOLVED)
    return SurveyInvitation.objects.get()


def test_one_click_answer_then_comment_then_link_is_used(company, invitation):
    url = f"/s/{services.survey_token(invitation)}/"
    browser = Client()
    page = browser.get(url + "?score=2")  # what a link scanner fetches too
    assert page.status_code == 200 and 'data-testid="confirm-score"' in page.content.decode()
    assert not SurveyResponse.objects.exists()
    page = browser.post(url, {"score": "2"})  # the page sends it at once (or the button)
    assert 'data-testid="answered"' in page.content.decode()
    assert SurveyResponse.objects.get().score == 2
    assert FollowUp.objects.filter(reason="detractor").exists()
    thanks = browser.post(url, {"comment": "Per ilgai laukiau kurjerio"})
    assert thanks.status_code == 200
    item = FeedbackItem.objects.get()
    assert item.text == "Per ilgai laukiau kurjerio" and item.language == "lt"
    again = browser.get(url + "?score=5")
    assert again.status_code == 409
    assert SurveyResponse.objects.get().score == 2


def test_survey_page_in_the_customer_language_shows_the_scale(company, invitation):
    page = Client().get(f"/s/{services.survey_token(invitation)}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="lt"' in html
    assert html.count('name="score"') == 5


def test_forged_link_gets_a_clear_page_and_records_nothing(company, invitation):
    token = services.survey_token(invitation)
    page = Client().get(f"/s/{token[:-3]}abc/?score=5")
    assert page.status_code == 404
    assert 'data-testid="link-problem"' in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_out_of_range_score_in_the_link(company, invitation):
    page = Client().get(f"/s/{services.survey_token(invitation)}/?score=9")
    assert page.status_code == 422
    assert not SurveyResponse.objects.exists()


def test_customer_feedback_link(company):
    token = services.feedback_link_token(company.gold_customer)
    browser = Client()
    assert browser.post(f"/feedback/{token}/", {"text": "   "}).status_code == 422
    done = browser.post(f"/feedback/{token}/", {"text": "<b>Спасибо</b>, всё отлично! 😊"})
    assert done.status_code == 200
    item = FeedbackItem.objects.get()
    assert item.text == "Спасибо, всё отлично! 😊" and item.source == "customer"
    assert item.customer == company.gold_customer and item.sentiment == "positive"
    assert browser.get("/feedback/nonsense/").status_code == 404


def test_employee_records_what_a_customer_said(company, web_as):
    web = web_as(company.agent2)
    url = f"/voice/feedback/new/?customer={company.customer.public_id}"
    assert web.get(url).status_code == 200
    bad = web.post(url, {"customer": str(company.customer.public_id), "text": ""})
    assert bad.status_code == 422
    done = web.post(
        url,
        {"customer": str(company.customer.public_id), "text": "Sako, kad kaina per didelė"},
    )
    assert done.status_code == 302
    item = FeedbackItem.objects.get()
    assert item.source == "employee" and item.recorded_by == company.agent2
    record = web.get(f"/customers/{company.customer.public_id}/")
    assert "Sako, kad kaina per didelė" in record.content.decode()


def test_one_click_correction_with_htmx(company, web_as):
    item = services.record_feedback(text="The courier was rude", source="api")
    web = web_as(company.agent)
    reply = web.post(
        f"/voice/feedback/{item.pk}/correct/",
        {"theme": "delivery", "present": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert reply.status_code == 200 and f'id="item-{item.pk}"' in reply.content.decode()
    tag = item.tags.get(theme__code="delivery")
    assert tag.source == "staff" and not tag.active
    listed = web.get("/voice/feedback/?theme=delivery")
    assert "The courier was rude" not in listed.content.decode()


def test_feedback_list_filters(company, web_as):
    services.record_feedback(text="Ужасная доставка", source="api")
    services.record_feedback(text="Great sofa", source="api")
    page = web_as(company.agent).get("/voice/feedback/?sentiment=negative").content.decode()
    assert "Ужасная доставка" in page and "Great sofa" not in page


def test_dashboard_for_managers_only(company, web_as):
    services.record_feedback(text="", source="survey", score_kind="nps", score=10)
    services.record_feedback(text="Курьер опоздал", source="api", customer=company.gold_customer)
    today = timezone.localdate()
    selectors.rebuild_rollups(start=today, end=today)
    assert web_as(company.agent).get("/voice/").status_code == 404
    page = web_as(company.manager).get("/voice/?by=tier")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="chart-nps"' in html and 'id="chart-voice-nps-data"' in html
    assert 'data-testid="breakdown"' in html and "gold" in html
    assert "?theme=delivery&week=" in html  # every number links to its verbatims


def test_alert_page_and_action(company, web_as):
    now = timezone.now()
    for week in range(1, 9):
        services.record_feedback(
            text="courier late", source="api", created_at=now - timedelta(days=7 * week + 1)
        )
    for _ in range(20):
        services.record_feedback(
            text="courier late again", source="api", created_at=now - timedelta(hours=3)
        )
    alert = services.detect_trends(now=now)[0]
    web = web_as(company.manager)
    page = web.get(f"/voice/alerts/{alert.pk}/").content.decode()
    assert "Rate test" in page and "courier late again" in page
    assert (
        web.post(f"/voice/alerts/{alert.pk}/", {"state": "closed", "action": ""}).status_code == 422
    )
    web.post(f"/voice/alerts/{alert.pk}/", {"state": "closed", "action": "Changed courier"})
    alert.refresh_from_db()
    assert alert.state == "closed" and alert.action == "Changed courier"
    assert web_as(company.agent).get(f"/voice/alerts/{alert.pk}/").status_code == 404


def test_follow_up_page(company, web_as):
    company.customer.owner = company.agent
    company.customer.save()
    item = services.record_feedback(
        text="", source="api", score_kind="nps", score=2, customer=company.customer
    )
    follow_up = FollowUp.objects.get(item=item)
    assert web_as(company.agent2).get(f"/voice/follow-ups/{follow_up.pk}/").status_code == 404
    web = web_as(company.agent)
    assert "Rūta" in web.get("/voice/follow-ups/").content.decode()
    web.post(f"/voice/follow-ups/{follow_up.pk}/", {"outcome": "Called, apologised"})
    follow_up.refresh_from_db()
    assert follow_up.state == "closed" and follow_up.closed_by == company.agent


def test_themes_page(company, web_as):
    assert web_as(company.agent).get("/voice/themes/").status_code == 404
    web = web_as(company.manager)
    web.post(
        "/voice/themes/",
        {"name": "Parking", "new_code": "parking", "keywords": "parking*", "active": "on"},
    )
    assert Theme.objects.filter(code="parking").exists()
    bad = web.post("/voice/themes/", {"name": "", "keywords": ""})
    assert bad.status_code == 422
    web.post("/voice/themes/train/")
    assert "reviewed comments" in web.get("/voice/themes/").content.decode()


def test_digest_page(company, web_as):
    web = web_as(company.manager)
    assert "No digest yet" in web.get("/voice/digest/").content.decode()
    web.post("/voice/digest/build/")
    assert (
        'data-testid="digest-scores"'
        in web_as(company.agent).get("/voice/digest/").content.decode()
    )


def test_scores_land_on_the_request_page(company, invitation, web_as):
    services.answer_survey(token=services.survey_token(invitation), score=5)
    page = web_as(company.agent).get(f"/requests/{invitation.request.reference}/").content.decode()
    assert "CSAT 5" in page


def test_managers_subscribe_to_alerts(company, web_as):
    from clientfocus.voice.models import AlertSubscription

    web = web_as(company.manager)
    web.post("/voice/alerts/", {"subscribe": "1", "email": "on"})
    assert AlertSubscription.objects.get(user=company.manager).email
    assert "Unsubscribe" in web.get("/voice/alerts/").content.decode()
    web.post("/voice/alerts/", {"subscribe": "0"})
    assert not AlertSubscription.objects.exists()
    assert web_as(company.agent).post("/voice/alerts/", {"subscribe": "1"}).status_code == 404


def test_feedback_on_the_customer_timeline(company, web_as):
    services.record_feedback(
        text="", source="survey", score_kind="nps", score=4, customer=company.customer
    )
    services.record_feedback(
        text="Per brangu", source="employee", customer=company.customer, actor=company.agent
    )
    page = web_as(company.agent2).get(f"/customers/{company.customer.public_id}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    assert "NPS 4" in timeline and "Per brangu" in timeline


def test_evaluation_page_for_managers(company, web_as):
    assert web_as(company.agent).get("/voice/evaluation/").status_code == 404
    page = web_as(company.manager).get("/voice/evaluation/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="evaluation"' in html
    for language in ("en", "ru", "lt", "sl", "hi"):
        assert f"<td>{language}</td>" in html
    assert 'data-testid="themes-figures"' in html
    assert (
        "voice:evaluation" not in html
        and "/voice/evaluation/" in web_as(company.manager).get("/voice/themes/").content.decode()
    )
