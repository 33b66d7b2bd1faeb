"""Staff pages of ideas: the ranking (raw and weighted side by side, per tier and
segment), an idea with who asked and its history, adding one for a customer, the
likely duplicates, and the similar ideas shown while typing (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.filters import int_param, parse_uuid
from clientfocus.customers.models import Customer, Tier
from clientfocus.ideas import selectors, services
from clientfocus.ideas.models import (
    NEXT_STATUSES,
    DuplicateCandidate,
    DuplicateState,
    Idea,
    Importance,
    Status,
    Visibility,
)
from clientfocus.ideas.permissions import (
    can_act_for_customers,
    can_decide,
    ideas_visible_to,
    links_visible_to,
)
from clientfocus.people.access import employee_required
from clientfocus.service.permissions import requests_visible_to
from clientfocus.voice.models import FeedbackItem, Theme
from clientfocus.voice.permissions import feedback_visible_to

PAGE = 50


def _idea(request: HttpRequest, public_id) -> Idea:
    try:
        return ideas_visible_to(request.user).get(public_id=public_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _customer(value: str) -> Customer | None:
    key = parse_uuid(value)
    return Customer.objects.filter(public_id=key, erased_at__isnull=True).first() if key else None


@employee_required
def ranking(request: HttpRequest) -> HttpResponse:
    params = request.GET
    sort = params.get("sort", "weighted")
    tier = int_param(params, "tier", 0, low=0, high=2**31 - 1) or None
    segment = params.get("segment", "")[:30]
    product_line = params.get("product_line", "")[:60]
    status = params.get("status", "")
    status = status if status in Status.values else ""
    page = int_param(params, "page", 1, low=1, high=10_000)
    ideas = ideas_visible_to(request.user)
    if not params.get("all"):
        ideas = ideas.filter(visibility=Visibility.PUBLIC)
    rows = selectors.ranking(
        ideas,
        sort=sort,
        tier=tier,
        segment=segment,
        product_line=product_line,
        status=status,
        limit=PAGE,
        offset=(page - 1) * PAGE,
    )
    tiers = list(Tier.objects.order_by("-rank"))
    per_tier = selectors.breakdown([r.idea.pk for r in rows], "tier")
    for row in rows:
        row.tiers = [per_tier[row.idea.pk].get(str(t.pk), (0, 0.0))[0] for t in tiers]  # type: ignore[attr-defined]
    decider = can_decide(request.user)
    return render(
        request,
        "ideas/ranking.html",
        {
            "rows": rows,
            "tiers": tiers,
            "segments": selectors.segments(),
            "product_lines": selectors.product_lines(),
            "statuses": Status.choices,
            "filters": {
                "sort": sort,
                "tier": tier,
                "segment": segment,
                "product_line": product_line,
                "status": status,
            },
            "page": page,
            "has_next": len(rows) == PAGE,
            "loop": selectors.company_loop_figures() if decider else None,
            "held": Idea.objects.filter(visibility=Visibility.HELD).count() if decider else 0,
            "pending_duplicates": DuplicateCandidate.objects.filter(
                state=DuplicateState.PENDING
            ).count()
            if decider
            else 0,
            "can_act": can_act_for_customers(request.user),
        },
    )


@employee_required
def detail(request: HttpRequest, public_id) -> HttpResponse:
    idea = _idea(request, public_id)
    decider = can_decide(request.user)
    voters = list(selectors.voters_of(idea)[:200]) if decider else []
    links = (
        list(
            links_visible_to(request.user, idea.links.all())
            .select_related("customer", "request", "feedback")
            .order_by("-created_at")[:200]
        )
        if decider
        else []
    )
    return render(
        request,
        "ideas/detail.html",
        {
            "idea": idea,
            "history": idea.history.all(),
            "comments": idea.comments.select_related("author", "customer"),
            "moderation": idea.moderation.all() if decider else [],
            "voters": voters,
            "links": links,
            "loop": selectors.loop_figures(Idea.objects.filter(pk=idea.pk)) if decider else None,
            "next_statuses": [(s, Status(s).label) for s in NEXT_STATUSES[idea.status]],
            "importances": Importance.choices,
            "decider": decider,
            "can_act": can_act_for_customers(request.user),
        },
    )


def _act(request: HttpRequest, idea: Idea, action: str) -> str:
    """Carry out one POSTed action on ``idea``; the message to show."""
    post = request.POST
    user = request.user
    if action == "status":
        services.change_status(
            actor=user, idea=idea, status=post.get("status", ""), message=post.get("message", "")
        )
        return _("Status changed; everybody who asked is told of an outcome.")
    if action == "comment":
        services.comment(
            idea=idea, text=post.get("text", ""), actor=user, official=post.get("official") == "on"
        )
        return _("Comment added.")
    if action == "vote":
        customer = _customer(post.get("customer", ""))
        if customer is None:
            raise ServiceError("customer", _("choose a customer"))
        services.vote(
            idea=idea, customer=customer, importance=post.get("importance", ""), actor=user
        )
        return _("Vote recorded for %(name)s.") % {"name": customer.name}
    if action == "moderate":
        services.moderate(
            actor=user, idea=idea, action=post.get("do", ""), reason=post.get("reason", "")
        )
        return _("Saved.")
    if action == "edit":
        services.edit_idea(
            actor=user,
            idea=idea,
            title=post.get("title", ""),
            description=post.get("description", ""),
            product_line=post.get("product_line", ""),
            reason=post.get("reason", ""),
        )
        return _("Saved.")
    if action == "merge":
        key = parse_uuid(post.get("into", "").strip().rstrip("/").rsplit("/", 1)[-1])
        into = Idea.objects.filter(public_id=key).first() if key else None
        if into is None:
            raise ServiceError("into", _("no idea with that link or id"))
        services.merge(actor=user, idea=idea, into=into, reason=post.get("reason", ""))
        return _("Merged.")
    raise Http404


@employee_required
@require_POST
def act(request: HttpRequest, public_id, action: str) -> HttpResponse:
    idea = _idea(request, public_id)
    try:
        messages.success(request, _act(request, idea, action))
    except (ServiceError, NotAllowed) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return redirect("ideas:detail", public_id=idea.public_id)


@employee_required
def new(request: HttpRequest) -> HttpResponse:
    """Add an idea (for a customer, from one of their requests or feedback items)."""
    source = request.POST if request.method == "POST" else request.GET
    customer = _customer(source.get("customer", ""))
    req = feedback = None
    if reference := source.get("request", ""):
        try:
            req = requests_visible_to(request.user).by_reference(reference[:40])
        except ObjectDoesNotExist:
            req = None
        customer = customer or (req.customer if req else None)
    if item_id := int_param(source, "feedback", 0, low=0, high=2**63 - 1):
        feedback = (
            feedback_visible_to(request.user, FeedbackItem.objects.all()).filter(pk=item_id).first()
        )
        customer = customer or (feedback.customer if feedback else None)
    theme = None
    if (code := source.get("theme", "")) and not (req or feedback or customer):
        theme = Theme.objects.filter(code=code[:40], active=True).first()
    error = ""
    if request.method == "POST" and theme is not None:
        try:
            idea, linked = services.idea_from_theme(
                actor=request.user,
                theme=theme,
                title=source.get("title", ""),
                description=source.get("description", ""),
                product_line=source.get("product_line", ""),
            )
            messages.success(
                request,
                _("Idea added; %(n)d customers who raised the theme are linked to it.")
                % {"n": linked},
            )
            return redirect("ideas:detail", public_id=idea.public_id)
        except (ServiceError, NotAllowed) as exc:
            error = getattr(exc, "message", str(exc))
    elif request.method == "POST":
        try:
            idea = services.submit_idea(
                title=source.get("title", ""),
                description=source.get("description", ""),
                product_line=source.get("product_line", ""),
                language=source.get("language") or None,
                customer=customer,
                actor=request.user,
                request=req,
                feedback=feedback,
            )
            messages.success(request, _("Idea added."))
            return redirect("ideas:detail", public_id=idea.public_id)
        except (ServiceError, NotAllowed) as exc:
            error = getattr(exc, "message", str(exc))
    return render(
        request,
        "ideas/new.html",
        {
            "customer": customer,
            "source_request": req,
            "feedback": feedback,
            "theme": theme,
            # Counted for the page only (adding the idea finds and links them itself).
            "askers": len(services.theme_askers(request.user, theme)) if theme else 0,
            "themes": [] if (req or feedback or customer) else Theme.objects.filter(active=True),
            "values": source,
            "error": error,
            "product_lines": selectors.product_lines(),
        },
        status=422 if error else 200,
    )


@employee_required
def similar(request: HttpRequest) -> HttpResponse:
    """The five most similar listed ideas to what is being typed (an htmx fragment)."""
    text = request.GET.get("title", "")[:300] + " " + request.GET.get("description", "")[:500]
    language = request.GET.get("language") or request.LANGUAGE_CODE
    ideas = selectors.similar(text, language) if text.strip() else []
    return render(request, "ideas/_similar.html", {"ideas": ideas, "staff": True})


@employee_required
def duplicates(request: HttpRequest) -> HttpResponse:
    if not can_decide(request.user):
        raise Http404
    if request.method == "POST":
        candidate = DuplicateCandidate.objects.filter(
            pk=int_param(request.POST, "pair", 0, low=0, high=2**63 - 1)
        ).first()
        if candidate is None:
            raise Http404
        try:
            if request.POST.get("do") == "merge":
                services.accept(actor=request.user, candidate=candidate)
                messages.success(request, _("Merged."))
            else:
                services.dismiss(actor=request.user, candidate=candidate)
                messages.success(request, _("Dismissed."))
        except (ServiceError, NotAllowed) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("ideas:duplicates")
    pairs = (
        DuplicateCandidate.objects.filter(state=DuplicateState.PENDING)
        .select_related("idea", "original")
        .order_by("-score", "-id")[:PAGE]
    )
    return render(request, "ideas/duplicates.html", {"pairs": pairs})
