"""Agent-facing pages: the queue, a request, the new-request form, notices."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.extensions import panels_for
from clientfocus.customers.models import Customer
from clientfocus.customers.services import create_customer
from clientfocus.people.access import employee_required
from clientfocus.people.models import Department, Role
from clientfocus.people.selectors import department_of, role_of
from clientfocus.service import attachments as attachment_files
from clientfocus.service import services
from clientfocus.service.extensions import (
    assignment_warnings,
    message_parts,
    queue_annotators,
    request_panels,
)
from clientfocus.service.models import (
    Attachment,
    Category,
    Channel,
    MessageKind,
    Priority,
    Queue,
    Request,
    State,
)
from clientfocus.service.permissions import (
    can_file_external_requests,
    can_handle_request,
    can_see_request,
    is_requester_side,
    queues_visible_to,
)
from clientfocus.service.selectors import (
    notices_for,
    queue_counts,
    request_detail,
    request_list,
)

QUEUE_PAGE_SIZE = 50


@employee_required
def queue(request: HttpRequest) -> HttpResponse:
    """Active requests, soonest due first: mine, or a queue of my department."""
    view = request.GET.get("view", "mine")
    queues = list(queues_visible_to(request.user))
    selected_queue = None
    if view == "mine":
        requests = request_list(request.user, assignee="me", active_only=True)
    elif view == "unassigned":
        requests = request_list(request.user, assignee="none", active_only=True)
    elif view == "breached":
        requests = request_list(request.user, breached=True, active_only=True)
    else:
        try:
            selected_queue = next(q for q in queues if str(q.pk) == request.GET.get("queue"))
        except StopIteration:
            selected_queue = None
        requests = request_list(
            request.user, queue_id=selected_queue.pk if selected_queue else None, active_only=True
        )
        view = "queue" if selected_queue else "all"
    shown = list(requests[:QUEUE_PAGE_SIZE])
    for annotate in queue_annotators:
        annotate(shown)
    context = {
        "requests": shown,
        "view": view,
        "queues": queues,
        "selected_queue": selected_queue,
        "page_size": QUEUE_PAGE_SIZE,
    }
    template = (
        "service/_queue_table.html" if request.headers.get("HX-Request") else "service/queue.html"
    )
    return render(request, template, context)


@employee_required
def queue_tab_counts(request: HttpRequest) -> HttpResponse:
    """The tab counts, fetched by the queue page after it has shown the requests."""
    return render(request, "service/_queue_counts.html", {"counts": queue_counts(request.user)})


def _load(request: HttpRequest, reference: str) -> Request:
    try:
        return request_detail(request.user, reference)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _assignable_users(target: Request):
    return (
        get_user_model()
        .objects.filter(is_active=True, employee__department_id=target.queue.department_id)
        .exclude(
            employee__role=Role.DEPARTMENT_STAFF if not target.requesting_department_id else ""
        )
        .order_by("first_name", "username")
    )


@employee_required
def request_page(request: HttpRequest, reference: str) -> HttpResponse:
    """The whole conversation, the clocks, and what the agent can do next."""
    target = _load(request, reference)
    handler = can_handle_request(request.user, target)
    context = {
        "req": target,
        "can_handle": handler,
        "requester_side": is_requester_side(request.user, target),
        "states": [
            (s, label)
            for s, label in State.choices
            if s in services.ALLOWED_TRANSITIONS[target.state]
        ],
        "assignable": _assignable_users(target) if handler else [],
        "queues": queues_visible_to(request.user) if handler else [],
        "message_kinds": MessageKind,
        "message_parts": list(message_parts),
        "panels": panels_for(request_panels, request, req=target),
    }
    return render(request, "service/request.html", context)


@employee_required
def request_clock(request: HttpRequest, reference: str) -> HttpResponse:
    """The clocks panel alone (htmx polls it so the time left stays current)."""
    return render(request, "service/_clocks.html", {"req": _load(request, reference)})


def _act(request: HttpRequest, target: Request, action: Callable[[], object]) -> HttpResponse:
    """Run a service action from a form and go back to the request: a refused rule
    becomes a message on the page, a forbidden action a 403."""
    try:
        action()
    except ServiceError as exc:
        messages.error(request, exc.message)
    except NotAllowed as exc:
        return HttpResponse(str(exc), status=403)
    return redirect(reverse("service:request", args=[target.reference]))


@require_POST
@employee_required
def post_message(request: HttpRequest, reference: str) -> HttpResponse:
    target = _load(request, reference)
    kind = request.POST.get("kind", MessageKind.REPLY)
    body = request.POST.get("body", "")
    then_state = request.POST.get("then_state", "")

    def write() -> None:
        files = attachment_files.from_uploads(request.FILES.getlist("files"))
        if kind == MessageKind.CUSTOMER:
            if not (
                can_handle_request(request.user, target) or is_requester_side(request.user, target)
            ):
                raise NotAllowed(_("You may not write on this request."))
            services.receive_customer_message(
                request=target, body=body, actor=request.user, attachments=files
            )
            return
        services.add_message(
            request=target, actor=request.user, body=body, kind=kind, attachments=files
        )
        if kind == MessageKind.REPLY and then_state:
            services.change_state(request=target, actor=request.user, state=then_state)

    return _act(request, target, write)


@employee_required
def attachment(request: HttpRequest, reference: str, file_id) -> FileResponse:
    """A file on a message, for those who may see the request (404 for anyone else)."""
    target = _load(request, reference)
    found = Attachment.objects.filter(public_id=file_id, message__request=target).first()
    if found is None:
        raise Http404
    return attachment_files.response(found)


@require_POST
@employee_required
def post_state(request: HttpRequest, reference: str) -> HttpResponse:
    target = _load(request, reference)
    state = request.POST.get("state", "")
    return _act(
        request,
        target,
        lambda: services.change_state(request=target, actor=request.user, state=state),
    )


@require_POST
@employee_required
def post_time(request: HttpRequest, reference: str) -> HttpResponse:
    target = _load(request, reference)
    try:
        minutes = int(request.POST.get("minutes", ""))
    except ValueError:
        minutes = 0
    note = request.POST.get("note", "")
    return _act(
        request,
        target,
        lambda: services.log_time(request=target, actor=request.user, minutes=minutes, note=note),
    )


@require_POST
@employee_required
def post_assign(request: HttpRequest, reference: str) -> HttpResponse:
    target = _load(request, reference)
    username = request.POST.get("assignee", "")
    assignee = None
    if username == "__me__":
        assignee = request.user
    elif username:
        assignee = get_user_model().objects.filter(username=username).first()
        if assignee is None:
            messages.error(request, _("Unknown user."))
            return redirect(reverse("service:request", args=[target.reference]))
    queue = None
    if request.POST.get("queue"):
        queue = queues_visible_to(request.user).filter(pk=request.POST["queue"]).first()

    def assign() -> None:
        services.assign_request(request=target, actor=request.user, assignee=assignee, queue=queue)
        for warning in assignment_warnings(target, assignee):
            messages.warning(request, warning)

    return _act(request, target, assign)


class NewRequestForm(forms.Form):
    customer = forms.UUIDField(required=False, widget=forms.HiddenInput)
    new_customer_name = forms.CharField(
        label=gettext_lazy("New caller's name"), required=False, max_length=200
    )
    new_customer_phone = forms.CharField(label=gettext_lazy("Phone"), required=False, max_length=40)
    new_customer_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    requesting_department = forms.ModelChoiceField(
        label=gettext_lazy("Requesting department (internal request)"),
        queryset=Department.objects.all(),
        required=False,
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=250)
    body = forms.CharField(
        label=gettext_lazy("What the customer said"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[c for c in Channel.choices if c[0] != Channel.INTERNAL],
        initial=Channel.PHONE,
    )
    queue = forms.ModelChoiceField(
        label=gettext_lazy("Queue"),
        queryset=Queue.objects.none(),
        required=False,
        empty_label=gettext_lazy("Route by category, else my department"),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.all(), required=False
    )
    assign_to_me = forms.BooleanField(
        label=gettext_lazy("Assign to me"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        queue_field = cast(forms.ModelChoiceField, self.fields["queue"])
        department_field = cast(forms.ModelChoiceField, self.fields["requesting_department"])
        queue_field.queryset = Queue.objects.select_related("department").order_by(
            "department__name", "name"
        )
        own = department_of(user)
        if role_of(user) == Role.DEPARTMENT_STAFF:
            department_field.queryset = Department.objects.filter(pk=getattr(own, "pk", 0))
            self.fields["body"].label = gettext_lazy("Details")
            self.fields["requesting_department"].initial = getattr(own, "pk", None)
            self.fields["requesting_department"].required = True
            self.fields["assign_to_me"].initial = False

    def clean(self):
        data = super().clean() or {}
        has_customer = bool(data.get("customer") or data.get("new_customer_name"))
        if data.get("requesting_department") is None and not has_customer:
            raise forms.ValidationError(
                _("Pick a customer, enter a new caller's name, or choose a requesting department.")
            )
        if data.get("requesting_department") is not None and has_customer:
            raise forms.ValidationError(
                _("An internal request has no external customer: clear one of them.")
            )
        return data


@employee_required
def new_request(request: HttpRequest) -> HttpResponse:
    """Log a phone call (or any contact) in a few keystrokes: find or add the caller,
    a subject, what they said."""
    initial = {}
    preset_customer = None
    if request.GET.get("customer"):
        preset_customer = Customer.objects.filter(public_id=request.GET["customer"]).first()
        if preset_customer:
            initial["customer"] = preset_customer.public_id
    form = NewRequestForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer = None
            if data.get("customer"):
                customer = (
                    Customer.objects.select_related("tier")
                    .filter(public_id=data["customer"])
                    .first()
                )
                if customer is None:
                    raise ServiceError("customer", _("Unknown customer."))
            elif data.get("new_customer_name"):
                if not can_file_external_requests(request.user):
                    raise NotAllowed(_("Department staff file internal requests only."))
                customer = create_customer(
                    actor=request.user,
                    name=data["new_customer_name"],
                    phones=[data["new_customer_phone"]] if data.get("new_customer_phone") else [],
                    emails=[data["new_customer_email"]] if data.get("new_customer_email") else [],
                    language=request.LANGUAGE_CODE or "en",
                )
            created = services.open_request(
                actor=request.user,
                customer=customer,
                requesting_department=data.get("requesting_department"),
                subject=data["subject"],
                body=data.get("body", ""),
                priority=data["priority"],
                channel=data["channel"],
                queue=data.get("queue"),
                category=data.get("category"),
                assignee=request.user if data.get("assign_to_me") else None,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(reference)s opened.") % {"reference": created.reference})
            if can_see_request(request.user, created):
                return redirect(reverse("service:request", args=[created.reference]))
            # Routed to a queue the author does not work: back to where they came from.
            if created.customer is not None:
                return redirect(reverse("customers:record", args=[created.customer.public_id]))
            return redirect(reverse("service:queue"))
    return render(
        request, "service/new_request.html", {"form": form, "preset_customer": preset_customer}
    )


@employee_required
def notices(request: HttpRequest) -> HttpResponse:
    items = list(notices_for(request.user))
    return render(request, "service/notices.html", {"notices": items})


@require_POST
@employee_required
def notices_read(request: HttpRequest) -> HttpResponse:
    services.mark_notices_read(user=request.user)
    return redirect("service:notices")
