"""Staff resend a failed notification."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.customers.selectors import search_customers
from clientfocus.notify.models import Notification, NotificationRule
from clientfocus.notify.permissions import can_resend, notifications_visible_to
from clientfocus.notify.services import preview_rule, resend
from clientfocus.people.access import employee_required
from clientfocus.service.permissions import can_see_overview


@require_POST
@employee_required
def resend_view(request: HttpRequest, key) -> HttpResponse:
    visible = notifications_visible_to(request.user, Notification.objects.all())
    notification = visible.filter(key=key).first()
    if notification is None or not can_resend(request.user, notification):
        raise Http404
    resend(notification=notification)
    messages.success(request, _("The notification is queued again."))
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@employee_required
def rules_page(request: HttpRequest) -> HttpResponse:
    """Rules with a preview of what one customer would receive (administrators and
    managers; rules are written in the admin)."""

    if not can_see_overview(request.user):
        raise Http404
    rules = list(NotificationRule.objects.prefetch_related("templates", "tiers"))
    preview, error, customer = None, "", None
    rule_id, query = request.GET.get("rule", ""), request.GET.get("customer", "").strip()
    if rule_id and query:
        rule = next((r for r in rules if str(r.pk) == rule_id), None)
        customer = search_customers(query, limit=1).first()
        if rule is None:
            error = _("Unknown rule.")
        elif customer is None:
            error = _("No customer matches %(query)s.") % {"query": query}
        else:
            try:
                preview = preview_rule(rule=rule, customer=customer)
            except ValueError as exc:
                error = str(exc)
    return render(
        request,
        "notify/rules.html",
        {
            "rules": rules,
            "preview": preview,
            "error": error,
            "customer": customer,
            "rule_id": rule_id,
            "query": query,
        },
    )
