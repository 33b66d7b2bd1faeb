"""Staff resend a failed notification."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.notify.models import Notification
from clientfocus.notify.services import resend
from clientfocus.people.access import employee_required


@require_POST
@employee_required
def resend_view(request: HttpRequest, key) -> HttpResponse:
    notification = Notification.objects.filter(key=key).first()
    if notification is None:
        raise Http404
    resend(notification=notification)
    messages.success(request, _("The notification is queued again."))
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
