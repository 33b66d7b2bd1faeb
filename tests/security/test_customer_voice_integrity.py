"""Issue 11, item 1: nobody but the customer speaks as the customer. Survey links never
show to staff, staff cannot record customer-sourced feedback or scores, and resending
follows who may see what the notification is about."""

from __future__ import annotations

import re

import pytest

from clientfocus.customers.models import Customer
from clientfocus.notify.models import Notification
from clientfocus.service import services as desk
from clientfocus.service.models import State
from clientfocus.voice.models import Survey
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveyed(company, settings):
    """A resolved request of the Customer Care queue whose survey e-mail went out."""
    settings.QUIET_HOURS = ""
    Survey.objects.create(name="CSAT", kind="csat", trigger="request_resolved")
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    request = desk.open_request(
        actor=company.agent, customer=company.customer, subject="Paketas", queue=company.care_queue
    )
    desk.change_state(request=request, actor=company.agent, state=State.RESOLVED)
    mail = Notification.objects.get(customer=company.customer, sensitive=True)
    assert "/s/" in mail.body  # the customer's mail carries the one-click links
    return request, mail


def test_survey_links_never_show_in_histories_pages_or_timelines(company, surveyed, api_as, web_as):
    _request, mail = surveyed
    api = api_as(company.manager)
    history = api.get(f"/api/notifications/customer/{company.customer.public_id}").json()
    assert history and not any("/s/" in row["body"] for row in history)
    timeline = api.get(f"/api/customers/{company.customer.public_id}/timeline").json()
    assert "/s/" not in str(timeline)
    record = web_as(company.manager).get(f"/customers/{company.customer.public_id}/")
    assert "/s/" not in record.content.decode()
    assert "[personal link]" in mail.body_for_staff


def test_staff_cannot_record_customer_sourced_feedback_or_scores(company, api_as):
    api = api_as(company.billing_staff)
    as_customer = api.post(
        "/api/voice/feedback",
        {"text": "Puiku", "source": "customer", "customer": str(company.customer.public_id)},
    )
    assert as_customer.status_code == 403
    scored = api.post(
        "/api/voice/feedback",
        {
            "text": "",
            "source": "api",
            "score_kind": "nps",
            "score": 10,
            "customer": str(company.customer.public_id),
        },
    )
    assert scored.status_code == 403
    heard = api.post(
        "/api/voice/feedback",
        {
            "text": "Klientas sakė, kad vėluoja",
            "source": "employee",
            "customer": str(company.customer.public_id),
        },
    )
    assert heard.status_code == 201


def test_resending_follows_who_may_see_the_request(company, surveyed, api_as, web_as):
    request, mail = surveyed
    outsider = api_as(company.other_agent)  # Billing: cannot see Customer Care's request
    assert outsider.post(f"/api/notifications/{mail.key}/resend").status_code == 404
    history = outsider.get(f"/api/notifications/customer/{company.customer.public_id}").json()
    assert all(request.reference not in row["subject"] for row in history)
    assert not any(row["key"] == str(mail.key) for row in history)
    assert web_as(company.other_agent).post(f"/notifications/{mail.key}/resend/").status_code == 404
    assert api_as(company.agent).post(f"/api/notifications/{mail.key}/resend").status_code == 200


def test_sign_in_codes_are_hidden_from_everyone_but_the_customer(company, api_as):
    from clientfocus.portal import services as portal

    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    portal.start_login(email="ruta@example.lt")
    mail = Notification.objects.get()
    code = re.search(r"\b(\d{6})\b", mail.subject).group(1)
    history = (
        api_as(company.admin)
        .get(f"/api/notifications/customer/{company.customer.public_id}")
        .json()
    )
    assert code not in str(history) and "portal/login" not in str(history)


def test_a_link_scanner_opening_a_survey_link_answers_nothing(company, surveyed):
    from django.test import Client

    from clientfocus.voice.models import SurveyResponse

    _request, mail = surveyed
    link = re.search(r"(/s/[^/\s]+/\?score=\d)", mail.body).group(1)
    scanner = Client()
    for _ in range(3):
        assert scanner.get(link).status_code == 200
    assert not SurveyResponse.objects.exists()
    assert scanner.head(link).status_code == 200 and not SurveyResponse.objects.exists()


def test_the_personal_feedback_link_is_limited_revocable_and_never_shown(company, web_as, settings):
    from django.test import Client

    from clientfocus.voice import services as voice
    from clientfocus.voice.models import FeedbackItem, FollowUp

    settings.VOICE_FEEDBACK_LINK_DAILY = 2
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    client = web_as(company.agent)
    record = client.get(f"/customers/{company.customer.public_id}/").content.decode()
    assert not re.search(r"\"/feedback/[^\"]+/\"", record)  # staff never see the link
    client.post(f"/voice/customers/{company.customer.public_id}/feedback-link/send/")
    mail = Notification.objects.get(customer=company.customer)
    assert mail.sensitive and "/feedback/" in mail.body and "[personal link]" in mail.body_for_staff
    link = re.search(r"(/feedback/[^/\s]+/)", mail.body).group(1)
    customer = Client()
    angry = {"text": "Baisu!!! 😡 Niekas neatsako!!!"}
    codes = [customer.post(link, angry).status_code for _ in range(4)]
    assert codes == [200, 200, 429, 429]
    assert FeedbackItem.objects.filter(source="customer").count() == 2
    assert FollowUp.objects.count() <= 2
    client.post(f"/voice/customers/{company.customer.public_id}/feedback-link/revoke/")
    assert customer.get(link).status_code == 410
    fresh = voice.feedback_link_token(Customer.objects.get(pk=company.customer.pk))
    assert customer.get(f"/feedback/{fresh}/").status_code == 200
