"""What the customer pays: every service's fees and conditions for their tier, in their
language, and the changes announced for them (S2: no fee surprises anyone)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clientfocus.catalogue import selectors
from clientfocus.portal.views import customer_required


@customer_required
def fees(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    return render(
        request,
        "portal/fees.html",
        {"terms": selectors.terms_for(customer), "now": timezone.now(), "customer": customer},
    )
