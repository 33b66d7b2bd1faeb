"""The fees that apply to the signed-in customer, for their app (the portal session)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from clientfocus.catalogue import selectors
from clientfocus.catalogue.api import TermsOut, terms_out
from clientfocus.portal.api import portal_auth

router = Router(tags=["portal"], auth=portal_auth)


@router.get("/fees", response=list[TermsOut])
def my_fees(request: HttpRequest):
    """Every service's fees for your tier now, and the versions announced for you."""
    return terms_out(selectors.terms_for(request.auth, timezone.now()))  # type: ignore[attr-defined]
