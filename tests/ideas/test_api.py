"""Ideas over the API: staff endpoints with the pages' permission rules, bad input 4xx."""

from __future__ import annotations

import pytest

from clientfocus.ideas import services
from clientfocus.ideas.models import Idea, Status
from clientfocus.value.models import CustomerValue

pytestmark = pytest.mark.django_db


def _idea(company, title="Deliveries on Saturdays"):
    return services.submit_idea(title=title, actor=company.agent)


def test_create_vote_rank_and_status(company, api_as):
    agent, manager = api_as(company.agent), api_as(company.manager)
    created = agent.post(
        "/api/ideas",
        {"title": "Pristatymas savaitgaliais", "customer": str(company.customer.public_id),
         "product_line": "Delivery"},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    idea_id = created.json()["id"]
    assert created.json()["language"] == "lt" and created.json()["votes"] == 1
    CustomerValue.objects.create(customer=company.gold_customer, lifetime_value_12m=4000)
    voted = agent.post(
        f"/api/ideas/{idea_id}/votes",
        {"customer": str(company.gold_customer.public_id), "importance": "critical"},
    )
    assert voted.json()["votes"] == 2 and voted.json()["weighted_votes"] == 4050.0
    ranked = agent.get("/api/ideas", sort="votes").json()
    assert ranked[0]["idea"]["id"] == idea_id and ranked[0]["rank_by_weight"] == 1
    assert agent.get(f"/api/ideas/{idea_id}/votes").status_code == 403
    voters = manager.get(f"/api/ideas/{idea_id}/votes").json()
    assert {v["name"] for v in voters} == {company.customer.name, company.gold_customer.name}
    assert agent.post(f"/api/ideas/{idea_id}/status", {"status": "planned", "message": "Spring"}
                      ).status_code == 403  # fmt: skip
    planned = {"status": "planned", "message": "Spring"}
    changed = manager.post(f"/api/ideas/{idea_id}/status", planned)
    assert changed.status_code == 200 and changed.json()["new_status"] == "planned"
    assert Idea.objects.get().status == Status.PLANNED
    assert manager.get("/api/ideas/loop").json()["asked"] == 2


def test_similar_over_the_api(company, api_as):
    idea = _idea(company, "Assembly service for wardrobes")
    found = api_as(company.agent).get("/api/ideas/similar", q="wardrobe assembly").json()
    assert [i["id"] for i in found] == [str(idea.public_id)]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/ideas", {"title": ""}),
        ("/api/ideas", {"title": "Okay title", "customer": "not-a-uuid"}),
        ("/api/ideas", {"title": "Okay title", "customer": "00000000-0000-0000-0000-000000000000"}),
        ("/api/ideas", {"title": "Okay title", "request": "REQ-999999"}),
        ("/api/ideas", {"title": "Okay title", "feedback": 99999999}),
        ("/api/ideas", {"title": "x" * 201}),
    ],
)
def test_bad_input_is_a_4xx_and_stores_nothing(company, api_as, path, body):
    response = api_as(company.agent).post(path, body)
    assert 400 <= response.status_code < 500
    assert not Idea.objects.exists()


def test_bad_status_and_unknown_ideas(company, api_as):
    idea = _idea(company)
    manager = api_as(company.manager)
    url = f"/api/ideas/{idea.public_id}/status"
    assert manager.post(url, {"status": "shipped", "message": "skip ahead"}).status_code == 422
    assert manager.post(url, {"status": "nonsense", "message": "x"}).status_code == 422
    assert manager.get("/api/ideas/00000000-0000-0000-0000-000000000000").status_code == 404
    assert manager.post("/api/ideas/duplicates/99999999", {"decision": "merge"}).status_code == 404
    assert manager.get("/api/ideas", limit=0).status_code == 422


def test_merge_and_duplicates(company, api_as):
    original = _idea(company, "Saturday deliveries wanted")
    newer = _idea(company, "Saturday deliveries please")
    manager = api_as(company.manager)
    pairs = manager.get("/api/ideas/duplicates").json()
    assert [p["idea"] for p in pairs] == [str(newer.public_id)]
    merged = manager.post(f"/api/ideas/duplicates/{pairs[0]['id']}", {"decision": "merge"})
    assert merged.json()["merged_into"] == str(original.public_id)
    assert api_as(company.agent).get("/api/ideas/duplicates").status_code == 403


def test_a_non_employee_token_sees_nothing(company, api_as, django_user_model):
    _idea(company)
    outsider = django_user_model.objects.create_user("outsider2", password="x")
    assert api_as(outsider).get("/api/ideas").status_code == 403
