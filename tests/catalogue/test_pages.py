"""The catalogue's staff pages: the list, a service with who was told and complaints per
fee, the draft editor one language at a time, publishing with its preview; the fees on
the customer record and the request page; agents read, only managers change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clientfocus.catalogue import services
from clientfocus.catalogue.models import Notice, Version, VersionState
from clientfocus.service.services import open_request
from tests.catalogue.conftest import change

pytestmark = pytest.mark.django_db


def test_every_employee_reads_the_catalogue_and_the_fees_of_a_customer(company, delivery, web_as):
    client = web_as(company.agent)
    page = client.get("/catalogue/")
    assert page.status_code == 200
    assert "Delivery" in page.content.decode() and "New service" not in page.content.decode()
    service = client.get("/catalogue/delivery/").content.decode()
    assert "Express delivery" in service and "10.00 EUR" in service
    record = client.get(f"/customers/{company.customer.public_id}/").content.decode()
    assert 'data-testid="customer-fees"' in record and "Express delivery" in record
    assert client.get("/catalogue/delivery/draft/").status_code == 404
    assert client.get("/catalogue/nothing-here/").status_code == 404


def test_the_request_page_shows_the_fees_of_its_customer(company, delivery, web_as):
    req = open_request(
        subject="Where is my sofa?", customer=company.gold_customer, queue=company.care_queue,
        actor=company.agent,
    )  # fmt: skip
    page = web_as(company.agent).get(f"/requests/{req.reference}/").content.decode()
    assert 'data-testid="request-fees"' in page and "0.00 EUR" in page


def test_a_manager_edits_a_draft_per_language_and_publishes_a_raise(company, delivery, web_as):
    client = web_as(company.manager)
    assert client.get("/catalogue/delivery/draft/").status_code == 302  # looking makes none
    assert not Version.objects.filter(service=delivery, state=VersionState.DRAFT).exists()
    started = client.post("/catalogue/delivery/draft/", {"start": "1", "lang": "lt"})
    assert started["Location"].endswith("/catalogue/delivery/draft/?lang=lt")
    page = client.get("/catalogue/delivery/draft/?lang=lt")
    assert page.status_code == 200 and "Skubus pristatymas" in page.content.decode()
    rows = services.fee_rows(Version.objects.get(service=delivery, state=VersionState.DRAFT))
    form = {"lang": "lt", "name": "Pristatymas", "rows": str(len(rows) + 1)}
    for index, row in enumerate(rows):
        form |= {
            f"fee-{index}-code": row["code"], f"fee-{index}-tier": row["tier"] or "",
            f"fee-{index}-name": row["names"].get("lt", ""), f"fee-{index}-amount": row["amount"],
            f"fee-{index}-currency": row["currency"], f"fee-{index}-unit": row["unit"],
            f"fee-{index}-trigger": "", f"fee-{index}-free": row["free"].get("lt", ""),
        }  # fmt: skip
    form["fee-0-amount"] = "12.00"
    new = len(rows)
    form |= {f"fee-{new}-code": "packing", f"fee-{new}-name": "Pakavimas",
             f"fee-{new}-amount": "3", f"fee-{new}-currency": "eur",
             f"fee-{new}-unit": "order"}  # fmt: skip
    saved = client.post("/catalogue/delivery/draft/", form | {"next": "publish"})
    assert saved.status_code == 302 and "/draft/publish/" in saved["Location"]
    draft = Version.objects.get(service=delivery, state=VersionState.DRAFT)
    express = draft.fees.get(code="express-delivery", tier=None)
    assert express.amount == 12 and express.names["en"] == "Express delivery"  # kept
    assert draft.fees.get(code="packing").names == {"lt": "Pakavimas"}
    preview = client.get("/catalogue/delivery/draft/publish/").content.decode()
    assert 'data-testid="publish-raises"' in preview and "Standard" in preview
    too_soon = client.post(
        "/catalogue/delivery/draft/publish/",
        {"valid_from": (timezone.now() + timedelta(days=3)).date().isoformat()},
    )
    assert too_soon.status_code == 200 and "30" in too_soon.content.decode()
    published = client.post("/catalogue/delivery/draft/publish/", {"lead_days": "40"})
    assert published.status_code == 302
    version = Version.objects.get(service=delivery, number=2)
    assert version.state == VersionState.PUBLISHED and version.lead_days == 40
    # Standard pays more for express delivery; every tier pays for the new packing fee.
    states = dict(Notice.objects.filter(version=version).values_list("customer__name", "state"))
    assert states == {company.customer.name: "queued", company.gold_customer.name: "unreachable"}
    told = client.get("/catalogue/delivery/v2/notices/").content.decode()
    assert company.customer.name in told and 'data-testid="notice-summary"' in told
    assert client.get("/catalogue/delivery/v2/notices/?state=unreachable&page=x").status_code == 200


def test_bad_draft_input_keeps_what_was_typed_and_stores_nothing(company, delivery, web_as):
    client = web_as(company.manager)
    client.post("/catalogue/delivery/draft/", {"start": "1"})
    answer = client.post(
        "/catalogue/delivery/draft/",
        {"lang": "en", "name": "Delivery", "rows": "1", "fee-0-code": "express-delivery",
         "fee-0-name": "Express", "fee-0-amount": "lots", "fee-0-currency": "EUR",
         "fee-0-unit": "order"},
    )  # fmt: skip
    assert answer.status_code == 200 and "lots" in answer.content.decode()
    assert Version.objects.get(service=delivery, state="draft").fees.count() == 3
    assert client.post("/catalogue/delivery/draft/", {"rows": "99999999"}).status_code == 200


def test_a_new_service_from_the_page_and_a_discarded_draft(company, web_as):
    client = web_as(company.manager)
    made = client.post(
        "/catalogue/new/", {"code": "", "name_en": "Assembly", "name_lt": "Surinkimas"}
    )
    assert made.status_code == 302 and made["Location"].endswith("/catalogue/assembly/draft/")
    twice = client.post("/catalogue/new/", {"code": "assembly", "name_en": "Assembly"})
    assert "exists" in twice.content.decode()
    gone = client.post("/catalogue/assembly/draft/", {"discard": "1"})
    assert gone.status_code == 302 and client.get("/catalogue/assembly/").status_code == 404
    assert web_as(company.agent).get("/catalogue/new/").status_code == 404


def test_tell_again_is_for_managers(company, delivery, web_as):
    version, _q, _u = services.publish(
        actor=company.manager, version=change(company.manager, delivery, express="12.00")
    )
    assert web_as(company.agent).post("/catalogue/delivery/v2/tell-again/").status_code == 404
    answer = web_as(company.manager).post("/catalogue/delivery/v2/tell-again/")
    assert answer.status_code == 302 and version.notices.count() == 1
