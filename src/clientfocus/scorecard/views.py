"""Scorecard pages: the level reached and what holds it back (company and departments),
thresholds (administrators), payback, the reports per product line, tier and segment, and
the order cycle; each downloads as CSV, XLSX or PDF."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.core.charts import Chart, Series
from clientfocus.core.documents import FORMATS, download
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.people.access import employee_required
from clientfocus.people.selectors import department_of
from clientfocus.scorecard import exports, figures, levels, selectors, services
from clientfocus.scorecard.labels import NAMES
from clientfocus.scorecard.models import Subscription, Threshold
from clientfocus.scorecard.permissions import (
    can_see_order_cycle,
    can_see_reports,
    can_see_scope,
    can_tune,
    is_lead,
    shows_value,
)


def _month(request: HttpRequest) -> date | None:
    text = request.GET.get("month", "")[:10]
    if not text:
        return None
    try:
        return services.parse_month(text)
    except ServiceError:
        return None


def _trend_chart(card: selectors.Card) -> Chart:
    shares = [x for x in card.lines if x.unit == "share"]
    return Chart(
        key="trend",
        title=_("The last 12 months"),
        x_title=_("month"),
        y_title=_("share, %"),
        labels=[f"{m:%Y-%m}" for m in card.months],
        series=[
            Series(x.name, [None if v is None else round(100 * v, 1) for v in x.history], "line")
            for x in shares[:6]
        ],
        y_min=0,
        y_max=100,
        unit=" %",
    )


@employee_required
def scorecard(request: HttpRequest, scope: str = "") -> HttpResponse:
    if not scope and not is_lead(request.user):
        department = department_of(request.user)
        if department is None:
            raise Http404
        return redirect("scorecard:department", scope=department.code)
    if not can_see_scope(request.user, scope):
        raise Http404
    card = selectors.card(request.user, month=_month(request), scope=scope)
    if scope and not card.scope_name:
        raise Http404
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return download(
            exports.card_document(card), fmt, f"scorecard-{scope or 'company'}-{card.month:%Y-%m}"
        )
    context = {
        "card": card,
        "chart": _trend_chart(card),
        "departments": selectors.department_levels(card.month) if is_lead(request.user) else [],
        "subscribed": Subscription.objects.filter(user_id=request.user.pk or 0).exists(),
        "is_lead": is_lead(request.user),
        "can_tune": can_tune(request.user),
        "formats": FORMATS,
    }
    return render(request, "scorecard/scorecard.html", context)


@require_POST
@employee_required
def subscription(request: HttpRequest) -> HttpResponse:
    try:
        if request.POST.get("subscribe") == "1":
            services.subscribe(user=request.user)
            messages.success(request, _("You will receive the scorecard by e-mail each month."))
        else:
            services.unsubscribe(user=request.user)
            messages.success(request, _("You will no longer receive the monthly scorecard."))
    except NotAllowed as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("scorecard:scorecard")


@employee_required
def thresholds(request: HttpRequest) -> HttpResponse:
    if not is_lead(request.user):
        raise Http404
    if request.method == "POST":
        if not can_tune(request.user):
            return HttpResponse(_("Only administrators tune the thresholds."), status=403)
        code = request.POST.get("code", "")[:40]
        try:
            if request.POST.get("reset"):
                services.reset_threshold(actor=request.user, code=code)
            else:
                raw = request.POST.get("value", "").replace(",", ".").strip()[:20]
                criterion = levels.BY_CODE.get(code)
                number = float(raw) if raw else float("nan")
                if criterion is not None and criterion.unit == "share" and number > 1:
                    number = number / 100  # typed as a percentage
                services.set_threshold(actor=request.user, code=code, value=number)
            messages.success(request, _("Threshold saved."))
        except ValueError:
            messages.error(request, _("Give the threshold as a number."))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("scorecard:thresholds")
    tuned = {t.code: t for t in Threshold.objects.select_related("changed_by")}
    rows = [
        {
            "criterion": c,
            "name": NAMES[c.code],
            "level": c.level,
            "default": c.default,
            "current": tuned[c.code].value if c.code in tuned else c.default,
            "tuned": tuned.get(c.code),
            "percent": c.unit == "share",
        }
        for c in levels.CRITERIA
    ]
    return render(
        request, "scorecard/thresholds.html", {"rows": rows, "can_tune": can_tune(request.user)}
    )


@employee_required
def payback(request: HttpRequest) -> HttpResponse:
    if not can_see_reports(request.user):
        raise Http404
    month, data, final = selectors.figures_of("payback", _month(request))
    with_value = shows_value(request.user)
    document = exports.payback_document(data, month, with_value=with_value)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return download(document, fmt, f"payback-{month:%Y-%m}")
    table = document.tables[0]
    return render(request, "scorecard/table_page.html", {
        "document": document, "table": table, "month": month, "final": final,
        "measured": bool(data), "formats": FORMATS, "page": "payback",
        "chart": table.chart,
    })  # fmt: skip


@employee_required
def report(request: HttpRequest) -> HttpResponse:
    if not can_see_reports(request.user):
        raise Http404
    dimension = request.GET.get("by", "product_line")
    if dimension not in figures.DIMENSIONS:
        dimension = "product_line"
    month, data, final = selectors.figures_of(dimension, _month(request))
    document = exports.report_document(data, month, with_value=shows_value(request.user))
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return download(document, fmt, f"report-{dimension}-{month:%Y-%m}")
    table = document.tables[0]
    return render(request, "scorecard/table_page.html", {
        "document": document, "table": table, "month": month, "final": final,
        "measured": bool(data), "formats": FORMATS, "page": "report",
        "dimension": dimension, "dimensions": figures.DIMENSIONS, "chart": table.chart,
    })  # fmt: skip


@employee_required
def order_cycle(request: HttpRequest) -> HttpResponse:
    if not can_see_order_cycle(request.user):
        raise Http404
    month, data, final = selectors.figures_of("order_cycle", _month(request))
    document = exports.order_cycle_document(data, month)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return download(document, fmt, f"order-cycle-{month:%Y-%m}")
    table = document.tables[0]
    return render(request, "scorecard/table_page.html", {
        "document": document, "table": table, "month": month, "final": final,
        "measured": bool(data), "formats": FORMATS, "page": "order_cycle",
        "chart": table.chart,
    })  # fmt: skip
