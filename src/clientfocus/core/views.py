"""Login (throttled), logout, home and health check."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from clientfocus.core.throttle import clear_failures, is_locked, record_failure


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies, the
    address the outermost trusted proxy saw in CLIENT_IP_HEADER (the entries to its left
    are the client's own claims and are not believed)."""
    header = settings.CLIENT_IP_HEADER
    if header and settings.TRUSTED_PROXY_COUNT > 0:
        chain = [p.strip() for p in request.META.get(header, "").split(",") if p.strip()]
        if chain:
            return chain[max(len(chain) - settings.TRUSTED_PROXY_COUNT, 0)][:64]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class ThrottleMixin:
    """Refuse a sign-in while its user and address (or the address) are locked."""

    request: HttpRequest | None

    def clean(self):
        username = self.cleaned_data.get("username") or ""  # type: ignore[attr-defined]
        address = client_address(self.request) if self.request else "unknown"
        if is_locked(username, address):
            raise forms.ValidationError(
                _("Too many failed sign-in attempts. Wait 15 minutes and try again."),
                code="throttled",
            )
        try:
            cleaned = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            record_failure(username, address)
            raise
        clear_failures(username, address)
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    """The admin's sign-in, throttled the same way as the staff sign-in."""


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """The staff sign-in form with throttling."""


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def home(request: HttpRequest) -> HttpResponse:
    return redirect("service:queue")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links."""
    return redirect(static("clientfocus/favicon.svg"), permanent=True)


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 for a request Django refused before any view (a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host): the API answers in JSON like everywhere
    else, pages with Django's page."""
    if request.path.startswith("/api/"):
        too_big = isinstance(exception, RequestDataTooBig | TooManyFieldsSent)
        return JsonResponse(
            {"detail": "the request is too large" if too_big else "bad request"}, status=400
        )
    return defaults.bad_request(request, exception)
