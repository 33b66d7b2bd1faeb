"""API calls with a bearer token skip the browser-only middleware and nothing else."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.test import Client, override_settings

from clientfocus.core.middleware import TokenApiMiddleware


def _names(handler) -> list[str]:
    return [f"{type(m).__module__}.{type(m).__name__}" for m in handler]


def test_the_lean_chain_is_the_rest_of_the_middleware_less_the_browser_only():
    shortcut = TokenApiMiddleware(lambda request: None)
    after = settings.MIDDLEWARE[settings.MIDDLEWARE.index(
        "clientfocus.core.middleware.TokenApiMiddleware") + 1 :]  # fmt: skip
    kept = [name for name in after if name not in settings.BROWSER_ONLY_MIDDLEWARE]
    assert "django.middleware.common.CommonMiddleware" in kept
    assert "clientfocus.core.input_guard.InputGuardMiddleware" in kept
    chain, seen = shortcut.lean.chain, []
    # Walk the chain: each middleware holds the next as get_response.
    while chain is not None:
        middleware = getattr(chain, "__wrapped__", chain)
        if hasattr(middleware, "get_response"):
            seen.append(f"{type(middleware).__module__}.{type(middleware).__name__}")
        chain = getattr(middleware, "get_response", None)
    assert seen == kept


def test_a_token_call_keeps_the_headers_and_sets_no_browser_cookies(company, api_as):
    api = api_as(company.agent)
    response = api.get("/api/queues")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware, before it
    if settings.CONTENT_SECURITY_POLICY:
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_a_wrong_token_is_refused_not_an_error(company):
    client = Client(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get("/api/queues").status_code == 401
    # An endpoint that reads the customer's session finds an empty one.
    assert client.get("/api/portal/requests").status_code in {401, 403}


def test_a_session_cookie_takes_the_whole_chain(company, web_as):
    """A browser (signed in by its session) that also sends a stale bearer header is
    still recognised by its session, as before the shortcut."""
    client = web_as(company.agent)
    response = client.get("/api/queues", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 200


class _NotNeeded:
    def __init__(self, get_response):
        raise MiddlewareNotUsed


def test_a_middleware_that_opts_out_is_left_out_of_the_lean_chain_too():
    names = [
        "clientfocus.core.middleware.TokenApiMiddleware",
        f"{__name__}._NotNeeded",
        "django.middleware.common.CommonMiddleware",
    ]
    with override_settings(MIDDLEWARE=names):
        shortcut = TokenApiMiddleware(lambda request: None)
    first = shortcut.lean.chain.__wrapped__
    assert type(first).__name__ == "CommonMiddleware"
