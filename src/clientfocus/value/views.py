"""The value page: where value sits, what serving it costs, how tiers compare (S7, S9, S13)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clientfocus.core.charts import Chart, Series
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.people.access import employee_required
from clientfocus.people.selectors import is_admin
from clientfocus.service.permissions import can_see_overview
from clientfocus.value import selectors, services
from clientfocus.value.models import TierPolicyVersion

EXAMPLE_POLICY = {
    "metric": "lifetime_value_12m",
    "ranks": [{"tier": "platinum", "top_percent": 5}, {"tier": "gold", "top_percent": 20}],
    "floors": [{"tier": "silver", "open_request": True, "above_percentile": 50}],
    "default": "standard",
}


@employee_required
def value_page(request: HttpRequest) -> HttpResponse:
    if not can_see_overview(request.user):
        raise Http404
    histogram = selectors.value_histogram()
    chart = Chart(
        key="value-histogram",
        title=_("How many customers are expected to bring how much over 12 months"),
        x_title=_("Expected value over 12 months (from – to)"),
        y_title=_("Customers"),
        labels=[f"{lo:,.0f} – {hi:,.0f}" for lo, hi, _n in histogram],
        series=[Series(_("Customers"), [n for _lo, _hi, n in histogram])],
        y_min=0,
    )
    grid = selectors.rfm_grid()
    biggest = max((n for row in grid for n in row), default=0) or 1
    return render(
        request,
        "value/value.html",
        {
            "fit": selectors.latest_fit(),
            "segments": selectors.by_segment(),
            "tiers": selectors.by_tier(),
            "tier_counts": selectors.customers_per_tier(),
            "concentration": selectors.revenue_concentration(),
            "grid": [[(n, round(100 * n / biggest)) for n in row] for row in grid],
            "chart": chart,
        },
    )


@employee_required
def tier_policy(request: HttpRequest) -> HttpResponse:
    """Write the tier policy, preview the moves, save it as a version, apply a version."""
    if not can_see_overview(request.user):
        raise Http404
    versions = list(TierPolicyVersion.objects.all()[:20])
    current = next((v for v in versions if v.is_active), versions[0] if versions else None)
    text = json.dumps(current.rules if current else EXAMPLE_POLICY, indent=2)
    preview, error = None, ""
    if request.method == "POST":
        action = request.POST.get("action", "preview")
        text = request.POST.get("rules", "")
        try:
            if action == "apply":
                number = request.POST.get("version", "")
                version = (
                    TierPolicyVersion.objects.filter(version=int(number)).first()
                    if number.isdigit()
                    else None
                )
                if version is None:
                    raise ServiceError("version", _("Unknown policy version."))
                moves = services.apply_tier_policy(actor=request.user, version=version)
                messages.success(
                    request,
                    _("Version %(version)s applied: %(moves)s customers moved.")
                    % {"version": version.version, "moves": len(moves)},
                )
                return redirect("value:tiers")
            try:
                rules = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ServiceError(
                    "rules", _("Not valid JSON: %(error)s") % {"error": exc}
                ) from exc
            if action == "save":
                version = services.save_tier_policy(
                    actor=request.user, rules=rules, note=request.POST.get("note", "")
                )
                messages.success(
                    request, _("Saved as version %(version)s.") % {"version": version.version}
                )
                return redirect("value:tiers")
            preview = services.preview_tier_policy(rules=rules)
        except ServiceError as exc:
            error = exc.message
        except NotAllowed as exc:
            error = str(exc)
    changes = services.summarise_moves(preview or [])
    return render(
        request,
        "value/tiers.html",
        {
            "text": text,
            "versions": versions,
            "preview": (preview or [])[:200],
            "previewed": preview is not None,
            "moves": len(preview or []),
            "changes": changes,
            "error": error,
            "can_change": is_admin(request.user),
        },
        status=422 if error else 200,
    )
