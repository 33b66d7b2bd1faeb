"""Manager overview: per tier and per queue, load and target attainment with a chart."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from clientfocus.core.charts import Chart, Series
from clientfocus.insights.selectors import Overview, service_overview
from clientfocus.people.access import employee_required
from clientfocus.service.permissions import can_see_overview, requests_visible_to


def attainment_chart(figures: Overview) -> Chart:
    rows = figures.by_queue
    return Chart(
        key="attainment",
        title=_("Targets met by queue, last 7 and 30 days"),
        x_title=_("Queue"),
        y_title=_("Requests within target (%)"),
        labels=[row.label for row in rows],
        series=[
            Series(_("First response, 7 d"), [row.first_response_7 for row in rows]),
            Series(_("First response, 30 d"), [row.first_response_30 for row in rows]),
            Series(_("Resolution, 7 d"), [row.resolution_7 for row in rows]),
            Series(_("Resolution, 30 d"), [row.resolution_30 for row in rows]),
        ],
        y_min=0,
        y_max=100,
        unit=" %",
    )


@employee_required
def overview(request: HttpRequest) -> HttpResponse:
    if not can_see_overview(request.user):
        raise Http404
    figures = service_overview(requests_visible_to(request.user))
    return render(
        request,
        "insights/overview.html",
        {"overview": figures, "chart": attainment_chart(figures)},
    )
