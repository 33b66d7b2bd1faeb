"""Pages of the voice of the customer: what customers said, what it means, what was done."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clientfocus.core.charts import Chart, Series
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.filters import int_param, parse_day, uuid_param
from clientfocus.customers.models import Customer
from clientfocus.orders.models import Order
from clientfocus.people.access import employee_required
from clientfocus.service.models import Request
from clientfocus.service.permissions import can_see_overview, can_see_request
from clientfocus.voice import selectors, services
from clientfocus.voice.analysis import MAX_CHARS
from clientfocus.voice.models import (
    SCORE_RANGES,
    Alert,
    AlertSubscription,
    ClassifierModel,
    Digest,
    FeedbackItem,
    FollowUp,
    Sentiment,
    Source,
    Theme,
)
from clientfocus.voice.permissions import feedback_visible_to

PAGE = 50


def _manager_only(request: HttpRequest) -> None:
    if not can_see_overview(request.user):
        raise Http404


# -- decision makers --------------------------------------------------------------------------


def _week_chart(key, label, title, axis, overall, weeks, *, low, high, unit) -> Chart:
    """One score per week, each point linking to the answers behind it."""
    feedback_url = reverse("voice:feedback")
    return Chart(
        key=f"voice-{key}",
        title=title,
        x_title=_("Week starting"),
        y_title=axis,
        labels=weeks,
        series=[
            Series(
                label,
                [p[key] for p in overall],
                kind="line",
                links=[f"{feedback_url}?score_kind={key}&week={w}" for w in weeks],
            )
        ],
        y_min=low,
        y_max=high,
        unit=unit,
    )


@employee_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    dimension = request.GET.get("by", "all")
    if dimension not in selectors.DIMENSIONS:
        dimension = "all"
    weeks = int_param(request.GET, "weeks", 12, low=2, high=104)
    data = selectors.dashboard(weeks=weeks, dimension=dimension)
    overall = data["overall"]
    weeks_shown = [date_format(p["week"], "Y-m-d") for p in overall]
    feedback_url = reverse("voice:feedback")
    charts = [
        _week_chart(key, label, title, axis, overall, weeks_shown, low=low, high=high, unit=unit)
        for key, label, title, axis, low, high, unit in (
            ("nps", "NPS", _("Net Promoter Score per week"), _("NPS (−100 to 100)"),
             -100, 100, ""),
            ("csat", "CSAT", _("Customer satisfaction per week"), _("CSAT (satisfied, %)"),
             0, 100, " %"),
            ("ces", "CES", _("Customer effort per week"), _("CES (1 = easy, 7 = hard)"),
             1, 7, ""),
        )
    ]  # fmt: skip
    sentiment = Chart(
        key="voice-sentiment",
        title=_("Negative comments per week"),
        x_title=_("Week starting"),
        y_title=_("Share of comments that are negative (%)"),
        labels=weeks_shown,
        series=[Series(_("Negative"), [
            round(100 * p["negative"] / p["comments"]) if p["comments"] else None for p in overall
        ], links=[f"{feedback_url}?sentiment=negative&week={w}" for w in weeks_shown])],
        y_min=0,
        y_max=100,
        unit=" %",
    )  # fmt: skip
    biggest = max((p["count"] for t in data["themes"] for p in t["points"]), default=0) or 1
    for theme in data["themes"]:
        for p in theme["points"]:
            # At most half strength: the numbers on the darkest cell keep a 6:1 contrast.
            p["shade"] = round(50 * p["count"] / biggest)
    week_ends = [(m, m + timedelta(days=7)) for m in data["weeks"]]
    return render(
        request,
        "voice/dashboard.html",
        {
            "data": data,
            "charts": charts,
            "sentiment_chart": sentiment,
            "week_ends": week_ends,
            "dimension": dimension,
            "dimensions": [
                ("all", _("everyone")),
                ("tier", _("tier")),
                ("segment", _("segment")),
                ("queue", _("queue")),
                ("product_line", _("product line")),
            ],
            "weeks": weeks,
            "alerts": Alert.objects.select_related("theme").exclude(state="closed")[:10],
            "open_follow_ups": FollowUp.objects.filter(state="open").count(),
            "overdue_follow_ups": FollowUp.objects.filter(
                state="open", due_at__lt=timezone.now()
            ).count(),
        },
    )


# -- feedback ---------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict:
    g = request.GET
    week = parse_day(g.get("week", ""))
    start = end = None
    if week:
        zone = timezone.get_current_timezone()
        start = datetime.combine(week, datetime.min.time(), tzinfo=zone)
        end = start + timedelta(days=int_param(g, "days", 7, low=1, high=366))
    customer_id = None
    if g.get("customer"):
        public_id = uuid_param(g, "customer")
        customer_id = (
            Customer.objects.filter(public_id=public_id).values_list("pk", flat=True).first()
            if public_id
            else None
        ) or -1
    return {
        "theme": g.get("theme", ""),
        "sentiment": g.get("sentiment", "") if g.get("sentiment") in Sentiment.values else "",
        "language": g.get("language", "")[:8],
        "source": g.get("source", "") if g.get("source") in Source.values else "",
        "score_kind": g.get("score_kind", "") if g.get("score_kind") in SCORE_RANGES else "",
        "detractors": g.get("detractors") == "1",
        "customer_id": customer_id,
        "dimension": g.get("by", ""),
        "value": g.get("value", ""),
        "start": start,
        "end": end,
        "search": g.get("q", "")[:200],
    }


@employee_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    """Every verbatim, in its own language, with tags anyone can correct in one click."""
    filters = _filters(request)
    items = feedback_visible_to(request.user, selectors.feedback_list(**filters))
    try:
        page = max(0, int(request.GET.get("page", "0")))
    except ValueError:
        page = 0
    rows = list(items[page * PAGE : (page + 1) * PAGE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "voice/feedback_list.html",
        {
            "items": rows[:PAGE],
            "more": len(rows) > PAGE,
            "page": page,
            "query": query.urlencode(),
            "themes": list(Theme.objects.filter(active=True)),
            "filters": filters,
            "sentiments": Sentiment.choices,
        },
    )


@employee_required
def new_feedback(request: HttpRequest) -> HttpResponse:
    """ "A customer told me…" (S19): any employee records what they heard."""
    customer = None
    if request.GET.get("customer") or request.POST.get("customer"):
        ref = request.POST.get("customer") or request.GET.get("customer", "")
        customer = Customer.objects.filter(public_id=ref).first() if len(ref) == 36 else None
    error = ""
    values = {
        "text": "",
        "request_ref": request.GET.get("request", ""),
        "order_id": request.GET.get("order", ""),
    }
    if request.method == "POST":
        values = {
            "text": request.POST.get("text", ""),
            "request_ref": request.POST.get("request_ref", "").strip(),
            "order_id": request.POST.get("order_id", "").strip(),
        }
        try:
            linked_request = order = None
            if values["request_ref"]:
                try:
                    linked_request = Request.objects.by_reference(values["request_ref"])
                except Request.DoesNotExist:
                    linked_request = None
                if linked_request is None or not can_see_request(request.user, linked_request):
                    raise ServiceError("request", _("Unknown request."))
            if values["order_id"]:
                order = Order.objects.filter(order_id=values["order_id"]).first()
                if order is None:
                    raise ServiceError("order", _("Unknown order."))
            item = services.record_feedback(
                text=values["text"],
                source=Source.EMPLOYEE,
                actor=request.user,
                customer=customer,
                request=linked_request,
                order=order,
            )
            if item.truncated:
                messages.warning(
                    request,
                    _("The text was longer than %(max)s characters; the first %(max)s were kept.")
                    % {"max": MAX_CHARS},
                )
            messages.success(request, _("Thank you: the feedback is recorded."))
            if customer is not None:
                return redirect("customers:record", customer.public_id)
            return redirect("voice:feedback")
        except ServiceError as exc:
            error = exc.message
    return render(
        request,
        "voice/new_feedback.html",
        {"customer": customer, "values": values, "error": error, "max_chars": MAX_CHARS},
        status=422 if error else 200,
    )


@employee_required
@require_POST
def correct(request: HttpRequest, item_id: int) -> HttpResponse:
    """One click: toggle a theme, set the sentiment, or confirm the tags (htmx)."""
    item = get_object_or_404(
        feedback_visible_to(request.user, FeedbackItem.objects.all()), pk=item_id
    )
    theme_code = request.POST.get("theme", "")
    sentiment = request.POST.get("sentiment", "")
    try:
        if theme_code:
            theme = get_object_or_404(Theme, code=theme_code)
            present = request.POST.get("present", "1") == "1"
            services.set_theme(item=item, theme=theme, present=present, actor=request.user)
        elif sentiment:
            services.set_sentiment(item=item, sentiment=sentiment, actor=request.user)
        else:
            services.confirm(item=item, actor=request.user)
    except ServiceError as exc:
        return HttpResponse(exc.message, status=422)
    item = selectors.feedback_list().get(pk=item.pk)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "voice/_item.html",
            {
                "item": item,
                "themes": list(Theme.objects.filter(active=True)),
                "sentiments": Sentiment.choices,
            },
        )
    return redirect(request.POST.get("next") or "voice:feedback")


# -- themes -----------------------------------------------------------------------------------


@employee_required
def themes(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    error, editing = "", None
    if request.method == "POST":
        code = request.POST.get("code", "")
        editing = Theme.objects.filter(code=code).first() if code else None
        try:
            services.save_theme(
                actor=request.user,
                theme=editing,
                name=request.POST.get("name", ""),
                code=request.POST.get("new_code", ""),
                keywords=request.POST.get("keywords", ""),
                active=request.POST.get("active") == "on",
            )
            messages.success(request, _("Theme saved."))
            return redirect("voice:themes")
        except (ServiceError, NotAllowed) as exc:
            error = getattr(exc, "message", str(exc))

    return render(
        request,
        "voice/themes.html",
        {
            "themes": Theme.objects.all(),
            "error": error,
            "model": ClassifierModel.objects.defer("blob").first(),
        },
        status=422 if error else 200,
    )


@employee_required
@require_POST
def train(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    model = services.train_classifier()
    messages.success(
        request, _("Classifier trained on %(n)s reviewed comments.") % {"n": model.examples}
    )
    return redirect("voice:themes")


@employee_required
def evaluation(request: HttpRequest) -> HttpResponse:
    """The analyser measured on the held-out set (or the dev set it was tuned on)."""
    _manager_only(request)
    labelled = "dev" if request.GET.get("set") == "dev" else "held-out"
    report = services.evaluation_report(labelled).as_dict()
    languages = [("all", report["overall"]), *report["languages"].items()]
    confusion = [
        (name, label, [figures["confusion"][label][x] for x in ("negative", "neutral", "positive")])
        for name, figures in languages
        for label in ("negative", "neutral", "positive")
    ]
    themes = [
        (code, c.get("tp", 0), c.get("fp", 0), c.get("fn", 0))
        for code, c in report["themes"]["per_theme"].items()
    ]
    return render(
        request,
        "voice/evaluation.html",
        {
            "report": report,
            "language_rows": languages,
            "confusion": confusion,
            "theme_rows": themes,
            "kind_rows": list(report["kinds"].items()),
            "labelled": labelled,
        },
    )


# -- alerts -----------------------------------------------------------------------------------


@employee_required
def alerts(request: HttpRequest) -> HttpResponse:
    """The alerts, and the manager's own subscription (in-app notice and e-mail)."""
    _manager_only(request)

    user_id = cast(int, request.user.pk)
    mine = AlertSubscription.objects.filter(user_id=user_id, theme__isnull=True)
    if request.method == "POST":
        if request.POST.get("subscribe") == "1":
            AlertSubscription.objects.get_or_create(
                user_id=user_id,
                theme=None,
                defaults={"email": request.POST.get("email") == "on"},
            )
        else:
            mine.delete()
        return redirect("voice:alerts")
    return render(
        request,
        "voice/alerts.html",
        {
            "alerts": Alert.objects.select_related("theme", "acted_by")[:200],
            "subscribed": mine.exists(),
        },
    )


