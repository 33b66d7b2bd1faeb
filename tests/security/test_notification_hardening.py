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


def test_one_broken_delivery_does_not_hold_back_its_batch(company, smtp_server, settings):
    settings.ALLOW_INTERNAL_URLS = True
    settings.OUTBOUND_WEBHOOK_SECRET = "s"
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


def _redirecting_server(target: str):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


def test_redirects_are_not_followed(company, settings, http_receiver):
    server, hits = _redirecting_server(http_receiver.url + "/internal-secret")
    try:
        note = Notification.objects.create(
            channel="webhook",
            recipient=f"http://127.0.0.1:{server.server_address[1]}/hook",
            body="x",
        )
        assert services.deliver_due() == 0
        note.refresh_from_db()
        assert note.last_error == "HTTP 302" and hits == ["/hook"]
        assert http_receiver.requests == []  # the internal target was never fetched
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    "address",
    [
        "::ffff:127.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
        "64:ff9b::7f00:1",
        "::1",
        "fe80::1",
        "fd00::1",
        "169.254.169.254",
        "100.64.0.1",
    ],
)
def test_internal_addresses_in_every_disguise_are_refused(address, settings):
    from clientfocus.notify.channels import is_internal

    assert is_internal(address)


def test_error_texts_do_not_tell_open_from_closed_ports(settings):
    import socket

    from clientfocus.notify.channels import DeliveryError, _post

    settings.ALLOW_INTERNAL_URLS = True
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(DeliveryError) as refused:
        _post(f"http://127.0.0.1:{closed}/", {}, {})
    assert str(refused.value) == "the receiver could not be reached"


def test_webhooks_are_never_sent_unsigned(company, settings, http_receiver):
    settings.OUTBOUND_WEBHOOK_SECRET = ""
    note = Notification.objects.create(channel="webhook", recipient=http_receiver.url, body="x")
    assert services.deliver_due() == 0
    note.refresh_from_db()
    assert "OUTBOUND_WEBHOOK_SECRET" in note.last_error and http_receiver.requests == []
