"""Staff pages of the service catalogue: every service with the version in effect, the
next announced one and complaints per fee; a service with its versions and who was told;
the draft editor (texts one language at a time, fee lines per tier); publishing with
its preview (what rises for which tier, how many customers are told, the earliest
start); the customers told of a version, and the complaints that name a fee."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.catalogue import selectors, services
from clientfocus.catalogue.models import Service, Unit, Version, VersionState
from clientfocus.catalogue.permissions import can_edit_catalogue, can_see_catalogue
from clientfocus.catalogue.services.editing import MAX_FEES
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.filters import int_param, parse_day
from clientfocus.customers.models import Tier
from clientfocus.people.access import employee_required

LANGUAGES = [code for code, _name in settings.LANGUAGES]
NOTICE_PAGE = 100
EMPTY_ROWS = 3


def _service(request: HttpRequest, code: str) -> Service:
    if not can_see_catalogue(request.user):
        raise Http404
    try:
        return Service.objects.get(code=code[:60])
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _editor(request: HttpRequest) -> None:
    if not can_edit_catalogue(request.user):
        raise Http404


def _language(request: HttpRequest) -> str:
    language = request.GET.get("lang") or request.POST.get("lang") or request.LANGUAGE_CODE
    return language if language in LANGUAGES else "en"


@employee_required
def service_list(request: HttpRequest) -> HttpResponse:
    if not can_see_catalogue(request.user):
        raise Http404
    found = selectors.published(Service.objects.all())
    drafts = set(
        Version.objects.filter(state=VersionState.DRAFT).values_list("service_id", flat=True)
    )
    complaints = selectors.complaints_per_fee(request.user)
    now = timezone.now()
    rows = []
    announced_versions = []
    for service in found:
        current = selectors.in_effect(service, now)
        upcoming = [v for v in service.timeline if v.valid_from and v.valid_from > now]  # type: ignore[attr-defined]
        announced_versions += upcoming
        latest = service.timeline[-1] if service.timeline else None  # type: ignore[attr-defined]
        per_fee = {code: n for (s, code), n in complaints.items() if s == service.pk}
        rows.append(
            {
                "service": service,
                "current": current,
                "latest": latest,
                "upcoming": upcoming,
                "draft": service.pk in drafts,
                "complaints": sum(n["recent"] for n in per_fee.values()),
                "complaints_total": sum(n["total"] for n in per_fee.values()),
            }
        )
    figures = selectors.notice_figures(announced_versions)
    for row in rows:
        row["upcoming"] = [(v, figures.get(v.pk)) for v in row["upcoming"]]
    return render(
        request,
        "catalogue/list.html",
        {"rows": rows, "can_edit": can_edit_catalogue(request.user), "now": now},
    )


@employee_required
def new_service(request: HttpRequest) -> HttpResponse:
    _editor(request)
    values: dict = {"code": "", "product_line": "", "names": {}}
    if request.method == "POST":
        names = {code: request.POST.get(f"name_{code}", "") for code in LANGUAGES}
        values = {
            "code": request.POST.get("code", "")[:100],
            "product_line": request.POST.get("product_line", "")[:100],
            "names": names,
        }
        try:
            draft = services.create_service(
                actor=request.user,
                code=values["code"],
                names=names,
                product_line=values["product_line"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Service created: add its fees, then publish it."))
            return redirect("catalogue:draft", draft.service.code)
    return render(
        request, "catalogue/new.html", {"values": values, "ui_languages": settings.LANGUAGES}
    )


@employee_required
def service_page(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(request, code)
    [service] = selectors.published(Service.objects.filter(pk=service.pk))
    now = timezone.now()
    current = selectors.in_effect(service, now)
    versions = list(
        service.versions.order_by("-number").select_related("published_by").prefetch_related("fees")
    )
    figures = selectors.notice_figures([v for v in versions if v.raises])
    complaints = selectors.complaints_per_fee(request.user, service)
    fee_codes = sorted({f.code for v in versions for f in v.fees.all()})
    has_draft = any(v.is_draft for v in versions)
    recent = (
        selectors.complaints_visible_to(request.user, service.complaints.all())
        .select_related("item")
        .order_by("-created_at")[:10]
    )
    return render(
        request,
        "catalogue/service.html",
        {
            "service": service,
            "current": current,
            "versions": [(v, figures.get(v.pk)) for v in versions],
            "complaints": [(c, complaints.get((service.pk, c), {})) for c in fee_codes],
            "recent": recent,
            "can_edit": can_edit_catalogue(request.user),
            "has_draft": has_draft,
            "now": now,
        },
    )


def _rows_from_post(post, existing: list[dict], language: str) -> list[dict]:
    """The fee lines of the editor: the texts typed in ``language`` merged into what the
    line holds in the other languages."""
    rows = []
    count = int_param(post, "rows", 0, low=0, high=MAX_FEES + EMPTY_ROWS)
    for index in range(count):
        prefix = f"fee-{index}-"
        if post.get(prefix + "delete"):
            continue
        code = post.get(prefix + "code", "").strip()
        if not code and index >= len(existing):
            continue
        before = existing[index] if index < len(existing) else {}
        row = {
            "code": code,
            "tier": post.get(prefix + "tier") or None,
            "amount": post.get(prefix + "amount", "").strip(),
            "currency": post.get(prefix + "currency", "").strip(),
            "unit": post.get(prefix + "unit", ""),
        }
        for key, field in (("names", "name"), ("triggers", "trigger"), ("free", "free")):
            merged = dict(before.get(key) or {})
            merged[language] = post.get(prefix + field, "")[:2000]
            row[key] = merged
        rows.append(row)
    return rows


@employee_required
def draft(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(request, code)
    _editor(request)
    language = _language(request)
    version = service.versions.filter(state=VersionState.DRAFT).first()
    if version is None:
        # A new draft only on purpose (the "Change" button posts), never by looking.
        if request.method != "POST":
            return redirect("catalogue:service", service.code)
        version = services.draft_of(actor=request.user, service=service)
    if request.POST.get("start"):
        return redirect(f"{reverse('catalogue:draft', args=[service.code])}?lang={language}")
    rows = services.fee_rows(version)
    if request.method == "POST":
        if request.POST.get("discard"):
            services.discard_draft(actor=request.user, version=version)
            messages.success(request, _("Draft discarded."))
            if not Service.objects.filter(pk=service.pk).exists():
                return redirect("catalogue:list")
            return redirect("catalogue:service", service.code)
        posted = _rows_from_post(request.POST, rows, language)

        def merged(field: str, current: dict) -> dict:
            return {**current, language: request.POST.get(field, "")[:6000]}

        try:
            services.save_draft(
                actor=request.user,
                version=version,
                names=merged("name", version.names),
                descriptions=merged("description", version.descriptions),
                change_note=merged("change_note", version.change_note),
                fees=posted,
                product_line=request.POST.get("product_line", "")[:100],
            )
        except ServiceError as exc:
            messages.error(request, f"{exc.field}: {exc.message}")
            rows = posted
        else:
            messages.success(request, _("Draft saved."))
            target = (
                "catalogue:publish" if request.POST.get("next") == "publish" else "catalogue:draft"
            )
            return redirect(f"{reverse(target, args=[service.code])}?lang={language}")
    shown = [
        {
            **row,
            "name": (row.get("names") or {}).get(language, ""),
            "trigger": (row.get("triggers") or {}).get(language, ""),
            "free_text": (row.get("free") or {}).get(language, ""),
        }
        for row in rows
    ] + [{"code": "", "tier": None, "amount": "", "currency": "EUR", "unit": "order"}] * EMPTY_ROWS
    return render(
        request,
        "catalogue/draft.html",
        {
            "service": service,
            "version": version,
            "language": language,
            "ui_languages": settings.LANGUAGES,
            "rows": shown,
            "tiers": Tier.objects.all(),
            "units": Unit.choices,
            "name": version.names.get(language, ""),
            "description": version.descriptions.get(language, ""),
            "change_note": version.change_note.get(language, ""),
        },
    )


def _moment(value: str, field: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    day = parse_day(value)
    if day is None:
        raise ServiceError(field, _("A date like 2027-01-31."))
    return timezone.make_aware(datetime.combine(day, time.min))


@employee_required
def publish(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(request, code)
    _editor(request)
    version = service.versions.filter(state=VersionState.DRAFT).first()
    if version is None:
        messages.info(request, _("There is no draft to publish."))
        return redirect("catalogue:service", service.code)
    plan = services.preview(version)
    if request.method == "POST":
        try:
            lead = request.POST.get("lead_days", "").strip()
            if lead and not lead.isdigit():
                raise ServiceError("lead_days", _("A whole number of days."))
            version, queued, unreachable = services.publish(
                actor=request.user,
                version=version,
                valid_from=_moment(request.POST.get("valid_from", ""), "valid_from"),
                valid_to=_moment(request.POST.get("valid_to", ""), "valid_to"),
                lead_days=int(lead[:5]) if lead else None,
            )
        except (ServiceError, NotAllowed) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        else:
            messages.success(
                request,
                _(
                    "Version %(n)d published; %(q)d customers are being told, "
                    "%(u)d could not be reached."
                )
                % {"n": version.number, "q": queued, "u": unreachable},
            )
            return redirect("catalogue:service", service.code)
    # A start picked as a day begins at midnight: the first whole day after the notice.
    local = timezone.localtime(plan.earliest)
    first_day = local.date() if local.time() == time.min else local.date() + timedelta(days=1)
    return render(
        request,
        "catalogue/publish.html",
        {"service": service, "version": version, "plan": plan, "first_day": first_day},
    )


@employee_required
def notices(request: HttpRequest, code: str, number: int) -> HttpResponse:
    service = _service(request, code)
    version = service.versions.filter(number=number, state=VersionState.PUBLISHED).first()
    if version is None:
        raise Http404
    state = request.GET.get("state", "")
    state = state if state in selectors.NOTICE_FILTERS else ""
    page = Paginator(selectors.notices(version, state), NOTICE_PAGE).get_page(
        int_param(request.GET, "page", 1, low=1, high=100000)
    )
    rows = [(n, selectors.notice_state(n)) for n in page]
    return render(
        request,
        "catalogue/notices.html",
        {
            "service": service,
            "version": version,
            "figures": selectors.notice_figures([version])[version.pk],
            "rows": rows,
            "page": page,
            "state": state,
            "can_edit": can_edit_catalogue(request.user),
        },
    )


@require_POST
@employee_required
def tell_again(request: HttpRequest, code: str, number: int) -> HttpResponse:
    service = _service(request, code)
    _editor(request)
    version = service.versions.filter(number=number, state=VersionState.PUBLISHED).first()
    if version is None:
        raise Http404
    try:
        queued, unreachable = services.tell_again(actor=request.user, version=version)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(q)d more customers are being told; %(u)d still cannot be reached.")
            % {"q": queued, "u": unreachable},
        )
    return redirect("catalogue:notices", service.code, version.number)


@employee_required
def complaints(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(request, code)
    fee = request.GET.get("fee", "")[:60]
    found = selectors.complaints_visible_to(request.user, service.complaints.all())
    if fee:
        found = found.filter(fee_code=fee)
    page = Paginator(found.select_related("item", "item__customer"), 50).get_page(
        int_param(request.GET, "page", 1, low=1, high=100000)
    )
    return render(
        request,
        "catalogue/complaints.html",
        {"service": service, "fee": fee, "page": page},
    )
