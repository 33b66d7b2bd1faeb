"""The order page: every department sees where an order is (S25)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from clientfocus.core.errors import ServiceError
from clientfocus.core.extensions import panels_for
from clientfocus.orders.extensions import order_panels
from clientfocus.orders.models import Milestone, Order
from clientfocus.orders.services import record_milestone
from clientfocus.people.access import employee_required


def _when(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        raise ServiceError("occurred_at", _("Not a date and time: %(value)s") % {"value": value})
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return moment


@employee_required
def order_page(request: HttpRequest, order_id: str) -> HttpResponse:
    order = (
        Order.objects.select_related("customer")
        .prefetch_related("milestones", "lines")
        .filter(order_id=order_id)
        .first()
    )
    if order is None:
        raise Http404
    if request.method == "POST":
        try:
            new_date = request.POST.get("new_date", "").strip()
            record_milestone(
                order=order,
                kind=request.POST.get("kind", ""),
                window_start=_when(request.POST.get("window_start", "")),
                window_end=_when(request.POST.get("window_end", "")),
                new_date=date.fromisoformat(new_date) if new_date else None,
                courier_phone=request.POST.get("courier_phone", ""),
                note=request.POST.get("note", ""),
                source="staff",
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("The new date must be YYYY-MM-DD."))
        return redirect("orders:page", order_id=order.order_id)
    return render(
        request,
        "orders/order.html",
        {
            "order": order,
            "kinds": Milestone.choices,
            "panels": panels_for(order_panels, request, order=order),
        },
    )
