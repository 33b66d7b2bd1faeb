"""The staff pages of ideas: ranking, an idea, adding one, duplicates, permissions."""

from __future__ import annotations

import pytest

from clientfocus.ideas import services
from clientfocus.ideas.models import DuplicateCandidate, Idea, Status, Vote
from clientfocus.service.services import open_request
from clientfocus.value.models import CustomerValue
from clientfocus.voice.models import Source
from clientfocus.voice.services import record_feedback
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _idea(company, title="Deliveries on Saturdays", **kw):
    return services.submit_idea(title=title, actor=company.agent, **kw)


def test_ranking_shows_raw_and_weighted_side_by_side(company, web_as):
    popular = _idea(company, title="Cheaper delivery for everyone", product_line="Delivery")
    valuable = _idea(company, title="Bulk ordering for businesses", product_line="B2B")
    for _ in range(3):
        services.vote(idea=popular, customer=CustomerFactory(tier=company.standard))
    CustomerValue.objects.create(customer=company.gold_customer, lifetime_value_12m=9000)
    services.vote(idea=valuable, customer=company.gold_customer)
    page = web_as(company.agent).get("/ideas/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Bulk ordering") < html.index("Cheaper delivery")
    by_votes = web_as(company.agent).get("/ideas/?sort=votes").content.decode()
    assert by_votes.index("Cheaper delivery") < by_votes.index("Bulk ordering")
    filtered = web_as(company.agent).get("/ideas/?product_line=B2B").content.decode()
    assert "Bulk ordering" in filtered and "Cheaper delivery" not in filtered
    gold = web_as(company.agent).get(f"/ideas/?tier={company.gold.pk}").content.decode()
    assert "Bulk ordering" in gold and "Cheaper delivery" not in gold


@pytest.mark.parametrize(
    "query", ["?tier=abc", "?page=-4", "?sort=<x>", "?status=zz", "?tier=99999999999999999999"]
)
def test_bad_filters_do_not_break_the_ranking(company, web_as, query):
    _idea(company)
    assert web_as(company.agent).get(f"/ideas/{query}").status_code == 200


def test_who_asked_is_for_managers_only(company, web_as):
    idea = services.submit_idea(title="Evening delivery slots", customer=company.customer)
    agent_page = web_as(company.agent).get(f"/ideas/{idea.public_id}/").content.decode()
    assert company.customer.name not in agent_page
    manager_page = web_as(company.manager).get(f"/ideas/{idea.public_id}/").content.decode()
    assert company.customer.name in manager_page


def test_status_change_from_the_page(company, web_as):
    idea = _idea(company)
    client = web_as(company.manager)
    response = client.post(
        f"/ideas/{idea.public_id}/status/", {"status": "planned", "message": "In spring."}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Status.PLANNED
    # An agent cannot: the message says so and nothing changes.
    web_as(company.agent).post(
        f"/ideas/{idea.public_id}/status/", {"status": "shipped", "message": "Done"}
    )
    idea.refresh_from_db()
    assert idea.status == Status.PLANNED


def test_an_agent_adds_an_idea_for_a_customer_and_votes(company, web_as):
    client = web_as(company.agent)
    form = client.get(f"/ideas/new/?customer={company.customer.public_id}")
    assert company.customer.name in form.content.decode()
    response = client.post(
        "/ideas/new/",
        {"title": "Gift cards", "customer": str(company.customer.public_id), "language": "en"},
    )
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.links.get().customer_id == company.customer.pk
    assert Vote.objects.get(idea=idea).recorded_by == company.agent
    bad = client.post("/ideas/new/", {"title": "x"})
    assert bad.status_code == 422
    assert Idea.objects.count() == 1


def test_similar_fragment_while_typing(company, web_as):
    idea = _idea(company, title="Assembly service for wardrobes")
    fragment = web_as(company.agent).get("/ideas/similar/?title=wardrobe+assembly&language=en")
    assert idea.title in fragment.content.decode()


def test_duplicates_page_merges_pairs(company, web_as):
    original = _idea(company, title="Saturday deliveries wanted")
    newer = _idea(company, title="Saturday deliveries please")
    pair = DuplicateCandidate.objects.get()
    assert web_as(company.agent).get("/ideas/duplicates/").status_code == 404
    client = web_as(company.manager)
    assert newer.title in client.get("/ideas/duplicates/").content.decode()
    client.post("/ideas/duplicates/", {"pair": pair.pk, "do": "merge"})
    newer.refresh_from_db()
    assert newer.merged_into_id == original.pk


def test_a_non_employee_gets_404(company, client, django_user_model):
    idea = _idea(company)
    outsider = django_user_model.objects.create_user("outsider", password="x")
    client.force_login(outsider)
    assert client.get(f"/ideas/{idea.public_id}/").status_code == 404
    assert client.get("/ideas/").status_code == 404


def test_the_customer_record_lists_their_ideas(company, web_as):
    idea = services.submit_idea(title="Evening delivery slots", customer=company.customer)
    page = web_as(company.agent).get(f"/customers/{company.customer.public_id}/")
    assert idea.title in page.content.decode()


def test_a_voice_theme_becomes_an_idea_linking_who_raised_it(company, web_as):
    for customer, text in (
        (company.customer, "Laukiau kurjerio visą savaitę, niekas neatsakė"),
        (company.gold_customer, "Жду ответа уже неделю, никто не перезвонил"),
        (company.gold_customer, "Still waiting for a call back"),
    ):
        record_feedback(text=text, source=Source.EMPLOYEE, actor=company.agent, customer=customer)
    client = web_as(company.agent)
    start = client.get("/ideas/new/").content.decode()
    assert 'data-testid="theme-choice"' in start and "waiting-time" in start
    page = client.get("/ideas/new/?theme=waiting-time").content.decode()
    assert 'data-testid="from-theme"' in page and "2 customers" in page
    made = client.post(
        "/ideas/new/", {"theme": "waiting-time", "title": "Call customers back within a day"}
    )
    assert made.status_code == 302
    idea = Idea.objects.get(title="Call customers back within a day")
    assert idea.votes == 2
    assert set(idea.links.values_list("customer__name", flat=True)) == {
        company.customer.name,
        company.gold_customer.name,
    }
    assert client.get("/ideas/new/?theme=no-such-theme").status_code == 200
    short = client.post("/ideas/new/", {"theme": "waiting-time", "title": "x"})
    assert short.status_code == 422 and Idea.objects.count() == 1


def test_the_request_page_starts_an_idea_from_the_request(company, web_as):
    req = open_request(
        subject="Could you deliver on Saturdays?", customer=company.customer,
        queue=company.care_queue, actor=company.agent,
    )  # fmt: skip
    client = web_as(company.agent)
    page = client.get(f"/requests/{req.reference}/").content.decode()
    assert 'data-testid="start-idea"' in page and f"?request={req.reference}" in page
    client.post(f"/ideas/new/?request={req.reference}", {"title": "Saturday deliveries",
                                                          "request": req.reference})  # fmt: skip
    page = client.get(f"/requests/{req.reference}/").content.decode()
    assert "Saturday deliveries" in page
