"""What customers see: their requests, orders, answers and settings, in their language;
the sign-in by link or code; the contact form (also embeddable on a company's site)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from clientfocus.core.errors import ServiceError
from clientfocus.core.views import client_address
from clientfocus.customers import services as customers
from clientfocus.orders.models import Order
from clientfocus.portal import services
from clientfocus.service import attachments
from clientfocus.service.attachments import IncomingFile
from clientfocus.service.models import Attachment, Category, MessageKind, Queue, Request
from clientfocus.service.selectors import answer_promise, promise_for_new, recent_first_response
from clientfocus.voice.models import FeedbackItem


def customer_required(view):
    """Signed-in customers only (else the sign-in page); pages speak their language."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        customer = services.signed_in_customer(request.session)
        if customer is None:
            return redirect(f"{reverse('portal:home')}?next={request.get_full_path()}")
        request.customer = customer  # type: ignore[attr-defined]
        with translation.override(customer.language or "en"):
            return view(request, *args, **kwargs)

    return wrapped


def _files(request: HttpRequest) -> list[IncomingFile]:
    return attachments.from_uploads(request.FILES.getlist("files"))


def _load(request: HttpRequest, reference: str):
    try:
        return services.request_of(request.customer, reference)  # type: ignore[attr-defined]
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


# -- start, sign-in -------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    customer = services.signed_in_customer(request.session)
    if customer is not None:
        return redirect("portal:requests")
    return render(
        request,
        "portal/start.html",
        {
            "form_token": services.form_token(),
            "categories": Category.objects.all(),
            "next": request.GET.get("next", ""),
        },
    )


