"""Mail in: new requests, answers threaded onto their request, loops and noise kept out,
nothing lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clientfocus.customers.models import ContactPoint, Customer
from clientfocus.mail import services
from clientfocus.mail.models import InboundMail, InboundState, MailReference
from clientfocus.notify.models import Notification
from clientfocus.service import services as desk
from clientfocus.service.models import Attachment, Channel, Request, State
from tests.factories import ContactFactory
from tests.mail.helpers import compose

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruta(company):
    ContactFactory(customer=company.customer, kind="email", value="Ruta@Example.lt")
    return company.customer


def test_a_new_mail_opens_a_request_for_the_known_customer_and_is_acknowledged(company, ruta):
    outcome = services.receive(compose(text="Laba diena,\nsiuntinys neatvyko.\n\n-- \nRūta"))
    assert outcome.action == "created" and outcome.customer == str(ruta.public_id)
    request = Request.objects.by_reference(outcome.reference)
    assert request.customer == ruta and request.channel == Channel.EMAIL
    assert request.queue == company.care_queue  # the oldest queue: nothing else was routed
    assert request.first_response_due is not None
    message = request.messages.get()
    assert "siuntinys neatvyko" in message.body_text and "Rūta" not in message.body_text
    assert "Rūta" in message.quoted_html and message.channel == "email"
    ack = Notification.objects.get(customer=ruta)
    assert ack.recipient == "ruta@example.lt" and request.reference in ack.subject
    assert ack.headers["In-Reply-To"] == "<m1@mail.example.lt>"
    assert ack.headers["Auto-Submitted"] == "auto-replied"
    assert "Gavome jūsų kreipimąsi" in ack.body  # in the customer's language (Lithuanian)


def test_an_unknown_sender_becomes_a_customer_in_the_language_they_wrote(company):
    outcome = services.receive(
        compose(
            sender="new@example.ru",
            name="Пётр",
            subject="Где мой заказ?",
            text="Здравствуйте! Я заказал холодильник неделю назад, и до сих пор ничего нет.",
        )
    )
    customer = Customer.objects.get(public_id=outcome.customer)
    assert customer.name == "Пётр" and customer.language == "ru"
    assert customer.contacts.get().value == "new@example.ru"


def test_the_answer_to_our_reply_threads_by_in_reply_to_and_reopens(company, ruta, settings):
    first = services.receive(compose())
    request = Request.objects.by_reference(first.reference)
    desk.add_message(request=request, actor=company.agent, body="Patikrinsime.")
    desk.change_state(request=request, actor=company.agent, state=State.RESOLVED)
    reply = Notification.objects.get(request_message__request=request)
    ours = reply.headers["Message-ID"].strip("<>")
    assert ours.startswith(f"r{request.pk}.")  # our IDs name their request
    answer = services.receive(
        compose(
            subject="Re: whatever",
            message_id="m2@x",
            in_reply_to=ours,
            text="Vis dar nėra.\n\nOn Mon, 3 Nov 2026, Support <s@x> wrote:\n> Patikrinsime.",
        )
    )
    assert answer.action == "appended" and answer.reference == request.reference
    request.refresh_from_db()
    assert request.state == State.OPEN and request.resolved_at is None
    assert request.next_response_due is not None  # the right clock restarted
    assert answer.text == "Vis dar nėra."


def test_the_subject_reference_threads_when_headers_are_lost(company, ruta):
    request = Request.objects.by_reference(services.receive(compose()).reference)
    again = services.receive(
        compose(subject=f"Fwd: [{request.reference}] still", message_id="m3@x", text="More.")
    )
    assert again.action == "appended" and again.reference == request.reference


def test_a_forged_in_reply_to_never_attaches_a_strangers_mail(company, ruta):
    request = Request.objects.by_reference(services.receive(compose()).reference)
    reference = MailReference.objects.filter(request=request).first()
    forged = services.receive(
        compose(
            sender="mallory@evil.example",
            name="M",
            message_id="evil@x",
            in_reply_to=reference.message_id,
            subject=f"[{request.reference}] hi",
        )
    )
    assert forged.action == "created" and forged.reference != request.reference
    assert request.messages.count() == 1


def test_a_known_contact_of_the_company_may_answer(company, ruta):
    from tests.factories import CustomerFactory

    firm = CustomerFactory(name="UAB Firma", kind="company", tier=company.standard)
    colleague = CustomerFactory(name="Jonas", company=firm, tier=company.standard)
    ContactFactory(customer=colleague, kind="email", value="jonas@firma.lt")
    ContactFactory(customer=firm, kind="email", value="info@firma.lt")
    request = Request.objects.by_reference(
        services.receive(compose(sender="info@firma.lt", message_id="f1@x")).reference
    )
    answer = services.receive(
        compose(sender="jonas@firma.lt", message_id="f2@x", subject=f"[{request.reference}]")
    )
    assert answer.action == "appended"


def test_a_closed_request_gets_a_new_request_that_follows_it(company, ruta):
    request = Request.objects.by_reference(services.receive(compose()).reference)
    desk.change_state(request=request, actor=company.agent, state=State.CLOSED)
    later = services.receive(compose(message_id="m9@x", subject=f"[{request.reference}] again"))
    assert later.action == "created" and later.reference != request.reference
    assert Request.objects.by_reference(later.reference).follows == request


def test_resolved_long_ago_opens_a_new_request(company, ruta, settings):
    settings.REQUEST_REOPEN_DAYS = 7
    request = Request.objects.by_reference(services.receive(compose()).reference)
    desk.change_state(
        request=request,
        actor=company.agent,
        state=State.RESOLVED,
        now=timezone.now() - timedelta(days=8),
    )
    later = services.receive(compose(message_id="m8@x", subject=f"[{request.reference}]"))
    assert later.action == "created" and later.reference != request.reference


def test_the_same_message_twice_is_stored_once(company, ruta):
    assert services.receive(compose()).action == "created"
    again = services.receive(compose())
    assert again.action == "ignored" and "duplicate" in again.reason
    assert InboundMail.objects.count() == 1 and Request.objects.count() == 1


def test_auto_replies_bounces_and_our_own_mail_never_become_requests(company, ruta, settings):
    noise = [
        compose(message_id="o1@x", headers={"Auto-Submitted": "auto-replied"}),
        compose(message_id="o2@x", subject="Automatic reply: away"),
        compose(message_id="o3@x", headers={"Precedence": "bulk"}),
        compose(message_id=f"ours@{settings.MAIL_MESSAGE_ID_DOMAIN}"),
    ]
    for raw in noise:
        assert services.receive(raw).action == "ignored"
    bounce = (
        b"From: MAILER-DAEMON@mx.example\r\nMessage-ID: <b1@mx>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; ruta@example.lt\r\nAction: failed\r\n--b--\r\n"
    )
    outcome = services.receive(bounce)
    assert outcome.action == "ignored" and "bounce" in outcome.reason
    assert ContactPoint.objects.get(customer=ruta).bouncing_since is not None
    assert Request.objects.count() == 0
    # Writing again from the address clears the flag.
    services.receive(compose(message_id="back@x"))
    assert ContactPoint.objects.get(customer=ruta).bouncing_since is None


def test_a_sender_writing_too_much_is_held_and_can_be_released(company, ruta, settings):
    settings.MAIL_SENDER_HOURLY_LIMIT = 2
    actions = [services.receive(compose(message_id=f"s{i}@x")).action for i in range(3)]
    assert actions == ["created", "created", "held"]
    held = InboundMail.objects.get(state=InboundState.HELD)
    assert services.retry(inbound=held, release=True).action == "created"


def test_attachments_are_stored_and_oversized_ones_dropped_and_the_customer_told(
    company, ruta, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1000
    outcome = services.receive(
        compose(
            files=[
                ("invoice.pdf", b"%PDF-1.4 small", "application/pdf"),
                ("virus.jpg", b"MZ\x90\x00" + b"0" * 100, "image/jpeg"),
                ("huge.pdf", b"%PDF" + b"0" * 5000, "application/pdf"),
            ]
        )
    )
    assert outcome.attachments == ["invoice.pdf", "virus.jpg"]
    stored = {a.filename: a for a in Attachment.objects.all()}
    assert stored["invoice.pdf"].content_type == "application/pdf"
    # An executable labelled as a picture is typed by its bytes, so never shown inline.
    assert stored["virus.jpg"].content_type != "image/jpeg" and not stored["virus.jpg"].shown_inline
    told = Notification.objects.filter(body__contains="huge.pdf").get()
    assert "per dideli" in told.body and told.recipient == "ruta@example.lt"


def test_html_mail_is_sanitised_and_its_quote_kept_aside(company, ruta):
    outcome = services.receive(
        compose(
            html='<p onclick="x()">Naujas <script>alert(1)</script>tekstas</p>'
            '<div class="gmail_quote">On … wrote:<blockquote>senas</blockquote></div>'
        )
    )
    message = Request.objects.by_reference(outcome.reference).messages.get()
    assert "script" not in message.body_html and "onclick" not in message.body_html
    assert "Naujas" in message.body_html and "senas" in message.quoted_html


def test_an_unreadable_message_is_kept_raw_and_listed(company):
    outcome = services.receive(b"\r\n\r\nno headers at all")
    assert outcome.action == "failed" and outcome.unreadable
    row = InboundMail.objects.get()
    assert row.state == InboundState.FAILED and bytes(row.raw) == b"\r\n\r\nno headers at all"


def test_a_failure_while_processing_keeps_the_message_for_retry(company, ruta, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.inbound.desk, "open_customer_request", broken)
    outcome = services.receive(compose())
    assert outcome.action == "failed" and "disk full" in outcome.reason
    row = InboundMail.objects.get()
    assert row.state == InboundState.FAILED and Request.objects.count() == 0
    monkeypatch.undo()
    assert services.retry(inbound=row).action == "created"
    row.refresh_from_db()
    assert row.state == InboundState.PROCESSED and row.request is not None


def test_a_fresh_installation_without_mailboxes_uses_its_default_queue(db):
    # The migration's Support inbox (the conftest removes it for other tests).
    from clientfocus.people.models import Department
    from clientfocus.service.models import Queue
    from tests.factories import TierFactory

    TierFactory(code="standard", is_default=True)
    inbox = Queue.objects.create(
        name="Inbox",
        department=Department.objects.create(name="Support", code="support"),
        is_default=True,
    )
    outcome = services.receive(compose(sender="first@customer.example"))
    assert Request.objects.by_reference(outcome.reference).queue == inbox


def test_an_absurdly_large_message_is_refused_before_parsing(company, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 1000
    outcome = services.receive(compose(text="x" * 5000))
    assert outcome.action == "failed" and outcome.unreadable and "larger" in outcome.reason
    assert InboundMail.objects.count() == 0  # the MTA bounces it to the sender (exit 65)


def test_one_rule_for_attachment_limits_drops_for_mail_and_refuses_uploads(settings):
    from clientfocus.core.errors import ServiceError
    from clientfocus.service.attachments import IncomingFile, beyond_limits, check_sizes

    settings.ATTACHMENT_MAX_BYTES = 10
    settings.MESSAGE_ATTACHMENTS_MAX_BYTES = 15
    settings.ATTACHMENT_MAX_COUNT = 2
    assert beyond_limits([11, 8, 8, 1, 1]) == {0: "size", 2: "total", 4: "count"}
    for sizes, reason in (([11], "larger than"), ([8, 8], "together"), ([1, 1, 1], "at most")):
        with pytest.raises(ServiceError, match=reason):
            check_sizes([IncomingFile(f"f{i}", b"x" * n) for i, n in enumerate(sizes)])
    check_sizes([IncomingFile("a", b"x" * 10), IncomingFile("b", b"x" * 5)])
