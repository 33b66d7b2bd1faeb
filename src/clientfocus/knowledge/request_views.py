"""What an agent does with knowledge on a request: tick a playbook's steps, insert a
reply template into the reply box, and turn a well-rated answer into a draft."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.knowledge import services
from clientfocus.knowledge.models import ReplyTemplate, Step, TemplateState
from clientfocus.knowledge.wiring import guide_context
from clientfocus.people.access import employee_required
from clientfocus.service.models import Request
from clientfocus.service.selectors import request_detail

MAX_BODY = 100_000


def _request(request: HttpRequest, reference: str) -> Request:
    try:
        return request_detail(request.user, reference[:40])
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@require_POST
@employee_required
def tick(request: HttpRequest, reference: str, step_id: int) -> HttpResponse:
    """Tick or untick a step; htmx gets the playbook card back, a form the page."""
    req = _request(request, reference)
    step = Step.objects.select_related("playbook").filter(pk=step_id).first()
    if step is None:
        raise Http404
    try:
        services.tick(actor=request.user, req=req, step=step, done=request.POST.get("done") != "0")
    except NotAllowed:
        return HttpResponse(_("You may not work on this request."), status=403)
    except ServiceError as exc:
        return HttpResponse(exc.message, status=422)
    if request.headers.get("HX-Request"):
        context = guide_context(request, req=req) or {}
        return render(request, "knowledge/_playbooks.html", {**context, "req": req})
    return redirect("service:request", reference=req.reference)


@require_POST
@employee_required
def insert(request: HttpRequest, reference: str) -> HttpResponse:
    """The reply box with the chosen template added to what was already written."""
    req = _request(request, reference)
    code = request.POST.get("template", "")[:80]
    body = request.POST.get("body", "")[:MAX_BODY]
    template = ReplyTemplate.objects.filter(code=code, state=TemplateState.PUBLISHED).first()
    if template is None:
        return HttpResponse(_("Unknown template."), status=404)
    try:
        text = services.render(actor=request.user, template=template, req=req)
    except NotAllowed:
        return HttpResponse(_("You may not answer this request."), status=403)
    joined = f"{body.rstrip()}\n\n{text}" if body.strip() else text
    return render(request, "knowledge/_reply_body.html", {"body": joined})


@require_POST
@employee_required
def learn(request: HttpRequest, reference: str) -> HttpResponse:
    req = _request(request, reference)
    try:
        made = services.draft_from(actor=request.user, req=req, into=request.POST.get("into", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("service:request", reference=req.reference)
    messages.success(
        request, _("Draft %(code)s made; a manager will review it.") % {"code": made.code}
    )
    if isinstance(made, ReplyTemplate):
        return redirect("service:request", reference=req.reference)
    return redirect("knowledge:article", code=made.code)
