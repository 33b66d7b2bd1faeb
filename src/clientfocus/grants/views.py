"""Grant pages: granting from the customer record or a request, the waiting grants an
employee may decide, the limits (administrators), and the report that says whether
empowerment pays (managers), which exports to CSV."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.filters import int_param, parse_uuid
from clientfocus.core.spreadsheets import csv_text
from clientfocus.customers.models import Customer, Tier
from clientfocus.grants import selectors, services
from clientfocus.grants.models import Grant, GrantLimit, Kind
from clientfocus.grants.permissions import can_grant, can_see_report, can_set_limits
from clientfocus.people.access import employee_required
from clientfocus.people.models import Role
from clientfocus.service.selectors import request_detail


@require_POST
@employee_required
def give(request: HttpRequest, public_id: str) -> HttpResponse:
    """Grant from the record or from a request (``reference``); back where it came from."""
    uid = parse_uuid(public_id)
    customer = (
        Customer.objects.select_related("tier").filter(public_id=uid).first() if uid else None
    )
    if customer is None or not can_grant(request.user):
        raise Http404
    req = None
    reference = request.POST.get("reference", "")[:40]
    if reference:
        try:
            req = request_detail(request.user, reference)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
    try:
        made = services.grant(
            actor=request.user,
            customer=customer,
            kind=request.POST.get("kind", ""),
            amount=request.POST.get("amount", "").replace(",", ".")[:20],
            reason=request.POST.get("reason", ""),
            request=req,
            fee_code=request.POST.get("fee_code", ""),
            currency=request.POST.get("currency", "EUR")[:3],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    except NotAllowed as exc:
        return HttpResponse(str(exc), status=403)
    else:
        if made.state == "approved":
            messages.success(request, _("Granted."))
        else:
            messages.warning(
                request,
                _("Above your limit (%(why)s): waiting for approval.") % {"why": made.exceeds},
            )
    if req is not None:
        return redirect("service:request", reference=req.reference)
    return redirect("customers:record", customer.public_id)


@employee_required
def pending(request: HttpRequest) -> HttpResponse:
    if not can_grant(request.user):
        raise Http404
    return render(request, "grants/pending.html", {"grants": services.pending_for(request.user)})


@require_POST
@employee_required
def decide(request: HttpRequest, grant_id: int) -> HttpResponse:
    found = Grant.objects.filter(pk=grant_id).first()
    if found is None or not can_grant(request.user):
        raise Http404
    try:
        services.decide(
            actor=request.user,
            grant=found,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    return redirect("grants:pending")


@employee_required
def limits(request: HttpRequest) -> HttpResponse:
    if not can_see_report(request.user):
        raise Http404
    if request.method == "POST":
        if not can_set_limits(request.user):
            raise Http404
        tier = Tier.objects.filter(code=request.POST.get("tier", "")[:30]).first()
        try:
            services.set_limit(
                actor=request.user,
                role=request.POST.get("role", ""),
                kind=request.POST.get("kind", ""),
                tier=tier,
                per_grant=request.POST.get("per_grant", "").strip() or None,
                per_customer=request.POST.get("per_customer", "").strip() or None,
                period_days=int_param(request.POST, "period_days", 0, low=0, high=100_000),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("grants:limits")
    rows = GrantLimit.objects.select_related("tier").order_by("role", "kind", "tier__rank")
    return render(
        request,
        "grants/limits.html",
        {
            "rows": rows,
            "roles": Role.choices,
            "kinds": Kind.choices,
            "tiers": Tier.objects.all(),
            "can_set": can_set_limits(request.user),
        },
    )


@employee_required
def report(request: HttpRequest) -> HttpResponse:
    if not can_see_report(request.user):
        raise Http404
    days = int_param(request.GET, "days", 180, low=1, high=3650)
    found = selectors.report_of_last(days, now=timezone.now())
    if request.GET.get("format") == "csv":
        header = selectors.KIND_TIER_FIELDS
        rows = [[row[k] for k in header] for row in found.kind_tier_rows()]
        response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="grants.csv"'
        return response
    return render(
        request, "grants/report.html", {"report": found, "days": days, "kinds": dict(Kind.choices)}
    )
