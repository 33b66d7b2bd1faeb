"""Issue 11, item 11: a signed inbound webhook is taken once; a replay within the
freshness window is refused and records nothing."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientfocus.core.signing import sign
from clientfocus.orders.models import Order

pytestmark = pytest.mark.django_db


def test_a_replayed_signed_milestone_is_refused(company, client, settings):
    settings.MILESTONE_WEBHOOK_SECRET = "s3cret"
    order = Order.objects.create(
        order_id="R-1",
        customer=company.customer,
        amount=Decimal("10"),
        placed_at=timezone.now() - timedelta(days=1),
    )
    body = json.dumps({"order_id": "R-1", "kind": "shipped"}).encode()
    now = str(int(time.time()))
    headers = {
        "HTTP_X_CLIENTFOCUS_TIMESTAMP": now,
        "HTTP_X_CLIENTFOCUS_SIGNATURE": sign("s3cret", now, body),
    }
    first = client.post(
        "/api/webhooks/milestones", body, content_type="application/json", **headers
    )
    assert first.status_code == 201
    again = client.post(
        "/api/webhooks/milestones", body, content_type="application/json", **headers
    )
    assert again.status_code == 403 and "replay" in again.json()["detail"]
    assert order.milestones.count() == 1
