"""A customer about whom a little of everything is held, for export and erasure."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clientfocus.mail import services as mail
from clientfocus.orders.models import Order
from clientfocus.orders.services import record_milestone
from clientfocus.service.attachments import IncomingFile
from clientfocus.service.services import add_message, open_request
from clientfocus.voice import services as voice
from clientfocus.voice.models import Source
from tests.factories import ContactFactory
from tests.mail.helpers import compose


@pytest.fixture
def held(company):
    """A customer about whom a little of everything is held."""
    customer = company.customer
    ContactFactory(customer=customer, kind="email", value="ruta@example.lt")
    request = open_request(actor=company.agent, subject="Šaldytuvas", body="Neveikia šaldiklis",
                           customer=customer, queue=company.care_queue)  # fmt: skip
    photo = IncomingFile("šaldiklis.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")
    add_message(request=request, actor=company.agent, body="Atsiųskite nuotrauką.",
                kind="note")  # fmt: skip
    add_message(request=request, actor=company.agent, body="Ačiū, meistras atvyks.",
                attachments=[photo])  # fmt: skip
    order = Order.objects.create(order_id="NH-7", customer=customer, placed_at=timezone.now(),
                                 amount="199.90")  # fmt: skip
    record_milestone(order=order, kind="shipped")
    voice.record_feedback(text="Kurjeris vėlavo", source=Source.EMPLOYEE, actor=company.agent,
                          customer=customer)  # fmt: skip
    # The customer answers by e-mail on the same request (its reference in the subject).
    raw = compose(subject=f"Re: [{request.reference}] Šaldytuvas", text="Štai nuotrauka.")
    mail.receive(raw)
    return {"request": request, "order": order, "raw": raw}
