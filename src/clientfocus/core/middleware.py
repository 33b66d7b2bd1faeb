"""Show times in the reader's own time zone (the browser reports it in a cookie), send
the Content-Security-Policy with every page, spare token calls to the API the
browser-only middleware, and pick the language without Django's URL-prefix checks when
no URL has a language prefix."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from importlib import import_module
from typing import cast

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string

TIMEZONE_COOKIE = "cf_tz"
_VALID = zoneinfo.available_timezones()


class BrowserTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.COOKIES.get(TIMEZONE_COOKIE, "")
        if name in _VALID:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """CONTENT_SECURITY_POLICY on every response that does not set its own (attachments
    are sandboxed, the embeddable contact form names the sites that may frame it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class TokenApiMiddleware:
    """Calls to the API that carry a bearer token skip the middleware only browsers need
    (settings.BROWSER_ONLY_MIDDLEWARE: static files, the session and its user, CSRF,
    flash messages); the token authenticates in the API itself. Every other middleware
    after this one in settings.MIDDLEWARE runs for them as for any request, in the same
    order. (A tenth of a request creation's CPU.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        names = settings.MIDDLEWARE
        after = names[names.index(f"{__name__}.{type(self).__name__}") + 1 :]
        self.sessions = import_module(settings.SESSION_ENGINE).SessionStore
        self.lean = _Chain([name for name in after if name not in settings.BROWSER_ONLY_MIDDLEWARE])

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path_info.startswith("/api/")
            and request.headers.get("Authorization", "").lower().startswith("bearer ")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            # What the skipped middleware would have found without a session cookie: an
            # empty session (never saved; made only if something asks for it) and nobody
            # signed in, until the token names the user.
            request.session = cast(SessionBase, SimpleLazyObject(self.sessions))
            request.user = AnonymousUser()
            return self.lean.chain(request)  # type: ignore[return-value]
        return self.get_response(request)


class _Chain(BaseHandler):
    """A handler running the view behind the given middleware (as Django's own handler
    builds its chain from settings.MIDDLEWARE; synchronous middleware only)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self._view_middleware: list = []
        self._template_response_middleware: list = []
        self._exception_middleware: list = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for name in reversed(names):
            try:
                middleware = import_string(name)(handler)
            except MiddlewareNotUsed:  # it opts out at start-up, as in Django's own chain
                continue
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self.chain = handler


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware. Where no URL carries a language prefix (no
    ``i18n_patterns``, as here), the language comes from the cookie or Accept-Language
    and Django's look-ups of the path's first segment as a language, made twice per
    request, change nothing: they are left out. With prefixed URLs, Django's own."""

    def process_request(self, request: HttpRequest) -> None:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if is_language_prefix_patterns_used(urlconf)[0]:
            super().process_request(request)
            return
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if is_language_prefix_patterns_used(urlconf)[0]:
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
