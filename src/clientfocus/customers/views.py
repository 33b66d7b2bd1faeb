"""The customer record in the UI: search, record with timeline, create, edit."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.extensions import panels_for
from clientfocus.core.filters import datetime_param
from clientfocus.customers.access import access_log, record_access
from clientfocus.customers.export import export_customer, export_filename
from clientfocus.customers.extensions import customer_timeline, record_panels
from clientfocus.customers.models import AccessAction, ContactKind, Customer, CustomerKind, Tier
from clientfocus.customers.permissions import (
    can_edit_customers,
    can_export_customers,
    can_import_customers,
)
from clientfocus.customers.selectors import customers_with_profile, search_customers
from clientfocus.customers.services import (
    IMPORT_COLUMNS,
    create_customer,
    decode_csv,
    import_customers_csv,
    update_customer,
)
from clientfocus.people.access import employee_required


@employee_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = list(search_customers(query, limit=50))
    template = (
        "customers/_results.html" if request.headers.get("HX-Request") else "customers/search.html"
    )
    return render(request, template, {"query": query, "results": results})


@employee_required
def lookup(request: HttpRequest) -> HttpResponse:
    """Search results as choices for the new-request form (htmx)."""
    query = request.GET.get("customer_query", "").strip()
    results = list(search_customers(query, limit=8)) if len(query) >= 2 else []
    return render(request, "customers/_lookup.html", {"query": query, "results": results})


TIMELINE_PAGE = 100


@employee_required
def record(request: HttpRequest, customer_id) -> HttpResponse:
    """Profile, contacts, tier, owner and one timeline (S18); the cards of the apps above
    (requests, value, feedback, notifications) are their panels."""
    customer = customers_with_profile().filter(public_id=customer_id).first()
    if customer is None:
        raise Http404
    before = datetime_param(request.GET, "before")
    record_access(actor=request.user, customer=customer, action=AccessAction.VIEWED, via="page")
    timeline = customer_timeline(customer, user=request.user, limit=TIMELINE_PAGE, before=before)
    return render(
        request,
        "customers/record.html",
        {
            "customer": customer,
            "panels": panels_for(record_panels, request, customer=customer),
            "timeline": timeline,
            "older": timeline[-1].at.isoformat() if len(timeline) == TIMELINE_PAGE else "",
            "paged": before is not None,
            "can_edit": can_edit_customers(request.user),
            "can_export": can_export_customers(request.user),
        },
    )


class CustomerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CustomerKind.choices)
    emails = forms.CharField(
        label=gettext_lazy("E-mails (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    phones = forms.CharField(
        label=gettext_lazy("Phones (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    language = forms.CharField(label=gettext_lazy("Preferred language"), max_length=8, initial="en")
    country = forms.CharField(
        label=gettext_lazy("Country (ISO code)"), max_length=2, required=False
    )
    timezone = forms.CharField(label=gettext_lazy("Time zone"), max_length=64, initial="UTC")
    tier = forms.ModelChoiceField(
        label=gettext_lazy("Tier"), queryset=Tier.objects.all(), required=False
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=get_user_model()
        .objects.filter(employee__isnull=False, is_active=True)
        .order_by("username"),
        required=False,
    )
    consent_email = forms.BooleanField(
        label=gettext_lazy("May be e-mailed"), required=False, initial=True
    )
    consent_sms = forms.BooleanField(label=gettext_lazy("May receive SMS"), required=False)
    consent_marketing = forms.BooleanField(label=gettext_lazy("Accepts marketing"), required=False)
    preferred_channel = forms.ChoiceField(
        label=gettext_lazy("Preferred channel"),
        required=False,
        choices=[("", "—"), ("email", gettext_lazy("E-mail")), ("sms", gettext_lazy("SMS"))],
    )
    tier_locked = forms.BooleanField(
        label=gettext_lazy("Keep this tier (tier policies do not change it)"), required=False
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["emails"] = [v for v in data["emails"].splitlines() if v.strip()]
        data["phones"] = [v for v in data["phones"].splitlines() if v.strip()]
        return data


def _save(request: HttpRequest, form: CustomerForm, customer: Customer | None) -> Customer | None:
    try:
        values = form.values()
        if customer is None:
            return create_customer(actor=request.user, **values)
        if values.get("tier") is None:
            values.pop("tier")
        return update_customer(customer=customer, actor=request.user, **values)
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    except NotAllowed as exc:
        form.add_error(None, str(exc))
    return None


@employee_required
def create(request: HttpRequest) -> HttpResponse:
    if not can_edit_customers(request.user):
        raise Http404
    form = CustomerForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        customer = _save(request, form, None)
        if customer is not None:
            messages.success(request, _("Customer created."))
            return redirect(reverse("customers:record", args=[customer.public_id]))
    return render(request, "customers/edit.html", {"form": form, "customer": None})


MAX_IMPORT_BYTES = 20 * 1024 * 1024


@employee_required
def import_csv(request: HttpRequest) -> HttpResponse:
    """Managers and administrators import customers from a UTF-8 CSV file; every bad row
    is listed with its line number and reason, the good rows are kept."""
    if not can_import_customers(request.user):
        raise Http404
    report, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a CSV file.")
        elif (upload.size or 0) > MAX_IMPORT_BYTES:
            error = _("The file is larger than 20 MB; use `clientfocus import customers`.")
        else:
            try:
                text = decode_csv(upload.read())
            except ServiceError as exc:
                error = exc.message
            else:
                report = import_customers_csv(text=text, actor=request.user)
    return render(
        request,
        "customers/import.html",
        {"report": report, "error": error, "columns": ", ".join(IMPORT_COLUMNS)},
        status=400 if error else 200,
    )


def _contacts(customer: Customer, kind: str) -> str:
    return "\n".join(c.value for c in customer.contacts.all() if c.kind == kind)


@employee_required
def edit(request: HttpRequest, customer_id) -> HttpResponse:
    customer = customers_with_profile().filter(public_id=customer_id).first()
    if customer is None or not can_edit_customers(request.user):
        raise Http404
    initial = {
        "name": customer.name, "kind": customer.kind, "language": customer.language,
        "country": customer.country, "timezone": customer.timezone, "tier": customer.tier,
        "owner": customer.owner, "consent_email": customer.consent_email,
        "consent_sms": customer.consent_sms, "consent_marketing": customer.consent_marketing,
        "tier_locked": customer.tier_locked,
        "preferred_channel": customer.preferred_channel,
        "notes": customer.notes,
        "emails": _contacts(customer, ContactKind.EMAIL),
        "phones": _contacts(customer, ContactKind.PHONE),
    }  # fmt: skip
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, customer)
        if saved is not None:
            messages.success(request, _("Customer updated."))
            return redirect(reverse("customers:record", args=[customer.public_id]))
    return render(request, "customers/edit.html", {"form": form, "customer": customer})


ACCESS_PAGE = 100


@employee_required
def access(request: HttpRequest) -> HttpResponse:
    """Administrators: who opened or exported which customer record, newest first."""
    filters = {k: request.GET.get(k, "")[:150] for k in ("customer", "actor")}
    before = datetime_param(request.GET, "before")
    try:
        rows = list(
            access_log(
                request.user,
                customer_id=filters["customer"],
                actor_name=filters["actor"],
                before=before,
                limit=ACCESS_PAGE,
            )
        )
    except NotAllowed as exc:
        raise Http404 from exc
    return render(
        request,
        "customers/access.html",
        {
            "rows": rows,
            "filters": filters,
            "older": rows[-1].at.isoformat() if len(rows) == ACCESS_PAGE else "",
            "days": settings.ACCESS_LOG_DAYS,
        },
    )


@require_POST
@employee_required
def export(request: HttpRequest, customer_id) -> FileResponse:
    """Everything held about the customer, as a ZIP (administrators; logged)."""
    if not can_export_customers(request.user):
        raise Http404
    customer = customers_with_profile().filter(public_id=customer_id).first()
    if customer is None:
        raise Http404
    archive = export_customer(customer, actor=request.user, via="export ZIP page")
    return FileResponse(
        archive, as_attachment=True, filename=export_filename(customer),
        content_type="application/zip",
    )  # fmt: skip
