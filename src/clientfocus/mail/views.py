"""The incoming mail that needs a person: failed and held messages, retried in one click."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.core.errors import ServiceError
from clientfocus.mail import services
from clientfocus.mail.models import InboundMail, InboundState, Mailbox
from clientfocus.mail.permissions import can_review_mail
from clientfocus.people.access import employee_required

SHOWN = {"attention": [InboundState.FAILED, InboundState.HELD],
         "ignored": [InboundState.IGNORED], "processed": [InboundState.PROCESSED]}  # fmt: skip


@employee_required
def inbound(request: HttpRequest) -> HttpResponse:
    if not can_review_mail(request.user):
        raise Http404
    view = request.GET.get("show", "attention")
    states = SHOWN.get(view, SHOWN["attention"])
    rows = (
        InboundMail.objects.filter(state__in=states)
        .select_related("mailbox", "request")
        .defer("raw")
        .order_by("-received_at")[:200]
    )
    return render(
        request,
        "mail/inbound.html",
        {"rows": rows, "show": view, "mailboxes": Mailbox.objects.select_related("queue")},
    )


@require_POST
@employee_required
def retry(request: HttpRequest, inbound_id: int) -> HttpResponse:
    if not can_review_mail(request.user):
        raise Http404
    row = get_object_or_404(InboundMail, pk=inbound_id)
    try:
        outcome = services.retry(inbound=row, release=request.POST.get("release") == "1")
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if outcome.action == "failed":
            messages.error(request, _("Failed again: %(reason)s") % {"reason": outcome.reason})
        else:
            messages.success(
                request,
                _("%(action)s %(reference)s")
                % {"action": outcome.action, "reference": outcome.reference or ""},
            )
    return redirect("mail:inbound")