@require_POST
def login(request: HttpRequest) -> HttpResponse:
    try:
        started = services.start_login(
            email=request.POST.get("email", ""), address=client_address(request)
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("portal:home")
    request.session[services.SESSION_PENDING] = started.login_id
    return redirect("portal:code")


def code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(services.SESSION_PENDING)
    if not pending:
        return redirect("portal:home")
    if request.method == "POST":
        try:
            customer = services.verify_code(login_id=pending, code=request.POST.get("code", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            services.sign_in(request.session, customer)
            return redirect(_safe_next(request.POST.get("next", "")))
    return render(request, "portal/code.html", {})


def link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links; they do not press buttons)."""
    if request.method == "POST":
        try:
            customer = services.use_link(token=token)
        except ServiceError as exc:
            return render(request, "portal/link.html", {"problem": exc.message}, status=410)
        services.sign_in(request.session, customer)
        return redirect("portal:requests")
    if not services.link_is_usable(token):
        return render(
            request,
            "portal/link.html",
            {"problem": _("This sign-in link has expired or was already used.")},
            status=410,
        )
    return render(request, "portal/link.html", {})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    services.sign_out(request.session)
    return redirect("portal:home")


def _safe_next(target: str) -> str:
    if target.startswith("/portal/") and not target.startswith("//"):
        return target
    return reverse("portal:requests")


# -- requests -------------------------------------------------------------------------------


@customer_required
def requests_page(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    rows = list(
        services.requests_of(customer).select_related("customer").order_by("-created_at")[:100]
    )
    for row in rows:
        row.promise = answer_promise(row)  # type: ignore[attr-defined]
    return render(request, "portal/requests.html", {"rows": rows, "customer": customer})


@customer_required
def request_page(request: HttpRequest, reference: str) -> HttpResponse:
    target = _load(request, reference)
    conversation = (
        target.messages.exclude(kind=MessageKind.NOTE)
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    return render(
        request,
        "portal/request.html",
        {
            "req": target,
            "conversation": conversation,
            "promise": answer_promise(target),
            "customer": request.customer,  # type: ignore[attr-defined]
            "zone": request.customer.timezone,  # type: ignore[attr-defined]
        },
    )


@require_POST
@customer_required
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    target = _load(request, reference)
    try:
        message = services.reply(
            customer=request.customer,  # type: ignore[attr-defined]
            request=target,
            body=request.POST.get("body", ""),
            files=_files(request),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("portal:request", reference=target.reference)
    messages.success(request, _("Your message was added."))
    return redirect("portal:request", reference=message.request.reference)


@require_POST
@customer_required
def close(request: HttpRequest, reference: str) -> HttpResponse:
    target = _load(request, reference)
    try:
        services.close(customer=request.customer, request=target)  # type: ignore[attr-defined]
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Closed. Write to it again if anything is still wrong."))
    return redirect("portal:request", reference=target.reference)


@customer_required
def attachment(request: HttpRequest, reference: str, file_id) -> FileResponse:
    target = _load(request, reference)
    found = (
        Attachment.objects.filter(public_id=file_id, message__request=target)
        .exclude(message__kind=MessageKind.NOTE)
        .first()
    )
    if found is None:
        raise Http404
    return attachments.response(found)


@customer_required
def new_request(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            created = services.open_request(
                customer=customer,
                subject=request.POST.get("subject", ""),
                body=request.POST.get("body", ""),
                category=request.POST.get("category") or None,
                files=_files(request),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you. We have your request %(reference)s.")
                             % {"reference": created.reference})  # fmt: skip
            return redirect("portal:request", reference=created.reference)
    promise = promise_for_new(tier=customer.tier)

    queue = Queue.default()
    recent = recent_first_response(queue_id=queue.pk, tier_id=customer.tier_id) if queue else {}
    return render(
        request,
        "portal/new_request.html",
        {
            "categories": Category.objects.all(),
            "promise": promise,
            "recent": recent,
            "customer": customer,
            "values": request.POST,
        },
    )


# -- orders, answers, settings --------------------------------------------------------------


@customer_required
def orders(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    rows = (
        Order.objects.filter(customer=customer)
        .prefetch_related("milestones")
        .order_by("-placed_at")[:50]
    )
    return render(
        request,
        "portal/orders.html",
        {"orders": rows, "notifications": services.notifications_of(customer)},
    )


@customer_required
def answers(request: HttpRequest) -> HttpResponse:

    customer = request.customer  # type: ignore[attr-defined]
    items = FeedbackItem.objects.filter(customer=customer).order_by("-created_at")[:100]
    return render(request, "portal/answers.html", {"items": items})


@customer_required
def profile(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            customers.update_own_preferences(
                customer=customer,
                language=request.POST.get("language", customer.language),
                timezone=request.POST.get("timezone", customer.timezone),
                preferred_channel=request.POST.get("preferred_channel", ""),
                consent_email=request.POST.get("consent_email") == "on",
                consent_sms=request.POST.get("consent_sms") == "on",
                consent_marketing=request.POST.get("consent_marketing") == "on",
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            with translation.override(customer.language):
                messages.success(request, _("Saved."))
            return redirect("portal:profile")
    return render(
        request,
        "portal/profile.html",
        {"customer": customer, "languages": settings.LANGUAGES},
    )


# -- contact form ---------------------------------------------------------------------------


def _contact(request: HttpRequest, template: str) -> HttpResponse:
    sent: Request | str | None = None
    status = 200
    if request.method == "POST":
        try:
            services.check_form(
                token=request.POST.get("form_token", ""),
                honeypot=request.POST.get("website", ""),
                address=client_address(request),
            )
            sent = services.submit_contact(
                name=request.POST.get("name", ""),
                email=request.POST.get("email", ""),
                text=request.POST.get("text", ""),
                category=request.POST.get("category") or None,
                files=_files(request),
                language=translation.get_language() or "en",
            )
        except services.Spam:
            sent = "quiet"  # a bot is thanked like a person and nothing is kept
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = 422
    promise = None
    if isinstance(sent, Request):
        promise = answer_promise(sent)
    return render(
        request,
        template,
        {
            "sent": sent,
            "promise": promise,
            "form_token": services.form_token(),
            "categories": Category.objects.all(),
            "values": request.POST if sent is None else {},
            "now": timezone.now(),
        },
        status=status,
    )


def contact(request: HttpRequest) -> HttpResponse:
    return _contact(request, "portal/contact.html")


@xframe_options_exempt
def embed_contact(request: HttpRequest) -> HttpResponse:
    """The contact form alone, for a frame on the company's own site (``?lang=lt``)."""
    language = request.GET.get("lang", "")
    if language not in {code for code, _ in settings.LANGUAGES}:
        language = translation.get_language() or "en"
    with translation.override(language):
        answer = _contact(request, "portal/embed_contact.html")
    answer["Content-Security-Policy"] = f"frame-ancestors {settings.PORTAL_EMBED_ORIGINS}"
    return answer


def embed_script(request: HttpRequest) -> HttpResponse:
    """`<script src=".../portal/embed.js" data-lang="lt"></script>` puts the form in a frame."""
    url = request.build_absolute_uri(reverse("portal:embed_contact"))
    body = render(request, "portal/embed.js", {"url": url}, content_type="text/javascript")
    body["Cache-Control"] = "public, max-age=3600"
    return body
