"""Staff pages of knowledge: the knowledge base (search, articles with their history and
review dates), reply templates with their use and outcome, playbooks and the editor,
and the manager's list of resolved requests whose mandatory steps were skipped."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.filters import int_param
from clientfocus.customers.models import Tier
from clientfocus.knowledge import selectors, services
from clientfocus.knowledge.models import (
    Article,
    ArticleState,
    Playbook,
    ReplyTemplate,
    StepKind,
    TemplateState,
    Visibility,
    text_in,
)
from clientfocus.knowledge.permissions import (
    can_edit_article,
    can_edit_knowledge,
    can_see_knowledge,
)
from clientfocus.people.access import employee_required
from clientfocus.service.models import Category, Channel
from clientfocus.service.permissions import queues_visible_to
from clientfocus.voice.models import Theme

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PAGE = 50


def _staff(request: HttpRequest) -> None:
    if not can_see_knowledge(request.user):
        raise Http404


def _editor(request: HttpRequest) -> None:
    if not can_edit_knowledge(request.user):
        raise Http404


def _language(request: HttpRequest) -> str:
    language = request.GET.get("lang") or request.POST.get("lang") or request.LANGUAGE_CODE
    return language if language in LANGUAGES else "en"


def _get(model, code: str):
    try:
        return model.objects.get(code=code[:80])
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@employee_required
def home(request: HttpRequest) -> HttpResponse:
    """Search the knowledge base; articles by state; what is due for review."""
    _staff(request)
    language = _language(request)
    query = request.GET.get("q", "").strip()[:200]
    found = selectors.search(query, language, public=False, limit=30) if query else None
    state = request.GET.get("state", "")
    articles = Article.objects.prefetch_related("texts").select_related("owner")
    if state in ArticleState.values:
        articles = articles.filter(state=state)
    else:
        articles = articles.exclude(state=ArticleState.ARCHIVED)
    page = Paginator(articles, PAGE).get_page(
        int_param(request.GET, "page", 1, low=1, high=100_000)
    )
    for article in page:
        article.shown = selectors.text_for(article, language)
    since = timezone.now() - timedelta(days=30)
    context = {
        "query": query,
        "found": found,
        "page": page,
        "state": state,
        "states": ArticleState.choices,
        "ui_language": language,
        "reviews_due": selectors.reviews_due()[:20],
        "can_edit": can_edit_knowledge(request.user),
        "self_service": selectors.self_service(since=since)
        if can_edit_knowledge(request.user)
        else None,
        "drafts": Article.objects.filter(
            state=ArticleState.DRAFT, created_from__isnull=False
        ).count(),
    }
    return render(request, "knowledge/home.html", context)


@employee_required
def article(request: HttpRequest, code: str) -> HttpResponse:
    _staff(request)
    found = _get(Article, code)
    language = _language(request)
    texts = {t.language: t for t in found.texts.all()}
    context = {
        "article": found,
        "text": texts.get(language) or selectors.text_for(found, language),
        "text_languages": [(c, n, c in texts) for c, n in settings.LANGUAGES],
        "ui_language": language,
        "revisions": found.revisions.select_related("saved_by")[:30],
        "can_edit": can_edit_article(request.user, found),
        "can_publish": can_edit_knowledge(request.user),
        "states": ArticleState.choices,
    }
    return render(request, "knowledge/article.html", context)


@employee_required
def article_edit(request: HttpRequest, code: str = "") -> HttpResponse:
    """Write an article in one language (the other languages are kept)."""
    _staff(request)
    found = _get(Article, code) if code else None
    if found is not None and not can_edit_article(request.user, found):
        raise Http404
    if found is None:
        _editor(request)
    language = _language(request)
    text = found.texts.filter(language=language).first() if found else None
    values: dict[str, Any] = {
        "code": found.code if found else "",
        "title": text.title if text else "",
        "body": text.body_html if text else "",
        "visibility": found.visibility if found else Visibility.INTERNAL,
        "review_every_days": found.review_every_days if found else 180,
    }
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in ("code", "title", "body", "visibility")})
        try:
            saved = services.save_article(
                actor=request.user,
                code=found.code if found else values["code"],
                language=language,
                title=values["title"],
                body=values["body"],
                html=True,
                visibility=values["visibility"] or None,
                review_every_days=int_param(
                    request.POST, "review_every_days", 180, low=1, high=3650
                ),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        except NotAllowed as exc:
            return HttpResponse(str(exc), status=403)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("knowledge:article", args=[saved.code]) + f"?lang={language}")
    return render(
        request,
        "knowledge/article_edit.html",
        {
            "article": found,
            "values": values,
            "ui_language": language,
            "text_languages": settings.LANGUAGES,
            "visibilities": Visibility.choices,
        },
    )


@require_POST
@employee_required
def article_state(request: HttpRequest, code: str) -> HttpResponse:
    _staff(request)
    found = _get(Article, code)
    try:
        if request.POST.get("reviewed"):
            services.mark_reviewed(actor=request.user, article=found)
        else:
            services.set_state(
                actor=request.user, article=found, state=request.POST.get("state", "")
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    except NotAllowed:
        raise Http404 from None
    return redirect("knowledge:article", code=found.code)


# -- reply templates -----------------------------------------------------------------------


@employee_required
def templates(request: HttpRequest) -> HttpResponse:
    _staff(request)
    language = _language(request)
    rows = selectors.template_figures(ReplyTemplate.objects.exclude(state=TemplateState.ARCHIVED))
    for row in rows:
        row.text = text_in(row.template.texts, language)
    return render(
        request,
        "knowledge/templates.html",
        {"rows": rows, "can_edit": can_edit_knowledge(request.user), "ui_language": language},
    )


@employee_required
def template_edit(request: HttpRequest, code: str = "") -> HttpResponse:
    _editor(request)
    found = _get(ReplyTemplate, code) if code else None
    language = _language(request)
    values = {
        "code": found.code if found else "",
        "name": found.name if found else "",
        "text": text_in(found.texts, language) if found and language in found.texts else "",
        "state": found.state if found else TemplateState.DRAFT,
    }
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in ("code", "name", "text", "state")})
        texts = dict(found.texts) if found else {}
        texts[language] = values["text"]
        try:
            saved = services.save_template(
                actor=request.user,
                code=found.code if found else values["code"],
                name=values["name"],
                texts=texts,
                state=values["state"] or None,
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("knowledge:templates") + f"#{saved.code}")
    return render(
        request,
        "knowledge/template_edit.html",
        {
            "template_obj": found,
            "values": values,
            "ui_language": language,
            "text_languages": settings.LANGUAGES,
            "states": TemplateState.choices,
            "placeholders": services.replies.PLACEHOLDERS,
        },
    )


# -- playbooks -----------------------------------------------------------------------------


@employee_required
def playbooks(request: HttpRequest) -> HttpResponse:
    _staff(request)
    language = _language(request)
    found = Playbook.objects.prefetch_related("categories", "tiers", "themes", "steps")
    for p in found:
        p.title = text_in(p.titles, language)
    return render(
        request,
        "knowledge/playbooks.html",
        {"playbooks": found, "can_edit": can_edit_knowledge(request.user), "ui_language": language},
    )


@employee_required
def playbook(request: HttpRequest, code: str) -> HttpResponse:
    _staff(request)
    found = _get(Playbook, code)
    language = _language(request)
    found.title = text_in(found.titles, language)
    return render(
        request,
        "knowledge/playbook.html",
        {
            "playbook": found,
            "steps": found.steps.all(),
            "ui_language": language,
            "can_edit": can_edit_knowledge(request.user),
        },
    )


def _step_lines(steps, language: str) -> str:
    """Steps as the editor shows them: one per line, "!" mandatory, "-" a don't."""
    lines = []
    for step in steps:
        prefix = ("!" if step.mandatory else "") + ("-" if step.kind == StepKind.DONT else "")
        lines.append(f"{prefix} {text_in(step.texts, language)}".strip())
    return "\n".join(lines)


