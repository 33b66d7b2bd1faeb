"""Reply templates: writing them per language, filling their placeholders for a request,
and counting each use (its outcome is the CSAT of the requests it was used on)."""

from __future__ import annotations

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.knowledge import matching
from clientfocus.knowledge.models import ReplyTemplate, TemplateState, TemplateUse, text_in
from clientfocus.knowledge.permissions import can_edit_knowledge
from clientfocus.knowledge.services.articles import LANGUAGES, check_code
from clientfocus.orders.models import Order
from clientfocus.service.models import Request
from clientfocus.service.permissions import can_handle_request

PLACEHOLDERS = ["customer_name", "reference", "order", "due", "agent_name"]
MAX_TEMPLATE = 20_000


def check_texts(texts: object) -> dict[str, str]:
    if not isinstance(texts, dict) or not texts:
        raise ServiceError("texts", _("A template needs its text in at least one language."))
    clean = {}
    for language, body in texts.items():
        if language not in LANGUAGES:
            raise ServiceError(
                "texts", _("Unknown language: %(code)s") % {"code": str(language)[:8]}
            )
        if not isinstance(body, str) or not body.strip():
            continue
        if len(body) > MAX_TEMPLATE:
            raise ServiceError("texts", _("A template is at most 20,000 characters."))
        clean[language] = body.replace("\r\n", "\n").strip()
    if not clean:
        raise ServiceError("texts", _("A template needs its text in at least one language."))
    return clean


@transaction.atomic
def save_template(
    *, actor, code: str, name: str, texts: object, state: str | None = None, created_from=None
) -> ReplyTemplate:
    code = check_code(code)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ServiceError("name", _("A name is 1–120 characters."))
    clean = check_texts(texts)
    found = ReplyTemplate.objects.select_for_update().filter(code=code).first()
    if not can_edit_knowledge(actor) and not (found is None and created_from is not None):
        raise NotAllowed(_("Only managers write reply templates."))
    if state is not None and state not in TemplateState.values:
        raise ServiceError("state", _("A state is draft, published or archived."))
    template = found or ReplyTemplate(code=code, owner=actor, created_from=created_from)
    template.name, template.texts, template.updated_at = name, clean, timezone.now()
    if state is not None:
        if state == TemplateState.PUBLISHED and template.approved_by_id is None:
            template.approved_by = actor
        template.state = state
    template.save()
    return template


def values_for(req: Request, user) -> dict[str, str]:
    """What the placeholders stand for on this request, in the customer's language."""
    customer = req.customer
    order = (
        Order.objects.filter(customer=customer)
        .order_by("-placed_at")
        .values_list("order_id", flat=True)
        .first()
        if customer is not None
        else None
    )
    due = req.due_at
    return {
        "customer_name": customer.name
        if customer is not None
        else str(req.requesting_department or ""),
        "reference": req.reference,
        "order": order or "",
        "due": formats.date_format(timezone.localtime(due), "DATETIME_FORMAT") if due else "",
        "agent_name": user.get_full_name() or user.get_username(),
    }


def language_of(req: Request) -> str:
    language = req.customer.language if req.customer is not None else ""
    return language if language in LANGUAGES else "en"


def render(*, actor, template: ReplyTemplate, req: Request, language: str | None = None) -> str:
    """The template filled for this request in its customer's language; the use is
    counted. Only someone who may answer the request inserts a template into it."""
    if not can_handle_request(actor, req):
        raise NotAllowed(_("You may not answer this request."))
    if template.state != TemplateState.PUBLISHED:
        raise ServiceError("template", _("This template is not published."))
    language = language if language in LANGUAGES else language_of(req)
    text = matching.fill(text_in(template.texts, language), values_for(req, actor))
    TemplateUse.objects.create(template=template, request=req, user=actor)
    return text
