"""What the catalogue adds below it: the fees that apply to a customer on their record
and on their requests, complaints linked to fees as the voice engine tags them, and its
nightly job. Wired in ``CatalogueConfig.ready()``."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from clientfocus.catalogue import selectors, services
from clientfocus.catalogue.permissions import can_edit_catalogue, can_see_catalogue
from clientfocus.catalogue.tasks import catalogue_daily
from clientfocus.core.events import subscribe
from clientfocus.core.extensions import Panel
from clientfocus.core.scheduler import PeriodicJob, periodic_jobs
from clientfocus.customers.extensions import record_panels
from clientfocus.customers.models import Customer
from clientfocus.service.extensions import request_panels
from clientfocus.service.models import Request
from clientfocus.voice.events import FeedbackThemed


def customer_fees(request: HttpRequest, *, customer: Customer) -> dict | None:
    if not can_see_catalogue(request.user):
        return None
    return {
        "terms": selectors.terms_for(customer),
        "can_edit_catalogue": can_edit_catalogue(request.user),
        "now": timezone.now(),
    }


def request_fees(request: HttpRequest, *, req: Request) -> dict | None:
    if req.customer_id is None or not can_see_catalogue(request.user):
        return None
    return {"terms": selectors.terms_for(req.customer), "now": timezone.now()}


def on_feedback_themed(event: FeedbackThemed) -> None:
    services.link(event.item, event.themes)


def wire() -> None:
    subscribe(FeedbackThemed, on_feedback_themed)
    periodic_jobs.contribute(
        "catalogue.daily",
        PeriodicJob("catalogue.daily", 86400, catalogue_daily.enqueue),
        order=65,
    )
    record_panels.contribute(
        "catalogue.fees", Panel("catalogue/_customer_panel.html", customer_fees), order=25
    )
    request_panels.contribute(
        "catalogue.fees", Panel("catalogue/_request_panel.html", request_fees, region="side")
    )
