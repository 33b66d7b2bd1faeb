"""Knowledge as staff reach it: the request page's playbook card, ticks, template
insertion, the editor pages, training pages, and the same over the API; 404 for
strangers, 4xx for bad input."""

from __future__ import annotations

import pytest

from clientfocus.knowledge.models import Article, Enrolment, Playbook, StepTick, TemplateUse
from clientfocus.service.models import Category
from clientfocus.service.services import open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def req(company, late):
    return open_request(
        actor=company.agent,
        subject="Where is my sofa?",
        customer=company.customer,
        category=Category.objects.get(name="Late delivery"),
        queue=company.care_queue,
        assignee=company.agent,
    )


def test_the_request_page_shows_the_playbook_and_ticks_by_htmx(company, req, web_as, late):
    client = web_as(company.agent)
    page = client.get(f"/requests/{req.reference}/").content.decode()
    assert 'data-testid="playbook-late"' in page and "Check the tracking" in page
    assert "unfortunately, policy" in page and "Sorry, late" in page
    step = late.steps.first()
    answer = client.post(
        f"/requests/{req.reference}/steps/{step.pk}/", {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200 and "☑" in answer.content.decode()
    assert StepTick.objects.filter(request=req, step=step, by=company.agent).exists()
    inserted = client.post(
        f"/requests/{req.reference}/insert-template/", {"template": "sorry-late", "body": "Labas,"}
    )
    text = inserted.content.decode()
    assert 'id="reply-body"' in text and "Labas," in text and req.reference in text
    assert TemplateUse.objects.count() == 1
    assert (
        client.post(f"/requests/{req.reference}/insert-template/", {"template": "x"}).status_code
        == 404
    )


def test_strangers_get_404_and_cannot_tick(company, req, web_as, late):
    step = late.steps.first()
    stranger = web_as(company.other_agent)
    assert stranger.post(f"/requests/{req.reference}/steps/{step.pk}/").status_code == 404
    assert stranger.get("/knowledge/playbooks/skipped/").status_code == 404
    assert stranger.get("/knowledge/articles/new/").status_code == 404
    assert web_as(company.agent).post(f"/requests/{req.reference}/steps/99999/").status_code == 404


def test_managers_write_playbooks_articles_and_templates_in_pages(company, web_as, late):
    client = web_as(company.manager)
    for path in (
        "/knowledge/",
        "/knowledge/?q=tracking",
        "/knowledge/playbooks/",
        "/knowledge/templates/",
        "/knowledge/playbooks/late/",
        "/knowledge/playbooks/late/edit/",
        "/knowledge/articles/late-delivery/",
        "/knowledge/articles/late-delivery/edit/",
        "/knowledge/templates/sorry-late/edit/",
        "/knowledge/playbooks/skipped/",
        "/knowledge/training/",
        "/knowledge/training/new/",
    ):
        assert client.get(path).status_code == 200, path
    saved = client.post(
        "/knowledge/playbooks/late/edit/?lang=en",
        {
            "titles": "Late delivery",
            "steps": "! Check the tracking\nOffer a new slot\n- Blame anyone",
            "categories": ["Late delivery"],
            "material": "1",
            "active": "1",
            "lang": "en",
        },
    )
    assert saved.status_code == 302
    late.refresh_from_db()
    assert late.version == 2 and [s.kind for s in late.steps.all()] == ["do", "do", "dont"]
    made = client.post(
        "/knowledge/articles/new/?lang=sl",
        {
            "code": "vracila",
            "title": "Vračila",
            "body": "<p>Denar vrnemo v 14 dneh.</p>",
            "visibility": "public",
            "review_every_days": "90",
        },
    )
    assert made.status_code == 302
    assert (
        client.post("/knowledge/articles/vracila/state/", {"state": "published"}).status_code == 302
    )
    bad = client.post("/knowledge/articles/new/", {"code": "Bad Code", "title": "", "body": ""})
    assert bad.status_code == 200 and "A code is" in bad.content.decode()
    assert not Article.objects.filter(code="bad-code").exists() and Playbook.objects.count() == 1


def test_training_pages(company, web_as, late):
    client = web_as(company.manager)
    answer = client.post(
        "/knowledge/training/new/",
        {
            "code": "late-course",
            "title": "Late deliveries",
            "playbooks": ["late"],
            "roles": ["agent"],
            "due_days": "7",
            "pass_mark": "80",
            "active": "1",
            "required_for": [str(company.care_queue.pk)],
            "quiz": "",
        },
    )
    assert answer.status_code == 302
    assert Enrolment.objects.filter(user=company.agent).exists()
    agent = web_as(company.agent)
    page = agent.get("/knowledge/training/late-course/").content.decode()
    assert 'data-testid="ack-late"' in page
    agent.post("/knowledge/training/late-course/ack/", {"playbook": "late"})
    assert Enrolment.objects.get(user=company.agent).completed_at is not None
    assert agent.get("/knowledge/training/people/agent/").status_code == 200
    assert agent.get("/knowledge/training/people/agent2/").status_code == 404
    manager_view = web_as(company.manager).get("/knowledge/training/").content.decode()
    assert "agent2" in manager_view and f"untrained-{company.care_queue.pk}" in manager_view


def test_the_api(company, req, api_as, late):
    agent = api_as(company.agent)
    guides = agent.get(f"/api/requests/{req.reference}/playbooks").json()
    assert [g["code"] for g in guides] == ["late"] and guides[0]["templates"] == ["sorry-late"]
    step = guides[0]["steps"][0]["id"]
    assert agent.post(f"/api/requests/{req.reference}/steps/{step}", {"done": True}).json() == {
        "ticked": True
    }
    assert (
        agent.get(f"/api/requests/{req.reference}/playbooks").json()[0]["steps"][0]["ticked_by"]
        == "agent"
    )
    filled = agent.post(
        f"/api/requests/{req.reference}/templates/sorry-late", {"language": "en"}
    ).json()
    assert filled["text"].startswith("Dear Rūta Žukauskienė")
    assert agent.get("/api/knowledge/articles?q=tracking").json()[0]["code"] == "late-delivery"
    assert agent.put("/api/knowledge/playbooks/x", {"titles": {"en": "x"}}).status_code == 403
    manager = api_as(company.manager)
    written = manager.put(
        "/api/knowledge/articles/returns",
        {
            "language": "lt",
            "title": "Grąžinimas",
            "body": "Pinigus grąžiname per 14 dienų.",
            "visibility": "public",
        },
    )
    assert written.status_code == 200 and written.json()["texts"][0]["version"] == 1
    assert (
        manager.post("/api/knowledge/articles/returns/state", {"state": "published"}).json()[
            "state"
        ]
        == "published"
    )
    course = manager.put(
        "/api/knowledge/courses/late-course",
        {
            "titles": {"en": "Late"},
            "playbooks": ["late"],
            "audiences": [{"role": "agent"}],
            "required_for": [company.care_queue.pk],
        },
    )
    assert course.status_code == 200 and course.json()["enrolled"] == 4
    mine = agent.get("/api/knowledge/training").json()
    assert mine[0]["playbooks_to_acknowledge"] == ["late"]
    assert agent.post(
        "/api/knowledge/training/late-course/acknowledge", {"playbook": "late"}
    ).json()["completed_at"]
    assert {r["user"] for r in manager.get("/api/knowledge/untrained").json()} == {
        "agent2",
        "manager",
    }
    assert agent.get("/api/knowledge/untrained").status_code == 403
    for path, body in [
        ("/api/knowledge/articles/returns", {"language": "xx", "title": "t", "body": "b"}),
        ("/api/knowledge/articles/returns", {"language": "en", "title": "", "body": "b"}),
        ("/api/knowledge/articles/Bad%20Code", {"language": "en", "title": "t", "body": "b"}),
        ("/api/knowledge/playbooks/late", {"titles": {"en": "x"}, "channels": ["pigeon"]}),
        ("/api/knowledge/playbooks/late", {"titles": {}}),
        ("/api/knowledge/courses/c", {"titles": {"en": "c"}, "quiz": [{"question": "?"}]}),
    ]:
        answer = manager.put(path, body)
        assert 400 <= answer.status_code < 500, (path, answer.content)
    assert manager.get("/api/knowledge/articles/none").status_code == 404
    assert agent.post(f"/api/requests/{req.reference}/steps/0", {"done": True}).status_code == 404
    assert (
        api_as(company.other_agent).get(f"/api/requests/{req.reference}/playbooks").status_code
        == 404
    )
