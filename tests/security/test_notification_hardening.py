"""Issue 11, items 4 and 6: one bad notification never jams the others, and templates
cannot reach outside their values or block the business action that triggers them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from clientfocus.notify import services
from clientfocus.notify.models import DeliveryState, Notification, NotificationRule
from clientfocus.service import services as desk
from clientfocus.service.models import State
from tests.factories import ContactFactory
from tests.notify.conftest import smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db

RULE = {
    "name": "Resolved",
    "event": "request_resolved",
    "channel": "webhook",
    "templates": [{"language": "en", "subject": "Done", "body": "{{ request_reference }}"}],
}


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com:99999/",
        "http://[::1/",
        "https://example.com/" + "a" * 600,
        "ftp://example.com/",
        "http:///path-only",
        "http://example.com:0/",
    ],
)
def test_bad_webhook_urls_are_refused_on_save_by_api_and_admin(company, api_as, url):
    answer = api_as(company.admin).post("/api/notifications/rules", {**RULE, "webhook_url": url})
    assert answer.status_code == 422, (url, answer.content)
    assert NotificationRule.objects.count() == 0
    with pytest.raises(ValidationError):
        NotificationRule(name="x", event="shipped", channel="webhook", webhook_url=url).full_clean()


def test_one_broken_delivery_does_not_hold_back_its_batch(company, smtp_server, settings):  # noqa: F811
    settings.ALLOW_INTERNAL_URLS = True
    broken = Notification.objects.create(
        channel="webhook", recipient="http://example.com:99999/", body="x"
    )
    mail = Notification.objects.create(channel="email", recipient="a@example.com", body="hello")
    assert services.deliver_due() == 1
    broken.refresh_from_db()
    mail.refresh_from_db()
    assert mail.state == DeliveryState.SENT and len(smtp_server.messages) == 1
    assert broken.state == DeliveryState.PENDING and "port" in broken.last_error.lower()
    assert services.deliver_due() == 0 and len(smtp_server.messages) == 1  # not sent twice


@pytest.mark.parametrize(
    "body",
    [
        '{% include "x.txt" %}',
        '{% extends "base.html" %}',
        "{% load i18n %}",
        "{% url 'home' %}",
        "{% csrf_token %}",
        "{% debug %}",
    ],
)
def test_templates_may_use_values_and_simple_logic_only(company, api_as, body):
    rule = {**RULE, "channel": "email", "templates": [{"language": "en", "body": body}]}
    answer = api_as(company.admin).post("/api/notifications/rules", rule)
    assert answer.status_code == 422, answer.content
    ok = {
        **rule,
        "templates": [
            {
                "language": "en",
                "body": "{% if request_reference %}{{ request_reference|upper }}{% endif %}",
            }
        ],
    }
    assert api_as(company.admin).post("/api/notifications/rules", ok).status_code == 201


def test_a_broken_template_never_blocks_resolving_a_request(company, web_as):
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    rule = NotificationRule.objects.create(name="Bad", event="request_resolved", channel="email")
    rule.templates.create(language="en", body='{% include "missing.txt" %}')  # stored earlier
    request = desk.open_request(
        actor=company.agent, customer=company.customer, subject="X", queue=company.care_queue
    )
    desk.change_state(request=request, actor=company.agent, state=State.RESOLVED)
    request.refresh_from_db()
    assert request.state == State.RESOLVED
    failed = Notification.objects.get(rule=rule)
    assert failed.state == DeliveryState.SKIPPED and "not allowed" in failed.last_error
    assert web_as(company.manager).get("/notifications/rules/").status_code == 200
