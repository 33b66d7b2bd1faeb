"""Erasure on request: personal text goes everywhere, figures stay, recorded with who and
why, refused under a legal hold; from the record, the API and the command line."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from clientfocus.customers.models import ContactPoint, Customer, Erasure, RecordAccess
from clientfocus.mail.models import InboundMail
from clientfocus.notify.models import Notification
from clientfocus.orders.models import Order
from clientfocus.service.models import Attachment, Message, Request
from clientfocus.voice.models import FeedbackItem


def _erase_on_page(web, customer, reason="request of 2026-11-30", confirm=True):
    data = {"reason": reason, **({"confirm": "1"} if confirm else {})}
    return web.post(f"/customers/{customer.public_id}/erase/", data, follow=True)


def test_erasure_removes_personal_text_and_keeps_figures(
    company, held, web_as, django_capture_on_commit_callbacks
):
    customer = company.customer
    request = held["request"]
    stored = Attachment.objects.get().file.name
    assert default_storage.exists(stored)
    before = Request.objects.filter(pk=request.pk).values(
        "state", "created_at", "first_response_due", "queue_id", "priority"
    )[0]
    with_files = Message.objects.filter(request=request).count()

    with django_capture_on_commit_callbacks(execute=True):  # the files go after commit
        page = _erase_on_page(web_as(company.admin), customer)

    assert page.status_code == 200
    customer.refresh_from_db()
    assert customer.name.startswith("Erased customer") and customer.erased_at
    assert not ContactPoint.objects.filter(customer=customer).exists()
    assert (customer.notes, customer.consent_email) == ("", False)
    request.refresh_from_db()
    assert request.subject == "[removed]" and request.anonymised_at
    # Figures stay: the request's clocks, state and queue; its messages are counted still.
    assert Request.objects.filter(pk=request.pk).values(*before)[0] == before
    texts = set(Message.objects.filter(request=request).values_list("body_text", flat=True))
    assert texts == {"[removed]"} and Message.objects.filter(request=request).count() == with_files
    assert not Attachment.objects.exists() and not default_storage.exists(stored)
    item = FeedbackItem.objects.get(customer=customer)
    assert item.text == "[removed]" and item.sentiment  # sentiment (a figure) stays
    assert set(Notification.objects.filter(customer=customer).values_list("body", flat=True)) == {
        "[removed]"
    }
    mail = InboundMail.objects.get()
    assert (bytes(mail.raw), mail.sender) == (b"", "")
    order = Order.objects.get(order_id="NH-7")
    assert str(order.amount) == "199.90" and order.customer == customer
    erasure = Erasure.objects.get()
    assert (erasure.actor, erasure.reason, erasure.via) == (
        company.admin, "request of 2026-11-30", "page",
    )  # fmt: skip
    assert erasure.removed["requests"] == 1 and erasure.removed["contacts"] == 1
    assert erasure.removed["attachments"] == 1 and erasure.removed["incoming e-mails"] == 1
    assert RecordAccess.objects.filter(action="erased", actor=company.admin).exists()
    # Nothing of what was said survives on the record page or in the export.
    record = web_as(company.admin).get(f"/customers/{customer.public_id}/").content.decode()
    for said in ("Rūta", "ruta@example.lt", "Šaldytuvas", "Kurjeris vėlavo", "meistras"):
        assert said not in record, said
    assert "Erased on request" in record


def test_a_legal_hold_refuses_erasure_and_loses_nothing(company, held, web_as, api_as):
    customer = company.customer
    web = web_as(company.admin)
    answer = web.post(f"/customers/{customer.public_id}/legal-hold/", {"hold": "1", "reason": ""},
                      follow=True)  # fmt: skip
    assert "say why" in answer.content.decode()
    web.post(f"/customers/{customer.public_id}/legal-hold/",
             {"hold": "1", "reason": "court order 12/2026"})  # fmt: skip
    customer.refresh_from_db()
    assert customer.legal_hold and customer.legal_hold_reason == "court order 12/2026"

    page = _erase_on_page(web, customer)
    assert "legal hold" in page.content.decode()
    answer = api_as(company.admin).post(
        f"/api/customers/{customer.public_id}/erase", {"reason": "asked by phone"}
    )
    assert answer.status_code == 422 and "legal hold" in answer.content.decode()
    with pytest.raises(CommandError, match="legal hold"):
        call_command("privacy", "erase", str(customer.public_id), "--reason", "asked")
    customer.refresh_from_db()
    assert customer.name == "Rūta Žukauskienė" and customer.erased_at is None
    assert Request.objects.get().subject == "Šaldytuvas"
    assert not Erasure.objects.exists()

    api = api_as(company.admin)
    lifted = api.put(f"/api/customers/{customer.public_id}/legal-hold", {"hold": False})
    assert lifted.status_code == 200 and lifted.json()["legal_hold"] is False
    erased = api.post(f"/api/customers/{customer.public_id}/erase", {"reason": "asked by phone"})
    assert erased.status_code == 200, erased.content
    assert erased.json()["via"] == "api" and erased.json()["removed"]["requests"] == 1
    kinds = list(customer.events.values_list("kind", flat=True).order_by("id"))
    assert kinds[-3:] == ["legal_hold_set", "legal_hold_lifted", "erased"]


def test_only_administrators_erase(company, held, web_as, api_as):
    customer = company.customer
    for user in (company.manager, company.agent):
        assert _erase_on_page(web_as(user), customer).status_code == 404
        answer = api_as(user).post(f"/api/customers/{customer.public_id}/erase", {"reason": "x"})
        assert answer.status_code == 403
        held_answer = api_as(user).put(
            f"/api/customers/{customer.public_id}/legal-hold", {"hold": True, "reason": "x"}
        )
        assert held_answer.status_code == 403
    # A customer who does not exist: 404 for everyone.
    answer = api_as(company.admin).post(
        "/api/customers/00000000-0000-4000-8000-000000000000/erase", {"reason": "x"}
    )
    assert answer.status_code == 404
    assert web_as(company.manager).get("/customers/privacy/").status_code == 404
    # Without the confirmation box or a reason, nothing happens.
    _erase_on_page(web_as(company.admin), customer, confirm=False)
    _erase_on_page(web_as(company.admin), customer, reason="")
    assert api_as(company.admin).post(
        f"/api/customers/{customer.public_id}/erase", {"reason": ""}
    ).status_code == 422  # fmt: skip
    assert Customer.objects.get(pk=customer.pk).erased_at is None
    assert not Erasure.objects.exists()


def test_the_command_line_erases_and_lists(company, held):
    customer = company.customer
    out = StringIO()
    call_command("privacy", "hold", str(customer.public_id), "--reason", "audit", stdout=out)
    assert "legal hold set" in out.getvalue()
    call_command("privacy", "release", str(customer.public_id), stdout=out)
    call_command("privacy", "erase", str(customer.public_id), "--reason", "e-mail of 30 Nov",
                 stdout=out)  # fmt: skip
    assert f"erased {customer.public_id}" in out.getvalue()
    listed = StringIO()
    call_command("privacy", "erasures", stdout=listed)
    assert "by command line  e-mail of 30 Nov" in listed.getvalue()
    with pytest.raises(CommandError, match="no customer"):
        call_command("privacy", "erase", "nobody", "--reason", "x")
    assert Erasure.objects.get().actor is None


def test_erasures_are_listed_for_administrators(company, held, api_as):
    api = api_as(company.admin)
    api.post(f"/api/customers/{company.customer.public_id}/erase", {"reason": "asked"})
    listed = api.get("/api/privacy/erasures").json()
    assert [(e["reason"], e["actor"]) for e in listed] == [("asked", "admin")]
    assert api_as(company.manager).get("/api/privacy/erasures").status_code == 403
    assert json.dumps(listed)  # JSON all the way
