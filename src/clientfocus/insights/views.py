"""Manager overview: per tier and per queue, load and target attainment with a chart."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clientfocus.insights.selectors import service_overview
from clientfocus.people.access import employee_required
from clientfocus.service.permissions import can_see_overview, requests_visible_to


@employee_required
def overview(request: HttpRequest) -> HttpResponse:
    if not can_see_overview(request.user):
        raise Http404
    figures = service_overview(requests_visible_to(request.user))
    return render(request, "insights/overview.html", {"overview": figures})
