"""Order milestones: recorded by staff, API or a signed webhook; visible to everyone."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientfocus.core.errors import ServiceError
from clientfocus.core.signing import sign
from clientfocus.orders.models import Order
from clientfocus.orders.services import record_milestone


@pytest.fixture
def order(company):
    return Order.objects.create(
        order_id="W-100",
        customer=company.customer,
        amount=Decimal("50"),
        placed_at=timezone.now() - timedelta(days=2),
    )


def test_the_path_of_an_order(order):
    now = timezone.now()
    record_milestone(order=order, kind="confirmed")
    record_milestone(
        order=order,
        kind="out_for_delivery",
        window_start=now + timedelta(hours=2),
        window_end=now + timedelta(hours=4),
        courier_phone="+370 600 00000",
    )
    record_milestone(order=order, kind="delayed", new_date=(now + timedelta(days=2)).date())
    order.refresh_from_db()
    assert order.stage == "out_for_delivery"  # a delay does not move the stage
    record_milestone(order=order, kind="delivered")
    with pytest.raises(ServiceError, match="already delivered"):
        record_milestone(order=order, kind="shipped")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "teleported"}, "kind"),
        ({"kind": "out_for_delivery"}, "window_start"),
        ({"kind": "delayed"}, "new_date"),
        ({"kind": "shipped", "occurred_at": timezone.now() + timedelta(days=1)}, "occurred_at"),
    ],
)
def test_bad_milestones_are_refused(order, kwargs, field):
    with pytest.raises(ServiceError) as error:
        record_milestone(order=order, **kwargs)
    assert error.value.field == field


def test_cancelling_cancels_the_order(order):
    record_milestone(order=order, kind="cancelled")
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_api_and_page_for_every_department(company, order, api_as, client):
    api = api_as(company.billing_staff)
    created = api.post("/api/orders/W-100/milestones", {"kind": "packed", "note": "2 boxes"})
    assert created.status_code == 201
    detail = api.get("/api/orders/W-100").json()
    assert detail["stage"] == "packed" and detail["milestones"][0]["note"] == "2 boxes"
    assert api.get("/api/orders/NOPE").status_code == 404
    bad = api.post("/api/orders/W-100/milestones", {"kind": "out_for_delivery"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "window_start"]
    for user in (company.logistics_staff, company.other_agent, company.agent):
        client.force_login(user)
        page = client.get("/orders/W-100/").content.decode()
        assert "Packed" in page and "2 boxes" in page
    client.force_login(company.logistics_staff)
    client.post("/orders/W-100/", {"kind": "shipped"})
    order.refresh_from_db()
    assert order.stage == "shipped"
    client.force_login(company.agent)
    record = client.get(f"/customers/{company.customer.public_id}/").content.decode()
    assert "Order shipped" in record and "W-100" in record


def test_signed_webhook(company, order, client, settings):
    settings.MILESTONE_WEBHOOK_SECRET = "s3cret"
    body = json.dumps({"order_id": "W-100", "kind": "shipped"}).encode()

    def post(timestamp, signature):
        return client.post(
            "/api/webhooks/milestones",
            body,
            content_type="application/json",
            HTTP_X_CLIENTFOCUS_TIMESTAMP=timestamp,
            HTTP_X_CLIENTFOCUS_SIGNATURE=signature,
        )

    now = str(int(time.time()))
    assert post(now, sign("wrong", now, body)).status_code == 403
    old = str(int(time.time()) - 3600)
    assert post(old, sign("s3cret", old, body)).status_code == 403
    assert post("", "").status_code == 403
    assert post(now, sign("s3cret", now, body)).status_code == 201
    order.refresh_from_db()
    assert order.stage == "shipped" and order.milestones.get().source == "webhook"
    settings.MILESTONE_WEBHOOK_SECRET = ""
    assert post(now, sign("", now, body)).status_code == 403
