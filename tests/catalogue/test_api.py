"""The catalogue over the API: the pages' rules, every bad input a 4xx."""

from __future__ import annotations

import pytest

from clientfocus.catalogue.models import Version
from clientfocus.voice.models import Source
from clientfocus.voice.services import record_feedback
from tests.catalogue.conftest import fees

pytestmark = pytest.mark.django_db


def test_create_edit_preview_publish_and_who_was_told(company, delivery, api_as):
    manager = api_as(company.manager)
    listed = manager.get("/api/catalogue/services").json()
    assert listed[0]["code"] == "delivery" and listed[0]["in_effect"]["number"] == 1
    assert manager.post("/api/catalogue/services/delivery/draft").json()["number"] == 2
    raised = fees(express="12.00")
    saved = manager.put("/api/catalogue/services/delivery/draft", {"fees": raised})
    assert saved.status_code == 200, saved.content
    preview = manager.get("/api/catalogue/services/delivery/draft/preview").json()
    assert preview["customers_told"] == 1 and preview["notice_days"] == 30
    assert preview["tiers_told"][0]["tier"] == "standard"
    assert preview["tiers_told"][0]["changes"][0]["kind"] == "raised"
    early = manager.post(
        "/api/catalogue/services/delivery/draft/publish",
        {"valid_from": "2026-01-01T00:00:00+00:00"},
    )
    assert early.status_code == 422 and "30 days" in str(early.json())
    done = manager.post("/api/catalogue/services/delivery/draft/publish", {})
    assert done.status_code == 200 and done.json()["queued"] == 1
    told = manager.get("/api/catalogue/services/delivery/versions/2/notices").json()
    assert told["customers"] == 1 and told["items"][0]["state"] == "queued"
    assert told["items"][0]["customer"] == str(company.customer.public_id)
    again = manager.post("/api/catalogue/services/delivery/versions/2/tell-again")
    assert again.json() == {"queued": 0, "unreachable": 0}
    mine = manager.get(f"/api/customers/{company.customer.public_id}/fees").json()
    assert mine[0]["version"] == 1 and mine[0]["announced"] == [2]
    history = manager.get("/api/catalogue/services/delivery").json()
    assert [v["number"] for v in history["versions"]] == [2, 1]


def test_agents_read_only_and_others_are_refused(company, delivery, api_as, client):
    agent = api_as(company.agent)
    assert agent.get("/api/catalogue/services/delivery/versions/1").status_code == 200
    assert agent.post("/api/catalogue/services/delivery/draft").status_code == 403
    assert agent.post("/api/catalogue/services", {"names": {"en": "X"}}).status_code == 403
    assert client.get("/api/catalogue/services").status_code == 401


def test_bad_input_is_a_4xx_and_changes_nothing(company, delivery, api_as):
    manager = api_as(company.manager)
    manager.post("/api/catalogue/services/delivery/draft")
    for body in (
        {"fees": [{**fees()[0], "amount": "-1"}]},
        {"fees": [{**fees()[0], "amount": "1e400"}]},
        {"fees": [{**fees()[0], "unit": "week"}]},
        {"fees": [{**fees()[0], "tier": "platinum"}]},
        {"fees": [fees()[0], fees()[0]]},
        {"names": {"xx": "?"}},
        {"names": {}},
        {"product_line": "x" * 61},
    ):
        answer = manager.put("/api/catalogue/services/delivery/draft", body)
        assert answer.status_code == 422, (body, answer.content)
    draft = Version.objects.get(service=delivery, state="draft")
    assert draft.fees.count() == 3 and draft.names["en"] == "Delivery"
    assert manager.get("/api/catalogue/services/delivery/versions/99999999999").status_code == 404
    assert manager.get("/api/catalogue/services/delivery/versions/9/notices").status_code == 404
    assert (
        manager.get("/api/catalogue/services/delivery/versions/1/notices", limit=0).status_code
        == 422
    )
    assert manager.get("/api/catalogue/services/nope").status_code == 404
    assert manager.post("/api/catalogue/services", {"code": "delivery", "names": {"en": "D"}}
                        ).status_code == 422  # fmt: skip
    made = manager.post("/api/catalogue/services", {"names": {"en": "Gift wrapping"}})
    assert made.status_code == 201
    assert manager.client.delete("/api/catalogue/services/gift-wrapping/draft").status_code == 204


def test_complaints_per_fee(company, delivery, api_as):
    record_feedback(
        text="You charged me for express delivery twice!", source=Source.EMPLOYEE,
        actor=company.agent, customer=company.customer,
    )  # fmt: skip
    counts = api_as(company.manager).get("/api/catalogue/complaints").json()
    assert counts == [
        {"service": "delivery", "fee": "express-delivery", "last_90_days": 1, "total": 1}
    ]
