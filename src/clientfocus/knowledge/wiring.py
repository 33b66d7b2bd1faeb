"""What knowledge adds below it: the playbooks that apply on the request page (steps to
tick, promises, words to avoid, articles), reply templates above the reply box, the
"learn from this answer" buttons, the runs recorded when a request is resolved, the
warning when a request goes to someone untrained for its queue, and its nightly job.
Wired in ``KnowledgeConfig.ready()``."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from clientfocus.core.events import subscribe
from clientfocus.core.extensions import Panel
from clientfocus.core.scheduler import PeriodicJob, periodic_jobs
from clientfocus.knowledge import selectors, services
from clientfocus.knowledge.models import ReplyTemplate, TemplateState, text_in
from clientfocus.knowledge.permissions import can_see_knowledge
from clientfocus.knowledge.tasks import knowledge_daily
from clientfocus.service.events import RequestResolved
from clientfocus.service.extensions import assignment_checks, request_panels
from clientfocus.service.models import Request
from clientfocus.service.permissions import can_handle_request

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _language(request: HttpRequest) -> str:
    language = getattr(request, "LANGUAGE_CODE", "en")
    return language if language in LANGUAGES else "en"


def guide_context(request: HttpRequest, *, req: Request) -> dict | None:
    """The playbooks that apply to this request, with this reader's language and ticks."""
    if not can_see_knowledge(request.user):
        return None
    found = selectors.playbooks_for(req)
    if not found:
        return None
    language = _language(request)
    ticks = selectors.ticked(req)
    shown = []
    for p in found:
        shown.append(
            {
                "playbook": p,
                "title": text_in(p.titles, language) or p.code,
                "steps": [
                    {"step": s, "text": text_in(s.texts, language), "tick": ticks.get(s.pk)}
                    for s in p.step_list
                ],
                "promises": text_in(p.promises, language),
                "avoid": text_in(p.avoid, language),
                "articles": [(a, selectors.text_for(a, language)) for a in p.article_list],
            }
        )
    return {"guides": shown, "can_tick": can_handle_request(request.user, req)}


def reply_context(request: HttpRequest, *, req: Request) -> dict | None:
    """Templates for the reply box (the matching playbooks' first), and, on a resolved
    request rated well, the buttons that turn its answer into a draft."""
    if not can_see_knowledge(request.user):
        return None
    learn = services.can_learn_from(request.user, req)
    language = _language(request)
    preferred = [t for p in selectors.playbooks_for(req) for t in p.template_list]
    others = ReplyTemplate.objects.filter(state=TemplateState.PUBLISHED).exclude(
        pk__in=[t.pk for t in preferred]
    )[:200]
    templates = [(t, True) for t in dict.fromkeys(preferred)] + [(t, False) for t in others]
    if not templates and not learn:
        return None
    return {
        "reply_templates": [(t, text_in(t.texts, language), mark) for t, mark in templates],
        "can_learn": learn,
    }


def on_request_resolved(event: RequestResolved) -> None:
    services.record_runs(event.request)


def wire() -> None:
    subscribe(RequestResolved, on_request_resolved)
    assignment_checks.contribute("knowledge.training", services.assignment_warning)
    periodic_jobs.contribute(
        "knowledge.daily",
        PeriodicJob("knowledge.daily", 86400, knowledge_daily.enqueue),
        order=70,
    )
    request_panels.contribute(
        "knowledge.playbooks", Panel("knowledge/_guide_panel.html", guide_context, region="guide")
    )
    request_panels.contribute(
        "knowledge.templates", Panel("knowledge/_reply_panel.html", reply_context, region="reply")
    )
