"""The voice API: record, list, correct, surveys, follow-ups, alerts, themes, dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clientfocus.service.models import State
from clientfocus.service.services import change_state, open_request
from clientfocus.voice import services
from clientfocus.voice.models import FeedbackItem, Survey, SurveyInvitation, SurveyResponse
from tests.factories import ContactFactory


def test_record_and_list_feedback(company, api_as):
    api = api_as(company.agent)
    reply = api.post(
        "/api/voice/feedback",
        {
            "text": "Курьер опоздал на три часа, никто не позвонил",
            "source": "employee",
            "customer": str(company.gold_customer.public_id),
        },
    )
    assert reply.status_code == 201, reply.content
    body = reply.json()
    assert body["language"] == "ru" and body["sentiment"] == "negative"
    assert "delivery" in body["themes"]
    assert body["customer_name"] == "Алексей Иванов"
    listed = api.get("/api/voice/feedback", theme="delivery", language="ru").json()
    assert [i["id"] for i in listed] == [body["id"]]
    assert api.get("/api/voice/feedback", theme="price").json() == []
    assert api.get(f"/api/voice/feedback/{body['id']}").json()["text"].startswith("Курьер")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 100_001}, "text"),
        ({"text": "ok", "score_kind": "nps", "score": 11}, "score"),
        ({"text": "ok", "score_kind": "csat", "score": 0}, "score"),
        ({"text": "ok", "customer": "8c1e4a6e-1111-4111-8111-111111111111"}, "customer"),
        ({"text": "ok", "request": "REQ-999999"}, "request"),
        ({"text": "ok", "order": "nope"}, "order"),
    ],
)
def test_bad_feedback_is_422_and_stores_nothing(company, api_as, payload, field):
    reply = api_as(company.agent).post("/api/voice/feedback", payload)
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"][-1] == field
    assert not FeedbackItem.objects.exists()


def test_long_feedback_is_capped_and_says_so(company, api_as):
    reply = api_as(company.agent).post("/api/voice/feedback", {"text": "ą" * 6000})
    assert reply.status_code == 201
    assert reply.json()["truncated"] is True and len(reply.json()["text"]) == 5000


def test_request_of_another_department_cannot_be_linked(company, api_as):
    request = open_request(
        actor=company.other_agent,
        subject="Invoice",
        customer=company.customer,
        queue=company.billing_queue,
    )
    reply = api_as(company.agent).post(
        "/api/voice/feedback", {"text": "fine", "request": request.reference}
    )
    assert reply.status_code == 422


def test_correct_a_tag_in_one_call(company, api_as):
    api = api_as(company.agent)
    item = api.post("/api/voice/feedback", {"text": "The courier was rude"}).json()
    fixed = api.post(
        f"/api/voice/feedback/{item['id']}/tags", {"theme": "delivery", "present": False}
    ).json()
    tag = next(t for t in fixed["tags"] if t["theme"] == "delivery")
    assert tag == {**tag, "source": "staff", "active": False, "set_by": "agent"}
    assert "delivery" not in fixed["themes"] and fixed["reviewed"]
    fixed = api.post(f"/api/voice/feedback/{item['id']}/tags", {"sentiment": "neutral"}).json()
    assert fixed["sentiment"] == "neutral"
    assert api.post(f"/api/voice/feedback/{item['id']}/tags", {"theme": "nope"}).status_code == 422
    assert api.post(f"/api/voice/feedback/{item['id']}/tags", {}).status_code == 422
    assert api.post("/api/voice/feedback/999999/tags", {"sentiment": "neutral"}).status_code == 404


def test_analyse_without_storing(company, api_as):
    reply = api_as(company.agent).post(
        "/api/voice/analyse", {"texts": ["Kaina per didelė", "", "👍👍👍"]}
    )
    assert reply.status_code == 200
    first, empty, emoji = reply.json()
    assert first["language"] == "lt" and "price" in first["themes"]
    assert empty["language"] is None and emoji["sentiment"] == "positive"
    assert not FeedbackItem.objects.exists()


def _invitation(company, kind="nps"):
    Survey.objects.create(name="s", kind=kind, trigger="request_resolved")
    ContactFactory(customer=company.customer)
    request = open_request(
        actor=company.agent, subject="Sofa", customer=company.customer, queue=company.care_queue
    )
    change_state(request=request, actor=company.agent, state=State.RESOLVED)
    return SurveyInvitation.objects.get()


def test_answer_survey_without_login(company):
    invitation = _invitation(company)
    token = services.survey_token(invitation)
    anonymous = Client()
    reply = anonymous.post(
        "/api/voice/surveys/answer",
        {"token": token, "score": 11},
        content_type="application/json",
    )
    assert reply.status_code == 422
    reply = anonymous.post(
        "/api/voice/surveys/answer",
        {"token": token, "score": 9, "comment": "Labai gerai"},
        content_type="application/json",
    )
    assert reply.status_code == 201 and reply.json()["kind"] == "nps"
    again = anonymous.post(
        "/api/voice/surveys/answer", {"token": token, "score": 1}, content_type="application/json"
    )
    assert again.status_code == 409
    forged = anonymous.post(
        "/api/voice/surveys/answer",
        {"token": token[:-2] + "xx", "score": 1},
        content_type="application/json",
    )
    assert forged.status_code == 404
    assert SurveyResponse.objects.get().score == 9


def test_follow_ups_and_alerts_permissions(company, api_as):
    company.customer.owner = company.agent
    company.customer.save()
    services.record_feedback(
        text="", source="api", score_kind="csat", score=1, customer=company.customer
    )
    mine = api_as(company.agent).get("/api/voice/follow-ups").json()
    assert len(mine) == 1 and mine[0]["owner"] == "agent"
    assert api_as(company.agent2).get("/api/voice/follow-ups").json() == []
    assert len(api_as(company.manager).get("/api/voice/follow-ups").json()) == 1
    follow_up = mine[0]["id"]
    stranger = api_as(company.agent2).post(
        f"/api/voice/follow-ups/{follow_up}/close", {"outcome": "x"}
    )
    assert stranger.status_code == 404
    assert (
        api_as(company.agent)
        .post(f"/api/voice/follow-ups/{follow_up}/close", {"outcome": ""})
        .status_code
        == 422
    )
    closed = api_as(company.agent).post(
        f"/api/voice/follow-ups/{follow_up}/close", {"outcome": "Called her, sent a voucher"}
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert api_as(company.agent).get("/api/voice/alerts").status_code == 403
    assert api_as(company.agent).get("/api/voice/dashboard").status_code == 403


def test_alerts_over_the_api(company, api_as):
    now = timezone.now()
    for week in range(1, 9):
        services.record_feedback(
            text="courier late", source="api", created_at=now - timedelta(days=7 * week + 1)
        )
    for _ in range(20):
        services.record_feedback(
            text="courier late again", source="api", created_at=now - timedelta(hours=5)
        )
    api = api_as(company.manager)
    raised = api.post("/api/voice/alerts/detect").json()
    alert = next(a for a in raised if a["theme"] == "delivery")
    assert alert["p_value"] < 0.001 and alert["verbatims"]
    acted = api.post(
        f"/api/voice/alerts/{alert['id']}/action", {"state": "closed", "action": "New courier"}
    )
    assert acted.json()["state"] == "closed" and acted.json()["action"] == "New courier"
    assert (
        api.post(f"/api/voice/alerts/{alert['id']}/action", {"state": "bogus"}).status_code == 422
    )
    assert [a["id"] for a in api.get("/api/voice/alerts", state="closed").json()] == [alert["id"]]


def test_themes_dashboard_digest_and_training(company, api_as):
    manager = api_as(company.manager)
    created = manager.post("/api/voice/themes", {"name": "Parking", "keywords": ["parking*"]})
    assert created.status_code == 201 and created.json()["code"] == "parking"
    assert api_as(company.agent).post("/api/voice/themes", {"name": "X"}).status_code == 403
    assert manager.post("/api/voice/themes", {"name": ""}).status_code == 422
    updated = manager.client.put(
        "/api/voice/themes/parking",
        {"name": "Parking", "keywords": ["parking*", "stovėjim*"], "active": True},
        content_type="application/json",
    )
    assert updated.json()["keywords"] == ["parking*", "stovėjim*"]
    services.record_feedback(text="", source="survey", score_kind="nps", score=10)
    from clientfocus.voice.selectors import rebuild_rollups

    rebuild_rollups(start=timezone.localdate(), end=timezone.localdate())
    board = manager.get("/api/voice/dashboard", weeks=4, breakdown="tier").json()
    assert board["overall"][-1]["nps"] == 100
    assert manager.get("/api/voice/dashboard", breakdown="nope").status_code == 422
    assert manager.get("/api/voice/digest").status_code == 404
    services.make_digest()
    assert "scores" in api_as(company.agent).get("/api/voice/digest").json()
    trained = manager.post("/api/voice/classifier/train")
    assert trained.status_code == 200 and trained.json()["examples"] == 0
    assert api_as(company.agent).post("/api/voice/classifier/train").status_code == 403


def test_survey_policies_are_listed(company, api_as):
    Survey.objects.create(name="After delivery", kind="nps", trigger="order_delivered")
    listed = api_as(company.agent).get("/api/voice/surveys").json()
    assert listed[0]["kind"] == "nps" and listed[0]["min_days_between"] == 90


def test_openapi_lists_voice(company):
    client = Client()
    client.force_login(company.agent)
    schema = client.get("/api/openapi.json").json()
    assert "/api/voice/feedback" in schema["paths"]
    assert "/api/voice/surveys/answer" in schema["paths"]


def test_evaluation_figures_for_managers(company, api_as):
    assert api_as(company.agent).get("/api/voice/evaluation").status_code == 403
    reply = api_as(company.manager).get("/api/voice/evaluation?labelled=held-out")
    assert reply.status_code == 200
    report = reply.json()
    assert report["set"] == "held-out" and report["overall"]["comments"] == 1000
    assert set(report["languages"]) == {"en", "ru", "lt", "sl", "hi"}
    for figures in report["languages"].values():
        assert figures["comments"] == 200
        assert sum(sum(row.values()) for row in figures["confusion"].values()) == 200
        assert 0 <= figures["polar_accuracy"] <= 1
    assert 0 < report["themes"]["precision"] <= 1
    # Only the shipped sets: a path is not a set.
    bad = api_as(company.manager).get("/api/voice/evaluation?labelled=/etc/passwd")
    assert bad.status_code in (400, 422)
