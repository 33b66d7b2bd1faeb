"""The help centre: public articles for anyone in their language, suggestions while a
customer writes a request, and the count of those who did not need to send it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clientfocus.knowledge import selectors, services
from clientfocus.knowledge.models import ArticleView
from clientfocus.service.models import Request
from tests.factories import ContactFactory
from tests.portal.test_portal import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(company):
    for language, title, body in [
        ("en", "Returning a sofa", "You can return a sofa within 14 days."),
        ("lt", "Sofos grąžinimas", "Sofą galite grąžinti per 14 dienų."),
        ("hi", "सोफा लौटाना", "आप 14 दिनों के भीतर सोफा लौटा सकते हैं।"),
    ]:
        article = services.save_article(
            actor=company.manager,
            code="returns",
            language=language,
            title=title,
            body=body,
            visibility="public",
        )
    services.set_state(actor=company.manager, article=article, state="published")
    services.save_article(
        actor=company.manager,
        code="secret",
        language="en",
        title="Sofa margins",
        body="Internal sofa margins.",
        state="published",
    )
    return article


def test_anyone_searches_public_articles_in_their_language(articles):
    client = Client()
    page = client.get("/portal/help/?lang=lt&q=sofos").content.decode()
    assert "Sofos grąžinimas" in page and "margins" not in page
    assert "सोफा लौटाना" in client.get("/portal/help/?lang=hi&q=सोफा").content.decode()
    assert "Returning a sofa" in client.get("/portal/help/?lang=en").content.decode()
    article = client.get("/portal/help/returns/?lang=lt").content.decode()
    assert "Sofą galite grąžinti" in article
    assert client.get("/portal/help/secret/").status_code == 404
    assert client.get("/portal/help/no-such/").status_code == 404
    found = client.get("/api/portal/help?q=sofa&language=en").json()
    assert [a["code"] for a in found] == ["returns"]
    assert client.get("/api/portal/help/returns?language=lt").json()["title"] == "Sofos grąžinimas"
    assert client.get("/api/portal/help/secret").status_code == 404
    assert client.get("/api/portal/help?language=xx").status_code == 422
    assert client.get("/api/portal/help?q=" + "x" * 300).status_code == 422


def test_suggestions_while_writing_and_who_helped_themselves(company, articles):
    ContactFactory(customer=company.customer, value="ruta@example.lt")
    client = Client()
    sign_in(client, "ruta@example.lt")
    form = client.get("/portal/requests/new/").content.decode()
    assert "help_suggest" in form or "/portal/help/suggest/" in form
    hint = client.get("/portal/help/suggest/?subject=grąžinti+sofą").content.decode()
    assert 'data-testid="help-suggestions"' in hint and "?from=request" in hint
    client.get("/portal/help/returns/?from=request")
    view = ArticleView.objects.get()
    assert view.suggested and view.customer == company.customer
    since = timezone.now() - timedelta(days=1)
    assert selectors.self_service(since=since).helped == 1
    client.post("/portal/requests/new/", {"subject": "Grąžinimas", "body": "Vis tiek noriu"})
    assert Request.objects.filter(customer=company.customer).exists()
    counted = selectors.self_service(since=since)
    assert (counted.read, counted.helped) == (1, 0)
