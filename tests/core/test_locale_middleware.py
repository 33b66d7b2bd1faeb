"""The language of an answer: the language cookie, else Accept-Language, else the
default; the answer says which (Content-Language) and that it varies with
Accept-Language. URLs with a language prefix (i18n_patterns) still work as in Django."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from clientfocus.core.middleware import LocaleMiddleware


def test_accept_language_picks_the_language_and_the_answer_says_so(client):
    answer = client.get("/login/", HTTP_ACCEPT_LANGUAGE="lt,en;q=0.5")
    assert answer["Content-Language"] == "lt"
    assert "Accept-Language" in answer["Vary"]
    assert client.get("/login/", HTTP_ACCEPT_LANGUAGE="xx")["Content-Language"] == "en"


def test_the_language_cookie_wins_over_accept_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sl"
    answer = client.get("/login/", HTTP_ACCEPT_LANGUAGE="ru")
    assert answer["Content-Language"] == "sl"


def test_token_calls_to_the_api_take_accept_language_too(company, api_as):
    answer = api_as(company.agent).client.get("/api/requests", HTTP_ACCEPT_LANGUAGE="hi")
    assert answer.status_code == 200 and answer["Content-Language"] == "hi"


def test_prefixed_urls_keep_djangos_behaviour():
    seen = []

    def view(request):
        seen.append(request.LANGUAGE_CODE)
        return HttpResponse(status=404)

    middleware = LocaleMiddleware(view)
    with translation.override("en"):
        request = RequestFactory().get("/ru/hello/")
        request.urlconf = "tests.core.i18n_urls"
        answer = middleware(request)
        assert seen == ["ru"] and answer["Content-Language"] == "ru"
        assert "Vary" not in answer  # the language came from the path
        request = RequestFactory().get("/hello/", HTTP_ACCEPT_LANGUAGE="lt")
        request.urlconf = "tests.core.i18n_urls"
        answer = middleware(request)
        assert answer.status_code == 302 and answer["Location"] == "/lt/hello/"
