"""Erasure on request, legal holds and retention in the UI (administrators; others get
404, as for any object they may not see)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clientfocus.core.errors import ServiceError
from clientfocus.customers.models import Customer, Erasure
from clientfocus.customers.permissions import can_export_customers
from clientfocus.customers.privacy import (
    MAX_REASON,
    MAX_RETENTION_DAYS,
    erase_customer,
    retention_cutoff,
    retention_policy,
    retention_preview,
    set_legal_hold,
    set_retention,
)
from clientfocus.people.access import employee_required

RECENT_ERASURES = 50


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=MAX_REASON, required=False)


class EraseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=MAX_REASON)
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this cannot be undone"), required=True
    )


class RetentionForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Keep personal text for (days, 0 = until erased on request)"),
        min_value=0,
        max_value=MAX_RETENTION_DAYS,
    )


def _admin_customer(request: HttpRequest, customer_id) -> Customer:
    if not can_export_customers(request.user):
        raise Http404
    customer = Customer.objects.filter(public_id=customer_id).first()
    if customer is None:
        raise Http404
    return customer


def _errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


@require_POST
@employee_required
def erase(request: HttpRequest, customer_id) -> HttpResponse:
    customer = _admin_customer(request, customer_id)
    form = EraseForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
    else:
        try:
            erasure = erase_customer(
                customer, actor=request.user, reason=form.cleaned_data["reason"], via="page"
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Erased: %(removed)s.")
                % {"removed": ", ".join(f"{v} {k}" for k, v in erasure.removed.items()) or "—"},
            )
    return redirect(reverse("customers:record", args=[customer.public_id]))


@require_POST
@employee_required
def legal_hold(request: HttpRequest, customer_id) -> HttpResponse:
    customer = _admin_customer(request, customer_id)
    form = ReasonForm(request.POST)
    hold = request.POST.get("hold") == "1"
    if not form.is_valid():
        _errors(request, form)
    else:
        try:
            set_legal_hold(customer, actor=request.user, hold=hold,
                           reason=form.cleaned_data["reason"])  # fmt: skip
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Legal hold set.") if hold else _("Legal hold lifted."))
    return redirect(reverse("customers:record", args=[customer.public_id]))


@employee_required
def privacy(request: HttpRequest) -> HttpResponse:
    """Retention period, what the next run will anonymise, the last run and erasures."""
    if not can_export_customers(request.user):
        raise Http404
    policy = retention_policy()
    form = RetentionForm(request.POST or None, initial={"days": policy.days})
    if request.method == "POST" and form.is_valid():
        try:
            set_retention(form.cleaned_data["days"], actor=request.user)
        except ServiceError as exc:
            form.add_error("days", exc.message)
        else:
            messages.success(request, _("Retention saved."))
            return redirect(reverse("customers:privacy"))
    erasures = Erasure.objects.select_related("customer", "actor")[:RECENT_ERASURES]
    return render(
        request,
        "customers/privacy.html",
        {
            "form": form,
            "policy": policy,
            "cutoff": retention_cutoff(policy),
            "pending": retention_preview(policy),
            "erasures": erasures,
            "holds": Customer.objects.filter(legal_hold=True).order_by("name")[:200],
        },
    )
