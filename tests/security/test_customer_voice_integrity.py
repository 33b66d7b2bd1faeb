"""Issue 11, item 1: nobody but the customer speaks as the customer. Survey links never
show to staff, staff cannot record customer-sourced feedback or scores, and resending
follows who may see what the notification is about."""

from __future__ import annotations

import re

import pytest

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
