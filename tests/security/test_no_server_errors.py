"""Issue 11, item 12: inputs that answered 500 answer 4xx now, on pages and the API,
on SQLite and PostgreSQL (NUL characters are an error there)."""

from __future__ import annotations

import json
import time

import pytest

from clientfocus.core.signing import sign

pytestmark = pytest.mark.django_db

API_GETS = [
    "/api/requests?offset=1180591620717411303424",
    "/api/requests?queue=9223372036854775808",
    "/api/requests?queue=%C2%B2",
    "/api/requests?limit=-1",
    "/api/voice/feedback?since=9999-12-31T23:59:59-14:00",
    "/api/voice/feedback?until=0001-01-01T00:00:00%2B14:00",
    "/api/voice/feedback?offset=1180591620717411303424",
    "/api/voice/digest?week=9999-12-31",
    "/api/voice/dashboard?weeks=999999999",
    "/api/staffing/plan?queue=Care&week=9999-W52",
    "/api/staffing/plan?queue=Care&week=0000-W01",
    "/api/customers?q=%00",
    "/api/customers/not-a-uuid",
]
PAGES = [
    "/queue/?queue=9223372036854775808",
    "/queue/?queue=%C2%B2",
    "/voice/feedback/?customer=not-a-uuid",
    "/voice/feedback/?week=9999-W52&days=999999999",
    "/voice/feedback/?week=%C2%B2",
    "/voice/?weeks=%C2%B2",
    "/voice/?weeks=99999999999999999999",
    "/voice/digest/9999-W52/",
    "/staffing/?queue=Care&week=9999-W52",
    "/customers/?q=%00",
    "/customers/search/?q=%00",
    "/value/?segment=%00",
]


@pytest.mark.parametrize("url", API_GETS)
def test_api_queries_at_the_edges(company, api_as, url):
    answer = api_as(company.admin).client.get(url)
    assert answer.status_code < 500, (url, answer.status_code, answer.content[:300])


@pytest.mark.parametrize("url", PAGES)
def test_page_filters_at_the_edges(company, web_as, url):
    answer = web_as(company.admin).get(url)
    assert answer.status_code < 500, (url, answer.status_code)


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("patch", "/api/customers/{customer}", {"preferred_channel": None}),
        ("patch", "/api/customers/{customer}", {"name": "A\x00B"}),
        ("post", "/api/customers", {"name": "Nul\x00l", "emails": ["a@example.com"]}),
        ("post", "/api/requests", {"subject": "S\x00", "customer": "{customer}"}),
        (
            "post",
            "/api/orders",
            {
                "order_id": "Q-1",
                "customer": "{customer}",
                "amount": "5",
                "date": "2026-01-01",
                "lines": [{"sku": "x", "quantity": 2**63, "unit_price": "1"}],
            },
        ),
        (
            "post",
            "/api/value/tier-policy/preview",
            '{"rules": ' + "[" * 100_000 + "]" * 100_000 + "}",
        ),
        ("post", "/api/voice/feedback", {"text": "x\x00y", "source": "employee"}),
        ("post", "/api/voice/surveys/answer", '{"token": "x", "score": 1' + "0" * 5000 + "}"),
    ],
)
def test_api_bodies_at_the_edges(company, api_as, method, url, body):
    customer = str(company.customer.public_id)
    url = url.format(customer=customer)
    raw = body if isinstance(body, str) else json.dumps(body).replace("{customer}", customer)
    client = api_as(company.admin).client
    answer = getattr(client, method)(url, raw, content_type="application/json")
    assert 400 <= answer.status_code < 500, (url, answer.status_code, answer.content[:300])


def test_webhook_timestamps_of_other_digits(company, client, settings):
    settings.MILESTONE_WEBHOOK_SECRET = "s3cret"
    body = json.dumps({"order_id": "W-1", "kind": "shipped"}).encode()
    for stamp in ("\u00b2", "9" * 400, str(int(time.time())) + "\u0663"):
        answer = client.post(
            "/api/webhooks/milestones",
            body,
            content_type="application/json",
            HTTP_X_CLIENTFOCUS_TIMESTAMP=stamp,
            HTTP_X_CLIENTFOCUS_SIGNATURE=sign("s3cret", stamp, body),
        )
        assert answer.status_code == 403, (stamp, answer.status_code)


def test_survey_links_with_odd_scores(company, client):
    for score in ("--1", "1" * 5000, "\u00b2", "-0"):
        answer = client.get(f"/s/not-a-token/?score={score}")
        assert answer.status_code < 500


def test_a_body_over_the_upload_limit_gets_a_json_400_on_the_api(company, settings):
    # Found by the API fuzzer: Django refuses such a body before any view, and its
    # answer was an HTML page where the API promises JSON.
    from django.test import Client

    from clientfocus.core.models import ApiToken

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _, token = ApiToken.issue(user=company.admin)
    client = Client(HTTP_HOST="localhost")
    body = '{"orders": [' + ",".join(['{"order_id": "x"}'] * 200) + "]}"
    response = client.post(
        "/api/orders", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "the request is too large"}
