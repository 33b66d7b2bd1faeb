"""Mail out: an agent's reply reaches the customer threaded, in their language, with
its files; notes never leave; SMS requests are answered by SMS; failures can be resent."""

from __future__ import annotations

import email
from email import policy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientfocus.mail import services
from clientfocus.notify import services as outbox
from clientfocus.notify.models import DeliveryState, Notification
from clientfocus.service import services as desk
from clientfocus.service.attachments import IncomingFile
from clientfocus.service.models import Request
from tests.factories import ContactFactory
from tests.mail.helpers import compose
from tests.notify.conftest import smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed(company):
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    outcome = services.receive(compose())
    Notification.objects.all().delete()  # the acknowledgement: not what these tests look at
    return Request.objects.by_reference(outcome.reference)


def test_a_reply_reaches_the_smtp_server_threaded_with_its_files(company, mailed, smtp_server):  # noqa: F811
    desk.add_message(
        request=mailed,
        actor=company.agent,
        body="Siuntinys išsiųstas šiandien.",
        attachments=[IncomingFile("važtaraštis.pdf", b"%PDF-1.4 x", "application/pdf")],
    )
    desk.add_message(request=mailed, actor=company.agent, body="secret note", kind="note")
    assert outbox.deliver_due() == 1
    sent = email.message_from_bytes(smtp_server.messages[0]["data"].encode(), policy=policy.default)
    assert smtp_server.messages[0]["to"] == ["ruta@example.lt"]
    assert sent["Subject"] == f"[{mailed.reference}] Siuntinys neatvyko"
    assert sent["In-Reply-To"] == "<m1@mail.example.lt>"
    assert "<m1@mail.example.lt>" in sent["References"]
    assert sent["Reply-To"]
    assert "Siuntinys išsiųstas šiandien." in sent.get_body(("plain",)).get_content()
    assert [part.get_filename() for part in sent.iter_attachments()] == ["važtaraštis.pdf"]
    assert "secret note" not in smtp_server.messages[0]["data"]
    # The customer's answer to it threads back onto the request.
    answer = services.receive(
        compose(message_id="a2@x", in_reply_to=sent["Message-ID"].strip("<>"), subject="Re: x")
    )
    assert answer.reference == mailed.reference and answer.action == "appended"


def test_requests_that_came_by_sms_are_answered_by_sms(company):
    ContactFactory(customer=company.customer, kind="phone", value="+370 600 12345")
    request = desk.open_customer_request(
        customer=company.customer, subject="SMS", body="Kada atvyks?", channel="sms"
    )
    desk.add_message(request=request, actor=company.agent, body="Rytoj 10–12.")
    sms = Notification.objects.get(request_message__request=request)
    assert sms.channel == "sms" and sms.recipient == "+370 600 12345"
    assert "Rytoj 10–12." in sms.body and request.reference in sms.body


def test_the_request_page_shows_channel_delivery_state_and_resends(company, mailed, web_as):
    desk.add_message(request=mailed, actor=company.agent, body="Atsakymas")
    note = Notification.objects.get()
    Notification.objects.filter(pk=note.pk).update(state=DeliveryState.DEAD, last_error="550")
    client = web_as(company.agent)
    page = client.get(f"/requests/{mailed.reference}/").content.decode()
    assert 'data-testid="delivery"' in page and "550" in page and "via email" in page
    answer = client.post(
        f"/notifications/{note.key}/resend/", {"next": f"/requests/{mailed.reference}/"}
    )
    assert answer.status_code == 302
    note.refresh_from_db()
    assert note.state == DeliveryState.PENDING
    # Someone who cannot see the request gets 404 for its deliveries and files.
    other = web_as(company.other_agent)
    assert other.post(f"/notifications/{note.key}/resend/").status_code == 404


def test_files_are_served_to_those_who_may_see_the_request_only(company, mailed, web_as):
    client = web_as(company.agent)
    upload = SimpleUploadedFile("run.html", b"<script>alert(1)</script>", "text/html")
    client.post(
        f"/requests/{mailed.reference}/messages/",
        {"body": "See file", "kind": "note", "files": [upload]},
    )
    attachment = mailed.messages.get(kind="note").attachments.get()
    url = f"/requests/{mailed.reference}/files/{attachment.public_id}/"
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert (
        answer["X-Content-Type-Options"] == "nosniff" and "text/html" not in answer["Content-Type"]
    )
    assert web_as(company.other_agent).get(url).status_code == 404


def test_the_api_replies_with_files_and_shows_channel_and_delivery(company, mailed, api_as):
    import base64

    api = api_as(company.agent)
    answer = api.post(
        f"/api/requests/{mailed.reference}/messages",
        {
            "body": "Sąskaita prisegta.",
            "attachments": [
                {
                    "filename": "sąskaita.pdf",
                    "content_type": "application/pdf",
                    "data_base64": base64.b64encode(b"%PDF-1.4 x").decode(),
                }
            ],
        },
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["attachments"][0]["filename"] == "sąskaita.pdf"
    detail = api.get(f"/api/requests/{mailed.reference}").json()
    first, reply = detail["messages"][0], detail["messages"][-1]
    assert first["channel"] == "email"
    assert reply["deliveries"][0]["recipient"] == "ruta@example.lt"
    bad = api.post(
        f"/api/requests/{mailed.reference}/messages",
        {"body": "x", "attachments": [{"filename": "a", "data_base64": "%%%"}]},
    )
    assert bad.status_code == 422 and mailed.messages.count() == 2


def test_sms_requests_open_over_the_api(company, api_as):
    answer = api_as(company.agent).post(
        "/api/requests",
        {"subject": "SMS", "customer": str(company.customer.public_id), "channel": "sms"},
    )
    assert answer.status_code == 201 and answer.json()["channel"] == "sms"
