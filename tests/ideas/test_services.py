"""Ideas: submitting, similar ideas in five languages, votes weighted by value, the
status history and the loop closed with everybody who asked, merges and moderation."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import override_settings

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.ideas import selectors, services
from clientfocus.ideas.models import (
    DuplicateCandidate,
    DuplicateState,
    Idea,
    Importance,
    Mute,
    Notice,
    NoticeState,
    Status,
    Tally,
    Visibility,
    Vote,
)
from clientfocus.notify.models import Notification
from clientfocus.service.services import open_request
from clientfocus.value.models import CustomerValue
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def _valued(customer, value, segment="champions"):
    CustomerValue.objects.update_or_create(
        customer=customer, defaults={"lifetime_value_12m": value, "segment": segment}
    )
    return customer


def _idea(company, title="Deliveries on Saturdays", description="", **kw):
    return services.submit_idea(title=title, description=description, actor=company.agent, **kw)


def test_a_customer_idea_comes_with_their_vote_and_is_public(company):
    idea = services.submit_idea(
        title="Pristatymas savaitgaliais", customer=company.customer, product_line="Furniture"
    )
    assert idea.visibility == Visibility.PUBLIC
    assert idea.language == "lt"
    assert list(Vote.objects.filter(idea=idea).values_list("customer_id", flat=True)) == [
        company.customer.pk
    ]
    idea.refresh_from_db()
    assert idea.votes == 1


@override_settings(IDEAS_HOLD_FOR_APPROVAL=True)
def test_held_ideas_are_not_listed_until_approved(company):
    idea = services.submit_idea(title="Gift wrapping for orders", customer=company.customer)
    assert idea.visibility == Visibility.HELD
    assert selectors.similar("gift wrapping", "en") == []
    with pytest.raises(NotAllowed):
        services.moderate(actor=company.agent, idea=idea, action="approve")
    services.moderate(actor=company.manager, idea=idea, action="approve")
    assert [i.pk for i in selectors.similar("gift wrapping", "en")] == [idea.pk]


@override_settings(IDEAS_HOURLY_LIMIT=2)
def test_a_customer_cannot_flood_ideas(company):
    for n in range(2):
        services.submit_idea(title=f"Idea number {n} here", customer=company.customer)
    with pytest.raises(ServiceError):
        services.submit_idea(title="Idea number three", customer=company.customer)


@pytest.mark.parametrize("title", ["", "abc", "x" * 201], ids=["empty", "too-short", "too-long"])
def test_bad_titles_are_refused_and_nothing_is_stored(company, title):
    with pytest.raises(ServiceError) as caught:
        services.submit_idea(title=title, customer=company.customer)
    assert caught.value.field == "title"
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("language", "stored", "typed"),
    [
        ("en", "Deliveries on Saturdays please", "saturday delivery"),
        ("ru", "Доставка по субботам", "хочу доставку в субботу"),
        ("lt", "Pristatymas šeštadieniais", "pristatymo sestadieni"),
        ("sl", "Dostava ob sobotah", "dostavo v soboto"),
        ("hi", "शनिवार को डिलीवरी", "डिलीवरी शनिवार"),
    ],
)
def test_similar_ideas_are_found_across_word_forms(company, language, stored, typed):
    wanted = _idea(company, title=stored, language=language)
    _idea(company, title="Paint colours for the kitchen", language="en")
    found = selectors.similar(typed, language)
    assert found and found[0].pk == wanted.pk


def test_similar_hides_merged_declined_and_hidden_ideas(company):
    kept = _idea(company, title="Evening delivery slots")
    merged = _idea(company, title="Delivery slots in the evening")
    declined = _idea(company, title="Evening delivery by drone")
    hidden = _idea(company, title="Evening delivery spam spam")
    services.merge(actor=company.manager, idea=merged, into=kept)
    services.change_status(
        actor=company.manager, idea=declined, status=Status.DECLINED, message="Not possible."
    )
    services.moderate(actor=company.manager, idea=hidden, action="hide", reason="spam")
    assert [i.pk for i in selectors.similar("evening delivery", "en")] == [kept.pk]


def test_the_word_being_typed_matches_as_a_prefix(company):
    idea = _idea(company, title="Assembly service for wardrobes")
    assert [i.pk for i in selectors.similar("wardr", "en")] == [idea.pk]


def test_one_vote_per_customer_changeable_and_weighted_by_value(company):
    idea = _idea(company)
    rich = _valued(company.gold_customer, 5000.0, "champions")
    newcomer = CustomerFactory(tier=company.standard)  # no value yet: the floor counts
    services.vote(idea=idea, customer=rich)
    services.vote(idea=idea, customer=rich, importance=Importance.CRITICAL)
    services.vote(idea=idea, customer=newcomer)
    idea.refresh_from_db()
    assert idea.votes == 2
    assert idea.weighted_votes == pytest.approx(5000.0 + 50.0)
    assert idea.value_at_stake == pytest.approx(5000.0)
    assert idea.critical_votes == 1
    gold = Tally.objects.get(idea=idea, dimension="tier", key=str(company.gold.pk))
    assert (gold.votes, gold.weighted_votes) == (1, 5000.0)
    assert Tally.objects.get(idea=idea, dimension="segment", key="champions").votes == 1
    assert services.unvote(idea=idea, customer=rich)
    idea.refresh_from_db()
    assert (idea.votes, idea.weighted_votes) == (1, 50.0)
    assert not Tally.objects.filter(idea=idea, dimension="tier", key=str(company.gold.pk))


def test_bad_importance_is_refused(company):
    with pytest.raises(ServiceError):
        services.vote(idea=_idea(company), customer=company.customer, importance="urgent!")


def test_ranking_by_weight_differs_from_raw_votes_and_filters_by_tier(company):
    popular = _idea(company, title="Cheaper delivery for everyone")
    valuable = _idea(company, title="Bulk ordering for businesses")
    for _ in range(3):
        services.vote(idea=popular, customer=CustomerFactory(tier=company.standard))
    services.vote(idea=valuable, customer=_valued(company.gold_customer, 9000.0))
    rows = selectors.ranking(Idea.objects.all(), sort="weighted")
    assert [r.idea.pk for r in rows] == [valuable.pk, popular.pk]
    assert (rows[0].rank_by_weight, rows[0].rank_by_votes) == (1, 2)
    by_votes = selectors.ranking(Idea.objects.all(), sort="votes")
    assert [r.idea.pk for r in by_votes] == [popular.pk, valuable.pk]
    gold_only = selectors.ranking(Idea.objects.all(), tier=company.gold.pk)
    assert [r.idea.pk for r in gold_only] == [valuable.pk]


def test_refresh_weights_follows_the_value_engine(company):
    idea = services.submit_idea(title="Longer warranty", customer=company.customer)
    assert Idea.objects.get(pk=idea.pk).weighted_votes == 50.0
    _valued(company.customer, 1200.0, "loyal")
    assert services.refresh_weights() == 1
    idea.refresh_from_db()
    assert (idea.weighted_votes, idea.value_at_stake) == (1200.0, 1200.0)
    assert Tally.objects.get(idea=idea, dimension="segment").key == "loyal"


def test_status_changes_keep_history_and_refuse_jumps(company):
    idea = _idea(company)
    with pytest.raises(NotAllowed):
        services.change_status(actor=company.agent, idea=idea, status="planned", message="Soon")
    with pytest.raises(ServiceError):
        services.change_status(
            actor=company.manager, idea=idea, status=Status.SHIPPED, message="Done already"
        )
    with pytest.raises(ServiceError):
        services.change_status(actor=company.manager, idea=idea, status="planned", message="")
    services.change_status(
        actor=company.manager, idea=idea, status=Status.UNDER_REVIEW, message="Looking at it"
    )
    services.change_status(
        actor=company.manager, idea=idea, status=Status.PLANNED, message="Coming in March"
    )
    assert [(h.old_status, h.new_status) for h in idea.history.all()] == [
        ("open", "under_review"),
        ("under_review", "planned"),
    ]


def test_planned_is_told_to_every_voter_and_linked_customer_in_their_language(company):
    voter = company.gold_customer  # Russian, e-mail
    linked = CustomerFactory(tier=company.standard, language="sl")
    unreachable = CustomerFactory(tier=company.standard, consent_email=False, consent_sms=False)
    muted = CustomerFactory(tier=company.standard)
    for customer in (voter, linked, unreachable, muted):
        ContactFactory(customer=customer)
    idea = _idea(company)
    for customer in (voter, unreachable, muted):
        services.vote(idea=idea, customer=customer)
    services.link(actor=company.agent, idea=idea, customer=linked, with_vote=False)
    services.unsubscribe(idea=idea, customer=muted)
    services.change_status(
        actor=company.manager, idea=idea, status=Status.UNDER_REVIEW, message="Reviewing"
    )
    assert not Notice.objects.exists()  # only outcomes are told
    change = services.change_status(
        actor=company.manager, idea=idea, status=Status.PLANNED, message="In the spring."
    )
    notices = {n.customer_id: n for n in Notice.objects.filter(change=change)}
    assert notices[voter.pk].state == NoticeState.QUEUED
    assert notices[linked.pk].state == NoticeState.QUEUED
    assert notices[unreachable.pk].state == NoticeState.UNREACHABLE
    assert notices[muted.pk].state == NoticeState.UNSUBSCRIBED
    russian = notices[voter.pk].notification
    assert russian.recipient == voter.primary_email
    assert "In the spring." in russian.body and "/portal/ideas/unsubscribe/" in russian.body
    assert russian.subject.startswith("Ваша идея") and "Запланировано" in russian.subject
    assert "запланирована" in russian.body
    slovenian = notices[linked.pk].notification
    assert slovenian.subject.startswith("Vaša ideja")
    assert russian.sensitive  # staff never see the personal unsubscribe link
    assert "[personal link]" in russian.body_for_staff
    assert Notification.objects.filter(customer=linked).count() == 1
    # Told again on the next outcome, once per change; idempotent per change.
    assert services.tell_askers(change) == 0
    figures = selectors.loop_figures()
    assert (figures.asked, figures.told, figures.unreachable, figures.unsubscribed) == (4, 2, 1, 1)
    assert figures.rate == 0.5


def test_unsubscribe_link_is_signed_and_per_idea(company):
    idea = _idea(company)
    token = services.unsubscribe_token(idea, company.customer.pk)
    found_idea, customer = services.from_unsubscribe_token(token)
    assert (found_idea, customer) == (idea, company.customer)
    with pytest.raises(signing.BadSignature):
        services.from_unsubscribe_token(token[:-2] + "xx")
    assert services.unsubscribe(idea=idea, customer=customer)
    assert not services.unsubscribe(idea=idea, customer=customer)
    assert Mute.objects.count() == 1


def test_merge_moves_votes_once_per_customer_and_comments(company):
    original = _idea(company, title="Saturday deliveries wanted")
    duplicate = _idea(company, title="Saturday deliveries please")
    both = company.customer
    only_dup = CustomerFactory(tier=company.standard)
    services.vote(idea=original, customer=both, importance=Importance.NICE)
    services.vote(idea=duplicate, customer=both, importance=Importance.CRITICAL)
    services.vote(idea=duplicate, customer=only_dup)
    services.comment(idea=duplicate, text="Me too!", customer=only_dup)
    pair = DuplicateCandidate.objects.get(idea=duplicate, original=original)
    assert pair.state == DuplicateState.PENDING
    services.accept(actor=company.manager, candidate=pair)
    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == original.pk
    assert original.votes == 2 and duplicate.votes == 0
    assert Vote.objects.get(idea=original, customer=both).importance == Importance.CRITICAL
    assert original.comments.get().text == "Me too!"
    pair.refresh_from_db()
    assert pair.state == DuplicateState.MERGED
    with pytest.raises(ServiceError):
        services.merge(actor=company.manager, idea=duplicate, into=original)
    with pytest.raises(ServiceError):
        services.merge(actor=company.manager, idea=original, into=original)


def test_votes_for_a_merged_idea_go_to_the_original(company):
    original = _idea(company, title="Express assembly")
    duplicate = _idea(company, title="Quick assembly service")
    services.merge(actor=company.manager, idea=duplicate, into=original)
    services.vote(idea=Idea.objects.get(pk=duplicate.pk), customer=company.customer)
    assert Vote.objects.get(customer=company.customer).idea_id == original.pk


def test_official_answers_need_a_manager(company):
    idea = _idea(company)
    services.comment(idea=idea, text="We hear you", actor=company.agent)
    with pytest.raises(NotAllowed):
        services.comment(idea=idea, text="Official", actor=company.agent, official=True)
    services.comment(
        idea=idea, text="This is planned for spring.", actor=company.manager, official=True
    )
    idea.refresh_from_db()
    assert idea.official_response == "This is planned for spring."


def test_an_idea_from_feedback_keeps_the_link(company):
    from clientfocus.voice import services as voice

    item = voice.record_feedback(
        customer=company.customer, text="Please add evening slots", source="customer"
    )
    idea = services.idea_from_feedback(actor=company.agent, feedback=item, title="Evening slots")
    link = idea.links.get()
    assert (link.feedback_id, link.customer_id) == (item.pk, company.customer.pk)
    assert idea.vote_set.get().customer_id == company.customer.pk


def test_a_request_of_another_customer_cannot_be_linked(company):
    other = CustomerFactory(tier=company.standard)
    req = open_request(actor=company.agent, subject="Help", customer=other, body="text")
    idea = _idea(company)
    with pytest.raises(ServiceError):
        services.link(actor=company.agent, idea=idea, customer=company.customer, request=req)
    assert not idea.links.exists()
    link = services.link(actor=company.agent, idea=idea, customer=other, request=req)
    assert link.request_id == req.pk
