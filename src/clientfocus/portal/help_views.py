"""The help centre: public articles in the reader's language, searchable by anyone
(signed in or not), and suggested to customers while they write a new request. A
suggested article opened by a signed-in customer is counted, so the company knows how
many helped themselves instead of waiting for an answer."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from clientfocus.knowledge import selectors
from clientfocus.knowledge.models import ArticleView
from clientfocus.portal import services

LANGUAGES = [code for code, _name in settings.LANGUAGES]
LISTED = 50


def _reader(request: HttpRequest):
    """(customer or None, language): the signed-in customer's language, else ?lang=,
    else the browser's."""
    customer = services.signed_in_customer(request.session)
    wanted = request.GET.get("lang", "")
    if wanted in LANGUAGES:
        return customer, wanted
    if customer is not None and customer.language in LANGUAGES:
        return customer, customer.language
    language = translation.get_language_from_request(request)
    return customer, language if language in LANGUAGES else "en"


def help_centre(request: HttpRequest) -> HttpResponse:
    customer, language = _reader(request)
    query = request.GET.get("q", "").strip()[:200]
    with translation.override(language):
        if query:
            found = selectors.search(query, language, limit=20)
        else:
            found = selectors.newest_public(language, LISTED)
        return render(
            request,
            "portal/help.html",
            {
                "found": found,
                "query": query,
                "customer": customer,
                "help_language": language,
                "help_languages": settings.LANGUAGES,
            },
        )


def help_article(request: HttpRequest, code: str) -> HttpResponse:
    customer, language = _reader(request)
    article = selectors.public_articles().filter(code=code[:80]).first()
    if article is None:
        raise Http404
    text = selectors.text_for(article, language)
    if text is None:
        raise Http404
    ArticleView.objects.create(
        article=article, customer=customer, suggested=request.GET.get("from") == "request"
    )
    with translation.override(language):
        return render(
            request,
            "portal/help_article.html",
            {"article": article, "text": text, "customer": customer, "help_language": language},
        )


def help_suggest(request: HttpRequest) -> HttpResponse:
    """Articles that may answer what the customer is writing (htmx, as they type)."""
    _customer, language = _reader(request)
    text = request.GET.get("subject", "")[:250] + " " + request.GET.get("body", "")[:500]
    found = selectors.search(text, language, limit=5) if text.strip() else []
    with translation.override(language):
        return render(request, "portal/_help_suggest.html", {"found": found})
