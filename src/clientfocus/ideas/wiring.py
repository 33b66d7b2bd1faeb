"""What the ideas app adds below it: its nightly job, its part of erasure, and the ideas
a customer asked for on the customer record. Wired in ``IdeasConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest

from clientfocus.core.extensions import Panel
from clientfocus.core.scheduler import PeriodicJob, periodic_jobs
from clientfocus.customers.extensions import record_panels
from clientfocus.customers.models import Customer
from clientfocus.customers.privacy import erasers
from clientfocus.ideas import privacy
from clientfocus.ideas.models import Idea, Link, Vote
from clientfocus.ideas.permissions import can_act_for_customers, can_see_ideas
from clientfocus.ideas.tasks import ideas_daily
from clientfocus.service.extensions import request_panels
from clientfocus.service.models import Request


def customer_ideas(request: HttpRequest, *, customer: Customer) -> dict | None:
    if not can_see_ideas(request.user):
        return None
    ideas = Idea.objects.filter(
        Q(pk__in=Vote.objects.filter(customer=customer).values("idea"))
        | Q(pk__in=Link.objects.filter(customer=customer).values("idea"))
    ).order_by("-created_at")[:10]
    return {"ideas": list(ideas), "can_act": can_act_for_customers(request.user)}


def request_ideas(request: HttpRequest, *, req: Request) -> dict | None:
    """Ideas that came from this request, and a start for a new one."""
    if req.customer_id is None or not can_see_ideas(request.user):
        return None
    ideas = Idea.objects.filter(pk__in=Link.objects.filter(request=req).values("idea"))
    return {"ideas": list(ideas[:10]), "can_act": can_act_for_customers(request.user)}


def wire() -> None:
    erasers.contribute("ideas", privacy.erase, order=70)
    periodic_jobs.contribute(
        "ideas.daily", PeriodicJob("ideas.daily", 86400, ideas_daily.enqueue), order=60
    )
    record_panels.contribute("ideas", Panel("ideas/_customer_panel.html", customer_ideas), order=20)
    request_panels.contribute(
        "ideas", Panel("ideas/_request_panel.html", request_ideas, region="side"), order=110
    )
