"""The ideas portal: customers suggest (spam held), see similar ideas while typing,
vote and change their vote, comment, never see who voted, unsubscribe with one click;
another customer's held idea answers 404."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from clientfocus.ideas import services as ideas
from clientfocus.ideas.models import Idea, Mute, Visibility, Vote
from clientfocus.portal import services
from tests.factories import ContactFactory, CustomerFactory
from tests.portal.test_portal import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruta(company):
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    return company.customer


@pytest.fixture
def client_ruta(ruta):
    client = Client()
    sign_in(client, "ruta@example.lt")
    return client


def _form(**values):
    return {"form_token": services.form_token(now=time.time() - 60), "website": "", **values}


def test_a_customer_suggests_an_idea_and_it_carries_their_vote(client_ruta, ruta):
    answer = client_ruta.post("/portal/ideas/new/", _form(title="Pristatymas savaitgaliais"))
    assert answer.status_code == 302
    idea = Idea.objects.get()
    assert (idea.customer, idea.language, idea.votes) == (ruta, "lt", 1)
    page = client_ruta.get(answer.url).content.decode()
    assert "Pristatymas savaitgaliais" in page


def test_bots_are_answered_as_if_accepted_and_nothing_is_stored(client_ruta):
    trap = client_ruta.post("/portal/ideas/new/", _form(title="Cheap pills", website="x"))
    fast = client_ruta.post(
        "/portal/ideas/new/",
        {"form_token": services.form_token(), "website": "", "title": "Too fast"},
    )
    assert trap.status_code == 302 and fast.status_code == 302
    assert not Idea.objects.exists()


def test_bad_input_keeps_the_form(client_ruta):
    answer = client_ruta.post("/portal/ideas/new/", _form(title="ab", description="x"))
    assert answer.status_code == 422
    assert not Idea.objects.exists()


def test_similar_ideas_while_typing_in_the_customers_language(client_ruta, company):
    wanted = ideas.submit_idea(
        title="Pristatymas šeštadieniais", actor=company.agent, language="lt"
    )
    fragment = client_ruta.get("/portal/ideas/similar/?title=pristatymo+sestadieni")
    assert wanted.title in fragment.content.decode()


def test_vote_change_importance_withdraw_and_nobody_sees_voters(client_ruta, ruta, company):
    idea = ideas.submit_idea(title="Evening delivery slots", customer=company.gold_customer)
    url = f"/portal/ideas/{idea.public_id}/"
    page = client_ruta.get(url).content.decode()
    assert company.gold_customer.name not in page
    client_ruta.post(url + "vote/", {"importance": "important"})
    client_ruta.post(url + "vote/", {"importance": "critical"})
    assert Vote.objects.get(idea=idea, customer=ruta).importance == "critical"
    idea.refresh_from_db()
    assert idea.votes == 2
    client_ruta.post(url + "vote/", {"importance": "bogus"})
    assert Vote.objects.get(idea=idea, customer=ruta).importance == "critical"
    client_ruta.post(url + "unvote/")
    assert not Vote.objects.filter(idea=idea, customer=ruta).exists()
    client_ruta.post(url + "comment/", {"text": "Labai reikia!"})
    assert idea.comments.get().customer == ruta
    client_ruta.post(url + "mute/")
    assert Mute.objects.filter(idea=idea, customer=ruta).exists()


def test_another_customers_held_idea_is_404(client_ruta, company, settings):
    settings.IDEAS_HOLD_FOR_APPROVAL = True
    other = CustomerFactory(tier=company.standard)
    held = ideas.submit_idea(title="Secret plans here", customer=other)
    assert held.visibility == Visibility.HELD
    assert client_ruta.get(f"/portal/ideas/{held.public_id}/").status_code == 404
    assert client_ruta.post(f"/portal/ideas/{held.public_id}/vote/").status_code == 404


def test_one_click_unsubscribe_needs_no_sign_in_and_a_get_changes_nothing(ruta, company):
    idea = ideas.submit_idea(title="Evening delivery slots", customer=ruta)
    token = ideas.unsubscribe_token(idea, ruta.pk)
    anonymous = Client()
    url = f"/portal/ideas/unsubscribe/{token}/"
    assert anonymous.get(url).status_code == 200
    assert not Mute.objects.exists()
    assert anonymous.post(url).status_code == 200
    assert Mute.objects.filter(idea=idea, customer=ruta).exists()
    assert anonymous.get(f"/portal/ideas/unsubscribe/{token}x/").status_code == 404
    assert anonymous.get("/portal/ideas/unsubscribe/garbage/").status_code == 404


def test_ideas_need_sign_in(company):
    assert Client().get("/portal/ideas/").status_code == 302


def test_the_portal_api_for_ideas(client_ruta, ruta, company):
    existing = ideas.submit_idea(title="Assembly service for wardrobes", actor=company.agent)
    created = client_ruta.post(
        "/api/portal/ideas", {"title": "Gift wrapping at checkout"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["my_vote"] is True
    similar = client_ruta.get("/api/portal/ideas/similar", {"q": "wardrobe assembly"}).json()
    assert [i["id"] for i in similar] == [str(existing.public_id)]
    voted = client_ruta.put(
        f"/api/portal/ideas/{existing.public_id}/vote",
        {"importance": "critical"},
        content_type="application/json",
    )
    assert voted.json()["votes"] == 1 and voted.json()["my_importance"] == "critical"
    bad = client_ruta.put(
        f"/api/portal/ideas/{existing.public_id}/vote",
        {"importance": "urgent"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    withdrawn = client_ruta.delete(f"/api/portal/ideas/{existing.public_id}/vote")
    assert withdrawn.json()["votes"] == 0
    assert Client().get("/api/portal/ideas").status_code == 401
    missing = client_ruta.get("/api/portal/ideas/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
