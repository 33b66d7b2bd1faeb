"""Playbooks on requests, articles and their search, templates, learning from success."""

from __future__ import annotations

import pytest

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.knowledge import selectors, services
from clientfocus.knowledge.models import (
    Article,
    ArticleRevision,
    PlaybookRun,
    ReplyTemplate,
    TemplateUse,
)
from clientfocus.service.models import AgentNotice, Category, MessageKind, State
from clientfocus.service.services import add_message, change_state, open_request
from clientfocus.voice.models import Survey, SurveyInvitation
from clientfocus.voice.services import answer_survey, survey_token
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _request(company, category="Late delivery", customer=None, channel="phone"):
    return open_request(
        actor=company.agent,
        subject="Where is my sofa?",
        customer=customer or company.customer,
        category=Category.objects.get(name=category) if category else None,
        queue=company.care_queue,
        assignee=company.agent,
        channel=channel,
    )


def test_a_matching_playbook_applies_and_a_skipped_mandatory_step_is_recorded(company, late):
    req = _request(company)
    assert [p.code for p in selectors.playbooks_for(req)] == ["late"]
    other = _request(company, category=None)
    assert selectors.playbooks_for(other) == []
    step, optional, _dont = late.steps.all()
    assert services.tick(actor=company.agent, req=req, step=optional) is True
    add_message(request=req, actor=company.agent, body="We are on it", kind=MessageKind.REPLY)
    change_state(request=req, actor=company.agent, state=State.RESOLVED)
    run = PlaybookRun.objects.get(request=req)
    assert run.skipped == [step.pk] and run.skipped_count == 1 and run.mandatory == 1
    assert list(selectors.skipped_runs(queue_ids=[company.care_queue.pk])) == [run]
    # Ticked before a second resolution: the latest run counts.
    change_state(request=req, actor=company.agent, state=State.OPEN)
    services.tick(actor=company.agent, req=req, step=step)
    change_state(request=req, actor=company.agent, state=State.RESOLVED)
    assert PlaybookRun.objects.get(request=req).skipped_count == 0


def test_ticking_needs_a_handler_and_a_playbook_that_applies(company, late):
    req = _request(company)
    step = late.steps.first()
    with pytest.raises(NotAllowed):
        services.tick(actor=company.other_agent, req=req, step=step)
    with pytest.raises(ServiceError):
        services.tick(actor=company.agent, req=_request(company, category=None), step=step)
    services.tick(actor=company.agent, req=req, step=step)
    services.tick(actor=company.agent, req=req, step=step)  # twice: one tick
    assert set(selectors.ticked(req)) == {step.pk}
    assert services.tick(actor=company.agent, req=req, step=step, done=False) is False
    assert selectors.ticked(req) == {}


def test_the_copy_of_playbooks_follows_a_change(company, late):
    req = _request(company, channel="email")
    assert selectors.playbooks_for(req)
    data = {
        "titles": {"en": "Late, by phone"},
        "categories": ["Late delivery"],
        "channels": ["phone"],
    }
    services.save_playbook(actor=company.manager, code="late", data=data)
    assert selectors.playbooks_for(req) == []


def test_articles_keep_versions_and_are_found_in_any_language(company, late):
    article = Article.objects.get(code="late-delivery")
    services.save_article(
        actor=company.manager,
        code="late-delivery",
        language="en",
        title="When a delivery is late",
        body="Check the carrier tracking, then call.",
    )
    assert article.texts.get(language="en").version == 2
    assert ArticleRevision.objects.filter(article=article).count() == 3
    found = selectors.search("tracking", "en", public=False)
    assert [t.article.code for t in found] == ["late-delivery"]
    assert found[0].language == "en"
    # Internal: not in the help centre until it is made public.
    assert selectors.search("tracking", "en") == []
    services.save_article(
        actor=company.manager,
        code="late-delivery",
        language="en",
        visibility="public",
        title="When a delivery is late",
        body="Check the carrier tracking, then call.",
    )
    assert [t.article.code for t in selectors.search("tracking", "en")] == ["late-delivery"]
    # Lithuanian stems, typed without diacritics, in the reader's language first.
    assert selectors.search("siuntos velavimas", "lt")[0].language == "lt"
    assert selectors.search("", "en") == []
    services.set_state(actor=company.manager, article=article, state="archived")
    assert selectors.search("tracking", "en", public=False) == []