@employee_required
def alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    _manager_only(request)
    found = get_object_or_404(Alert.objects.select_related("theme"), pk=alert_id)
    error = ""
    if request.method == "POST":
        try:
            services.act_on_alert(
                alert=found,
                actor=request.user,
                action=request.POST.get("action", ""),
                state=request.POST.get("state", "acknowledged"),
            )
            return redirect("voice:alert", found.pk)
        except (ServiceError, NotAllowed) as exc:
            error = getattr(exc, "message", str(exc))
    return render(
        request,
        "voice/alert.html",
        {
            "alert": found,
            "items": feedback_visible_to(
                request.user, selectors.feedback_list().filter(alerts=found)
            ),
            "error": error,
        },
        status=422 if error else 200,
    )


# -- follow-ups -------------------------------------------------------------------------------


@employee_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    items = FollowUp.objects.select_related("customer", "owner", "item")
    if not can_see_overview(request.user) or request.GET.get("mine"):
        items = items.filter(owner_id=request.user.pk)
    state = request.GET.get("state", "open")
    if state in ("open", "closed"):
        items = items.filter(state=state)
    return render(
        request,
        "voice/follow_ups.html",
        {"follow_ups": items[:200], "state": state, "now": timezone.now()},
    )


@employee_required
def follow_up(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    found = get_object_or_404(
        FollowUp.objects.select_related("customer", "owner", "item"), pk=follow_up_id
    )
    if not services.can_close_follow_up(request.user, found):
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.close_follow_up(
                follow_up=found,
                actor=request.user,
                outcome=request.POST.get("outcome", ""),
                notify_customer=request.POST.get("notify_customer") == "on",
            )
            messages.success(request, _("The loop is closed."))
            return redirect("voice:follow_ups")
        except (ServiceError, NotAllowed) as exc:
            error = getattr(exc, "message", str(exc))
    return render(
        request,
        "voice/follow_up.html",
        {"follow_up": found, "error": error, "now": timezone.now()},
        status=422 if error else 200,
    )


# -- digest -----------------------------------------------------------------------------------


@employee_required
def digest(request: HttpRequest, week: str = "") -> HttpResponse:
    digests = Digest.objects.all()
    if week:
        day = parse_day(week)
        if day is None:
            raise Http404
        digests = digests.filter(week_start=services.week_start_of(day))
    found = digests.first()
    return render(
        request,
        "voice/digest.html",
        {
            "digest": found,
            "weeks": Digest.objects.values_list("week_start", flat=True)[:12],
            "can_build": can_see_overview(request.user),
        },
    )


@employee_required
@require_POST
def build_digest(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    found, _created, sent = services.make_digest(send=request.POST.get("send") == "1")
    if sent:
        messages.success(request, _("Digest sent to %(n)s people.") % {"n": sent})
    return redirect("voice:digest_week", found.week_start.isoformat())


FEEDBACK_LINK_ACTIONS = {
    "send": (
        services.send_feedback_link,
        gettext_lazy("The feedback link is on its way to the customer."),
    ),
    "revoke": (
        services.revoke_feedback_link,
        gettext_lazy("The customer's feedback links no longer work."),
    ),
}


@require_POST
@employee_required
def feedback_link(request: HttpRequest, customer_id, action: str) -> HttpResponse:
    """E-mail the customer their personal feedback link (staff never see it), or revoke
    every link sent so far."""
    if action not in FEEDBACK_LINK_ACTIONS:
        raise Http404
    customer = get_object_or_404(Customer, public_id=customer_id)
    act, done = FEEDBACK_LINK_ACTIONS[action]
    try:
        act(actor=request.user, customer=customer)
    except NotAllowed as exc:
        return HttpResponse(str(exc), status=403)
    messages.success(request, str(done))
    return redirect("customers:record", customer.public_id)


# -- public pages (no login): survey answers and the customer feedback form -------------------
