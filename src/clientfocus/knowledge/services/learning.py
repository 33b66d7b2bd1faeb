"""Learning from success: the answer of a request a customer rated well becomes a draft
article or reply template in one click; the managers of the queue are asked to review
it, and it is used by everyone once one of them publishes it."""

from __future__ import annotations

import re

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from clientfocus.core.errors import ServiceError
from clientfocus.core.html import html_to_text
from clientfocus.knowledge.models import Article, ReplyTemplate
from clientfocus.knowledge.permissions import can_edit_knowledge
from clientfocus.knowledge.services.articles import save_article
from clientfocus.knowledge.services.replies import language_of, save_template
from clientfocus.people.selectors import managers_of
from clientfocus.service.models import AgentNotice, Message, MessageKind, Request, State
from clientfocus.service.permissions import can_handle_request
from clientfocus.voice.models import SurveyResponse


def good_score(kind: str, score: int) -> bool:
    """A satisfied customer: CSAT 4–5, NPS 9–10 (a promoter), CES 1–2 (little effort)."""
    return {"csat": score >= 4, "nps": score >= 9, "ces": score <= 2}.get(kind, False)


def best_score(req: Request) -> tuple[str, int] | None:
    for kind, score in SurveyResponse.objects.filter(invitation__request=req).values_list(
        "invitation__survey__kind", "score"
    ):
        if good_score(kind, score):
            return kind, score
    return None


def can_learn_from(user, req: Request) -> bool:
    """Resolved (or closed) with a good survey score, and the reader may handle it."""
    return (
        req.state in {State.RESOLVED, State.CLOSED}
        and (can_handle_request(user, req) or can_edit_knowledge(user))
        and best_score(req) is not None
    )


def _answer(req: Request) -> Message:
    answer = (
        Message.objects.filter(request=req, kind=MessageKind.REPLY).order_by("-created_at").first()
    )
    if answer is None:
        raise ServiceError("request", _("This request has no reply to learn from."))
    return answer


def _free_code(model, base: str) -> str:
    code, n = base, 1
    while model.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _generalise(text: str, req: Request) -> str:
    """The reply with this customer's particulars turned back into placeholders."""
    name = req.customer.name.strip() if req.customer is not None else ""
    if name:
        text = re.sub(re.escape(name), "{customer_name}", text)
    return text.replace(req.reference, "{reference}")


@transaction.atomic
def draft_from(*, actor, req: Request, into: str) -> Article | ReplyTemplate:
    if into not in {"article", "template"}:
        raise ServiceError("into", _("A draft becomes an article or a template."))
    if not can_learn_from(actor, req):
        raise ServiceError(
            "request", _("Only a resolved request with a good survey score is learned from.")
        )
    answer = _answer(req)
    language = language_of(req)
    base = f"from-{req.reference.lower()}"
    subject = req.subject[:200] or req.reference
    if into == "article":
        made: Article | ReplyTemplate = save_article(
            actor=actor,
            code=_free_code(Article, base),
            language=language,
            title=subject,
            body=answer.body_html,
            html=True,
            created_from=req,
        )
        link = reverse("knowledge:article", args=[made.code])
    else:
        made = save_template(
            actor=actor,
            code=_free_code(ReplyTemplate, base),
            name=subject[:120],
            texts={language: _generalise(html_to_text(answer.body_html), req)},
            created_from=req,
        )
        link = reverse("knowledge:templates") + f"#{made.code}"
    text = _("Draft from %(ref)s to review: %(subject)s") % {
        "ref": req.reference,
        "subject": subject,
    }
    for employee in managers_of(req.queue.department_id):
        if employee.user_id != actor.pk:
            AgentNotice.objects.create(
                recipient_id=employee.user_id, kind="knowledge_draft", text=text[:300], link=link
            )
    return made
