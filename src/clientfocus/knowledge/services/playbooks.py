"""Writing playbooks, ticking their steps on a request, and recording, when a request is
resolved, which mandatory steps were skipped."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Tier
from clientfocus.knowledge import selectors
from clientfocus.knowledge.models import (
    Article,
    Playbook,
    PlaybookRun,
    ReplyTemplate,
    Step,
    StepKind,
    StepTick,
)
from clientfocus.knowledge.permissions import can_edit_knowledge
from clientfocus.knowledge.services.articles import LANGUAGES, check_code
from clientfocus.service.models import Category, Channel, Request
from clientfocus.service.permissions import can_handle_request
from clientfocus.voice.models import Theme

MAX_STEPS = 40


def _texts(value: object, field: str, *, required: bool, limit: int = 2000) -> dict[str, str]:
    if value in (None, "") and not required:
        return {}
    if not isinstance(value, dict):
        raise ServiceError(field, _("Texts are given per language."))
    clean = {}
    for language, text in value.items():
        if language not in LANGUAGES:
            raise ServiceError(field, _("Unknown language: %(code)s") % {"code": str(language)[:8]})
        if isinstance(text, str) and text.strip():
            clean[language] = text.strip()[:limit]
    if required and not clean:
        raise ServiceError(field, _("A text is needed in at least one language."))
    return clean


def _steps(steps: object) -> list[dict]:
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        raise ServiceError("steps", _("Steps are a list of at most 40."))
    clean = []
    for n, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            raise ServiceError("steps", _("Step %(n)s is not an object.") % {"n": n})
        kind = step.get("kind", StepKind.DO)
        if kind not in StepKind.values:
            raise ServiceError("steps", _("Step %(n)s: the kind is do or dont.") % {"n": n})
        texts = _texts(step.get("texts"), "steps", required=True, limit=500)
        clean.append({"kind": kind, "texts": texts, "mandatory": bool(step.get("mandatory"))})
    return clean


def _lookup(model, field: str, values: object, key: str = "code") -> list:
    if not values:
        return []
    if not isinstance(values, list) or len(values) > 100:
        raise ServiceError(field, _("A list is expected."))
    wanted = {str(v)[:100] for v in values}
    found = list(model.objects.filter(**{f"{key}__in": wanted}))
    missing = wanted - {str(getattr(o, key)) for o in found}
    if missing:
        raise ServiceError(field, _("Unknown: %(names)s") % {"names": ", ".join(sorted(missing))})
    return found


@transaction.atomic
def save_playbook(*, actor, code: str, data: dict, material: bool = True) -> Playbook:
    """Create or rewrite a playbook as a whole. ``material``: the change matters to how
    staff work, so courses holding it must be acknowledged again (its version rises)."""
    if not can_edit_knowledge(actor):
        raise NotAllowed(_("Only managers write playbooks."))
    code = check_code(code)
    titles = _texts(data.get("titles"), "titles", required=True, limit=200)
    steps = _steps(data.get("steps", []))
    channels = data.get("channels") or []
    if not isinstance(channels, list) or any(c not in Channel.values for c in channels):
        raise ServiceError("channels", _("Unknown channel."))
    lines = data.get("product_lines") or []
    if not isinstance(lines, list) or len(lines) > 50:
        raise ServiceError("product_lines", _("A list is expected."))
    categories = _lookup(Category, "categories", data.get("categories"), key="name")
    tiers = _lookup(Tier, "tiers", data.get("tiers"))
    themes = _lookup(Theme, "themes", data.get("themes"))
    articles = _lookup(Article, "articles", data.get("articles"))
    templates = _lookup(ReplyTemplate, "templates", data.get("templates"))
    now = timezone.now()
    playbook = Playbook.objects.select_for_update().filter(code=code).first()
    is_new = playbook is None
    if playbook is None:
        playbook = Playbook(code=code, owner=actor)
    elif material:
        playbook.version += 1
        playbook.changed_at = now
    playbook.titles = titles
    playbook.channels = sorted(set(channels))
    playbook.product_lines = [str(p).strip()[:60] for p in lines if str(p).strip()]
    playbook.promises = _texts(data.get("promises"), "promises", required=False)
    playbook.avoid = _texts(data.get("avoid"), "avoid", required=False)
    playbook.active = bool(data.get("active", True))
    playbook.updated_at = now
    playbook.save()
    playbook.categories.set(categories)
    playbook.tiers.set(tiers)
    playbook.themes.set(themes)
    playbook.articles.set(articles)
    playbook.templates.set(templates)
    kept = list(playbook.steps.order_by("position", "id"))
    for position, step in enumerate(steps):
        if position < len(kept):
            row = kept[position]
            row.kind, row.texts, row.mandatory = step["kind"], step["texts"], step["mandatory"]
            row.position = position
            row.save()
        else:
            Step.objects.create(playbook=playbook, position=position, **step)
    Step.objects.filter(pk__in=[s.pk for s in kept[len(steps) :]]).delete()
    if material and not is_new:
        # Imported here: training reads playbooks, playbooks reopen training.
        from clientfocus.knowledge.services.training import reopen_for

        reopen_for(playbook)
    return playbook


def tick(*, actor, req: Request, step: Step, done: bool = True) -> bool:
    """Tick a step on a request (or untick it); whoever may handle the request. Returns
    whether the step is ticked now."""
    if not can_handle_request(actor, req):
        raise NotAllowed(_("You may not work on this request."))
    if step.playbook.pk not in {p.pk for p in selectors.playbooks_for(req)}:
        raise ServiceError("step", _("This playbook does not apply to this request."))
    if not done:
        StepTick.objects.filter(request=req, step=step).delete()
        return False
    try:
        with transaction.atomic():
            StepTick.objects.create(request=req, step=step, by=actor)
    except IntegrityError:
        pass  # ticked already: the tick stands
    return True


def record_runs(req: Request) -> list[PlaybookRun]:
    """When a request is resolved: for each playbook that applied, which of its
    mandatory steps were not ticked (again on a second resolution: the latest counts)."""
    runs = []
    ticked = set(StepTick.objects.filter(request=req).values_list("step_id", flat=True))
    for playbook in selectors.playbooks_for(req):
        mandatory = [s.pk for s in playbook.step_list if s.mandatory]
        skipped = [pk for pk in mandatory if pk not in ticked]
        run, _created = PlaybookRun.objects.update_or_create(
            request=req,
            playbook_id=playbook.pk,
            defaults={
                "version": playbook.version,
                "mandatory": len(mandatory),
                "skipped": skipped,
                "skipped_count": len(skipped),
                "assignee_id": req.assignee_id,
                "queue_id": req.queue_id,
                "resolved_at": req.resolved_at or timezone.now(),
            },
        )
        runs.append(run)
    return runs