def test_html_from_editors_is_sanitised_and_only_managers_or_owners_write(company):
    article = services.save_article(
        actor=company.manager,
        code="x",
        language="en",
        title="T",
        body='<p onclick="evil()">Hi<script>alert(1)</script></p>',
        html=True,
    )
    body = article.texts.get().body_html
    assert "script" not in body and "onclick" not in body and "Hi" in body
    with pytest.raises(NotAllowed):
        services.save_article(actor=company.agent, code="y", language="en", title="T", body="b")
    with pytest.raises(NotAllowed):
        services.save_article(actor=company.agent, code="x", language="en", title="T", body="b")
    article.owner = company.agent
    article.save()
    services.save_article(actor=company.agent, code="x", language="en", title="T2", body="b")
    for bad in ({"code": "Bad Code"}, {"language": "xx"}, {"title": ""}, {"body": "  "}):
        kwargs = {"code": "z", "language": "en", "title": "T", "body": "b", **bad}
        with pytest.raises(ServiceError):
            services.save_article(actor=company.manager, **kwargs)
    assert not Article.objects.filter(code="z").exists()


def test_a_template_is_filled_for_the_request_in_the_customers_language(company, late):
    req = _request(company)
    template = ReplyTemplate.objects.get(code="sorry-late")
    text = services.render(actor=company.agent, template=template, req=req)
    assert text == f"Gerb. Rūta Žukauskienė, dėl {req.reference}: jau tvarkome."
    assert TemplateUse.objects.filter(template=template, request=req).count() == 1
    with pytest.raises(NotAllowed):
        services.render(actor=company.other_agent, template=template, req=req)


def _rated(company, score):
    Survey.objects.create(name="s", kind="csat", trigger="request_resolved")
    ContactFactory(customer=company.customer, value="ruta@example.com")
    req = _request(company)
    add_message(
        request=req,
        actor=company.agent,
        body=f"Dear Rūta Žukauskienė, your sofa {req.reference} arrives tomorrow.",
        kind=MessageKind.REPLY,
    )
    change_state(request=req, actor=company.agent, state=State.RESOLVED)
    answer_survey(token=survey_token(SurveyInvitation.objects.get(request=req)), score=score)
    req.refresh_from_db()
    return req


def test_a_well_rated_answer_becomes_a_draft_a_manager_approves(company, late):
    req = _rated(company, 5)
    assert services.can_learn_from(company.agent, req)
    draft = services.draft_from(actor=company.agent, req=req, into="template")
    assert draft.state == "draft" and draft.created_from == req
    assert draft.texts == {"lt": "Dear {customer_name}, your sofa {reference} arrives tomorrow."}
    article = services.draft_from(actor=company.agent, req=req, into="article")
    assert article.state == "draft" and article.code == f"from-{req.reference.lower()}"
    assert (
        AgentNotice.objects.filter(recipient=company.manager, kind="knowledge_draft").count() == 2
    )
    with pytest.raises(NotAllowed):
        services.set_state(actor=company.agent, article=article, state="published")
    services.set_state(actor=company.manager, article=article, state="published")
    article.refresh_from_db()
    assert article.approved_by == company.manager


def test_a_poorly_rated_answer_is_not_learned_from(company, late):
    req = _rated(company, 2)
    assert not services.can_learn_from(company.agent, req)
    with pytest.raises(ServiceError):
        services.draft_from(actor=company.agent, req=req, into="article")


def test_template_figures_count_uses_and_the_csat_after(company, late):
    req = _rated(company, 4)
    template = ReplyTemplate.objects.get(code="sorry-late")
    # Used after the answer: it does not count for that answer.
    services.render(actor=company.agent, template=template, req=req)
    row = selectors.template_figures(ReplyTemplate.objects.filter(code="sorry-late"))[0]
    assert (row.uses, row.requests, row.csat, row.answers) == (1, 1, None, 0)


def test_the_csat_given_after_a_template_was_used_is_its_outcome(company, late):
    Survey.objects.create(name="s", kind="csat", trigger="request_resolved")
    ContactFactory(customer=company.customer, value="ruta@example.com")
    req = _request(company)
    template = ReplyTemplate.objects.get(code="sorry-late")
    services.render(actor=company.agent, template=template, req=req)
    services.render(actor=company.agent, template=template, req=req)
    change_state(request=req, actor=company.agent, state=State.RESOLVED)
    answer_survey(token=survey_token(SurveyInvitation.objects.get(request=req)), score=4)
    row = selectors.template_figures(ReplyTemplate.objects.filter(code="sorry-late"))[0]
    assert (row.uses, row.requests, row.csat, row.answers) == (2, 1, 4.0, 1)
