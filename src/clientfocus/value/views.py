"""The value page: where value sits, what serving it costs, how tiers compare (S7, S9, S13)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clientfocus.people.access import employee_required
from clientfocus.service.permissions import can_see_overview
from clientfocus.value import selectors


@employee_required
def value_page(request: HttpRequest) -> HttpResponse:
    if not can_see_overview(request.user):
        raise Http404
    histogram = selectors.value_histogram()
    tallest = max((n for _, _, n in histogram), default=0) or 1
    grid = selectors.rfm_grid()
    biggest = max((n for row in grid for n in row), default=0) or 1
    return render(
        request,
        "value/value.html",
        {
            "fit": selectors.latest_fit(),
            "segments": selectors.by_segment(),
            "tiers": selectors.by_tier(),
            "concentration": selectors.revenue_concentration(),
            "grid": [[(n, round(100 * n / biggest)) for n in row] for row in grid],
            "histogram": [(lo, hi, n, round(100 * n / tallest)) for lo, hi, n in histogram],
        },
    )
