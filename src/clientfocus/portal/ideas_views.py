"""The ideas portal for customers: listed ideas, what is similar while they type, their
vote and how much it matters to them, comments, the outcome and its message; and the
one-click unsubscribe from an idea's news (no sign-in: the signed link is the key)."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.core.errors import ServiceError
from clientfocus.core.filters import int_param
from clientfocus.core.views import client_address
from clientfocus.ideas import selectors
from clientfocus.ideas import services as ideas
from clientfocus.ideas.models import Idea, Importance, Mute, Status, Visibility, Vote
from clientfocus.ideas.permissions import ideas_for_customer
from clientfocus.portal import services
from clientfocus.portal.views import customer_required

PAGE = 30


def _idea(request: HttpRequest, public_id) -> Idea:
    try:
        return ideas_for_customer(request.customer).get(public_id=public_id)  # type: ignore[attr-defined]
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@customer_required
def idea_list(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    query = request.GET.get("q", "")[:300].strip()
    product_line = request.GET.get("product_line", "")[:60]
    page = int_param(request.GET, "page", 1, low=1, high=1000)
    shown = selectors.customer_listing(
        customer, query=query, product_line=product_line, offset=(page - 1) * PAGE, limit=PAGE
    )
    mine = set(selectors.votes_of(customer, shown))
    return render(
        request,
        "portal/ideas.html",
        {
            "ideas": shown,
            "mine": mine,
            "query": query,
            "product_line": product_line,
            "product_lines": selectors.product_lines(),
            "page": page,
            "has_next": not query and len(shown) == PAGE,
            "customer": customer,
        },
    )


@customer_required
def new_idea(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    values = request.POST if request.method == "POST" else {}
    error = ""
    if request.method == "POST":
        try:
            services.check_form(
                token=request.POST.get("form_token", ""),
                honeypot=request.POST.get("website", ""),
                address=client_address(request),
            )
            idea = ideas.submit_idea(
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                product_line=request.POST.get("product_line", ""),
                customer=customer,
            )
            if idea.visibility == Visibility.HELD:
                messages.success(
                    request, _("Thank you! Your idea will appear once we have read it.")
                )
            else:
                messages.success(request, _("Thank you! Your idea is published with your vote."))
            return redirect("portal:idea", public_id=idea.public_id)
        except services.Spam:
            # Answered as if accepted: a bot learns nothing.
            messages.success(request, _("Thank you! Your idea will appear once we have read it."))
            return redirect("portal:ideas")
        except ServiceError as exc:
            error = exc.message
    return render(
        request,
        "portal/new_idea.html",
        {
            "customer": customer,
            "values": values,
            "error": error,
            "form_token": services.form_token(),
            "product_lines": selectors.product_lines(),
        },
        status=422 if error else 200,
    )


@customer_required
def similar_ideas(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("title", "")[:300] + " " + request.GET.get("description", "")[:500]
    customer = request.customer  # type: ignore[attr-defined]
    found = selectors.similar(text, customer.language) if text.strip() else []
    return render(request, "ideas/_similar.html", {"ideas": found, "staff": False})


@customer_required
def idea_page(request: HttpRequest, public_id) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    idea = _idea(request, public_id)
    if idea.merged_into_id is not None and idea.merged_into.is_listed:  # type: ignore[union-attr]
        messages.info(request, _("This idea was merged with another one; your vote went with it."))
        return redirect("portal:idea", public_id=idea.merged_into.public_id)  # type: ignore[union-attr]
    comments = idea.comments.filter(Q(hidden_reason="")).select_related("author")
    return render(
        request,
        "portal/idea.html",
        {
            "idea": idea,
            "vote": Vote.objects.filter(idea=idea, customer=customer).first(),
            "muted": Mute.objects.filter(idea=idea, customer=customer).exists(),
            "history": idea.history.all(),
            "comments": comments,
            "importances": Importance.choices,
            "customer": customer,
            "open": idea.status not in (Status.SHIPPED, Status.DECLINED),
        },
    )


@customer_required
@require_POST
def idea_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    idea = _idea(request, public_id)
    try:
        if action == "vote":
            ideas.vote(idea=idea, customer=customer, importance=request.POST.get("importance", ""))
            messages.success(request, _("Your vote is counted."))
        elif action == "unvote":
            ideas.unvote(idea=idea, customer=customer)
            messages.success(request, _("Your vote is withdrawn."))
        elif action == "comment":
            ideas.comment(idea=idea, text=request.POST.get("text", ""), customer=customer)
            messages.success(request, _("Comment added."))
        elif action == "mute":
            ideas.unsubscribe(idea=idea, customer=customer)
            messages.success(request, _("You will not hear about this idea again."))
        elif action == "unmute":
            ideas.resubscribe(idea=idea, customer=customer)
            messages.success(request, _("You will hear about this idea again."))
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("portal:idea", public_id=idea.public_id)


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an idea's news: GET shows one button (a link scanner's visit changes
    nothing), POST unsubscribes from that idea only."""
    try:
        idea, customer = ideas.from_unsubscribe_token(token)
    except (signing.BadSignature, ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    with translation.override(customer.language or "en"):
        done = False
        if request.method == "POST":
            ideas.unsubscribe(idea=idea, customer=customer)
            done = True
        return render(request, "portal/idea_unsubscribe.html", {"idea": idea, "done": done})