def _parse_steps(text: str, language: str, kept: list) -> list[dict]:
    steps = []
    for n, raw in enumerate(line for line in text.splitlines() if line.strip()):
        line = raw.strip()
        mandatory = line.startswith("!")
        line = line.lstrip("!").strip()
        dont = line.startswith("-")
        line = line.lstrip("-").strip()
        texts = dict(kept[n].texts) if n < len(kept) else {}
        texts[language] = line
        steps.append({"kind": "dont" if dont else "do", "mandatory": mandatory, "texts": texts})
    return steps


@employee_required
def playbook_edit(request: HttpRequest, code: str = "") -> HttpResponse:
    _editor(request)
    found = _get(Playbook, code) if code else None
    language = _language(request)
    kept = list(found.steps.all()) if found else []
    if request.method == "POST":
        post = request.POST

        def texts(name: str) -> dict:
            current = dict(getattr(found, name)) if found else {}
            current[language] = post.get(name, "")
            return current

        data = {
            "titles": texts("titles"),
            "steps": _parse_steps(post.get("steps", ""), language, kept),
            "channels": post.getlist("channels"),
            "product_lines": [
                p.strip() for p in post.get("product_lines", "").split(",") if p.strip()
            ],
            "categories": post.getlist("categories"),
            "tiers": post.getlist("tiers"),
            "themes": post.getlist("themes"),
            "articles": post.getlist("articles"),
            "templates": post.getlist("templates"),
            "promises": texts("promises"),
            "avoid": texts("avoid"),
            "active": bool(post.get("active")),
        }
        try:
            saved = services.save_playbook(
                actor=request.user,
                code=found.code if found else post.get("code", ""),
                data=data,
                material=bool(post.get("material")),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("knowledge:playbook", args=[saved.code]) + f"?lang={language}")
    context = {
        "playbook": found,
        "ui_language": language,
        "text_languages": settings.LANGUAGES,
        "title": text_in(found.titles, language) if found and language in found.titles else "",
        "steps": _step_lines(kept, language) if found else "",
        "promises": (found.promises or {}).get(language, "") if found else "",
        "avoid": (found.avoid or {}).get(language, "") if found else "",
        "chosen": {
            "categories": {c.name for c in found.categories.all()} if found else set(),
            "tiers": {t.code for t in found.tiers.all()} if found else set(),
            "themes": {t.code for t in found.themes.all()} if found else set(),
            "articles": {a.code for a in found.articles.all()} if found else set(),
            "templates": {t.code for t in found.templates.all()} if found else set(),
            "channels": set(found.channels) if found else set(),
        },
        "categories": Category.objects.all(),
        "tiers": Tier.objects.all(),
        "themes": Theme.objects.filter(active=True),
        "channels": Channel.choices,
        "articles": Article.objects.exclude(state=ArticleState.ARCHIVED),
        "templates": ReplyTemplate.objects.exclude(state=TemplateState.ARCHIVED),
    }
    return render(request, "knowledge/playbook_edit.html", context)


@employee_required
def skipped(request: HttpRequest) -> HttpResponse:
    """Resolved requests where a mandatory step was not ticked, in the manager's queues."""
    _editor(request)
    days = int_param(request.GET, "days", 30, low=1, high=3650)
    queue_ids = list(queues_visible_to(request.user).values_list("pk", flat=True))
    runs = selectors.skipped_runs(queue_ids=queue_ids, since=timezone.now() - timedelta(days=days))
    page = Paginator(runs, PAGE).get_page(int_param(request.GET, "page", 1, low=1, high=100_000))
    language = _language(request)
    for run in page:
        steps = {s.pk: s for s in run.playbook.steps.all()}
        run.missing = [text_in(steps[pk].texts, language) for pk in run.skipped if pk in steps]
    return render(request, "knowledge/skipped.html", {"page": page, "days": days})
