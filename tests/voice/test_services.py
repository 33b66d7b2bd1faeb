"""Feedback, corrections, surveys, follow-ups, alerts, rollups and digests (services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.notify.models import Notification
from clientfocus.service.models import State
from clientfocus.service.services import change_state, open_request
from clientfocus.voice import selectors, services
from clientfocus.voice.models import (
    Alert,
    AlertSubscription,
    FeedbackItem,
    FollowUp,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Theme,
    ThemeTag,
)
from tests.factories import ContactFactory


def test_employee_records_what_a_customer_said(company):
    item = services.record_feedback(
        text="Kurjeris vėlavo dvi valandas ir niekas nepaskambino",
        source="employee",
        actor=company.agent,
        customer=company.customer,
    )
    assert item.language == "lt"
    assert item.sentiment == "negative"
    assert "delivery" in {t.theme.code for t in item.tags.all()}
    assert item.tier_code == "standard"
    assert item.recorded_by == company.agent


def test_empty_and_huge_feedback(company):
    with pytest.raises(ServiceError, match="empty"):
        services.record_feedback(text="  <p></p> ", source="api")
    with pytest.raises(ServiceError, match="at most 100000"):
        services.record_feedback(text="a" * 100_001, source="api")
    item = services.record_feedback(text="ž" * 7000, source="api")
    assert item.truncated and len(item.text) == 5000
    assert FeedbackItem.objects.count() == 1


def test_html_is_reduced_to_text(company):
    item = services.record_feedback(
        text="<img src=x onerror=alert(1)><b>Great</b> sofa <script>bad()</script>", source="api"
    )
    assert item.text == "Great sofa"


def test_scores_are_checked(company):
    with pytest.raises(ServiceError, match="from 0 to 10"):
        services.record_feedback(text="", source="api", score_kind="nps", score=11)
    with pytest.raises(ServiceError, match="needs its kind"):
        services.record_feedback(text="x", source="api", score=3)
    assert not FeedbackItem.objects.exists()


def test_staff_correction_is_kept_and_retag_leaves_it(company):
    item = services.record_feedback(text="The courier was rude", source="api")
    delivery = Theme.objects.get(code="delivery")
    price = Theme.objects.get(code="price")
    services.set_theme(item=item, theme=delivery, present=False, actor=company.agent)
    services.set_theme(item=item, theme=price, present=True, actor=company.agent)
    services.set_sentiment(item=item, sentiment="neutral", actor=company.agent)
    services.retag()
    item.refresh_from_db()
    tags = {t.theme.code: (t.source, t.active, t.set_by) for t in item.tags.all()}
    assert tags["delivery"] == ("staff", False, company.agent)
    assert tags["price"] == ("staff", True, company.agent)
    assert item.sentiment == "neutral" and item.reviewed_by == company.agent


def test_classifier_learns_from_corrections(company):
    """Staff keep removing 'price' from comments about a fallen price tag; after
    training, new comments like them are no longer tagged with price."""
    price = Theme.objects.get(code="price")
    for i in range(8):
        item = services.record_feedback(text=f"The price tag of shelf {i} fell off", source="api")
        assert "price" in {t.theme.code for t in item.tags.all()}
        services.set_theme(item=item, theme=price, present=False, actor=company.agent)
        other = services.record_feedback(text=f"The price of sofa {i} is too high", source="api")
        services.confirm(item=other, actor=company.agent)
    model = services.train_classifier()
    assert "price" in model.metrics["themes_with_classifier"]
    fresh = services.record_feedback(text="The price tag of shelf 99 fell off", source="api")
    assert "price" not in {t.theme.code for t in fresh.tags.all()}
    still = services.record_feedback(text="The price of sofa 77 is too high", source="api")
    assert "price" in {t.theme.code for t in still.tags.all()}


def _survey(kind="csat", trigger="request_resolved", **kwargs):
    return Survey.objects.create(name="s", kind=kind, trigger=trigger, **kwargs)


def _resolve(company, customer=None):
    request = open_request(
        actor=company.agent,
        subject="Sofa",
        customer=customer or company.customer,
        queue=company.care_queue,
        assignee=company.agent,
    )
    return change_state(request=request, actor=company.agent, state=State.RESOLVED)


def test_resolving_a_request_sends_one_survey_in_the_customer_language(company):
    _survey()
    ContactFactory(customer=company.customer, value="ruta@example.com")
    request = _resolve(company)
    invitation = SurveyInvitation.objects.get()
    assert invitation.request == request and invitation.language == "lt"
    message = invitation.notification
    assert message.channel == "email" and message.recipient == "ruta@example.com"
    assert "/s/" in message.body and "?score=5" in message.body
    # A second resolution within the interval does not survey again.
    _resolve(company)
    assert SurveyInvitation.objects.count() == 1


def test_survey_without_address_is_recorded_as_not_sent(company):
    _survey()
    _resolve(company)
    assert SurveyInvitation.objects.get().state == "skipped"
    assert not Notification.objects.exists()


def test_answer_once_with_comment(company):
    _survey(kind="nps")
    company.customer.owner = company.agent2
    company.customer.save()
    ContactFactory(customer=company.customer)
    _resolve(company)
    invitation = SurveyInvitation.objects.get()
    token = services.survey_token(invitation)
    response = services.answer_survey(token=token, score=3)
    assert response.item.score == 3 and response.item.score_kind == "nps"
    follow_up = FollowUp.objects.get()
    assert follow_up.owner == company.agent2 and follow_up.reason == "detractor"
    with pytest.raises(services.LinkProblem) as used:
        services.answer_survey(token=token, score=10)
    assert used.value.reason == "used"
    services.comment_on_answer(token=token, comment="Per ilgai laukiau")
    response.item.refresh_from_db()
    assert response.item.text == "Per ilgai laukiau" and response.item.language == "lt"
    with pytest.raises(services.LinkProblem):
        services.comment_on_answer(token=token, comment="again")
    assert SurveyResponse.objects.count() == 1 and FeedbackItem.objects.count() == 1


def test_forged_and_expired_links_record_nothing(company):
    _survey()
    ContactFactory(customer=company.customer)
    _resolve(company)
    invitation = SurveyInvitation.objects.get()
    forged = signing.dumps(invitation.pk, salt="other")
    with pytest.raises(services.LinkProblem) as problem:
        services.answer_survey(token=forged, score=5)
    assert problem.value.reason == "forged"
    with pytest.raises(services.LinkProblem):
        services.answer_survey(token=services.survey_token(invitation) + "x", score=5)
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    invitation.save()
    with pytest.raises(services.LinkProblem) as problem:
        services.answer_survey(token=services.survey_token(invitation), score=5)
    assert problem.value.reason == "expired"
    assert not FeedbackItem.objects.exists()


def test_score_out_of_range_records_nothing(company):
    _survey(kind="ces")
    ContactFactory(customer=company.customer)
    _resolve(company)
    token = services.survey_token(SurveyInvitation.objects.get())
    with pytest.raises(ServiceError, match="from 1 to 7"):
        services.answer_survey(token=token, score=8)
    assert not SurveyResponse.objects.exists()
    services.answer_survey(token=token, score=7)  # still answerable
    assert FollowUp.objects.get().reason == "detractor"


def test_survey_only_for_its_tiers(company):
    survey = _survey()
    survey.tiers.add(company.gold)
    ContactFactory(customer=company.customer)
    _resolve(company)
    assert not SurveyInvitation.objects.exists()


def test_angry_comment_opens_follow_up_and_closing_notifies(company):
    ContactFactory(customer=company.customer, value="ruta@example.com")
    company.customer.owner = company.agent
    company.customer.save()
    item = services.record_feedback(
        text="WORST SERVICE EVER, NEVER AGAIN!!", source="email", customer=company.customer
    )
    follow_up = FollowUp.objects.get(item=item)
    assert follow_up.reason == "angry"
    with pytest.raises(NotAllowed):
        services.close_follow_up(follow_up=follow_up, actor=company.agent2, outcome="x")
    with pytest.raises(ServiceError):
        services.close_follow_up(follow_up=follow_up, actor=company.agent, outcome=" ")
    closed = services.close_follow_up(
        follow_up=follow_up,
        actor=company.agent,
        outcome="Called, refunded delivery",
        notify_customer=True,
    )
    assert closed.state == "closed" and closed.customer_notified
    sent = Notification.objects.get(recipient="ruta@example.com")
    assert sent.body == "Called, refunded delivery"


def test_overdue_follow_ups_notify_once(company):
    company.customer.owner = company.agent
    company.customer.save()
    item = services.record_feedback(
        text="", source="api", score_kind="csat", score=1, customer=company.customer
    )
    later = timezone.now() + timedelta(days=3)
    assert services.sweep_follow_ups(now=later) == 1
    assert services.sweep_follow_ups(now=later) == 0
    texts = list(company.agent.notices.values_list("text", flat=True))
    assert any("overdue" in t for t in texts)
    assert FollowUp.objects.get(item=item).overdue_notified


def _mentions(code: str, n: int, when, text="The courier was late again", customer=None):
    for _ in range(n):
        services.record_feedback(text=text, source="api", created_at=when, customer=customer)


def test_rising_theme_raises_an_alert_with_verbatims(company):
    AlertSubscription.objects.create(user=company.manager)
    company.manager.email = "manager@example.com"
    company.manager.save()
    now = timezone.now()
    for week in range(1, 9):
        _mentions("delivery", 2, now - timedelta(days=7 * week + 2))
    _mentions("delivery", 25, now - timedelta(days=1))
    alerts = services.detect_trends(now=now)
    delivery = [a for a in alerts if a.theme.code == "delivery" and a.kind == "volume"]
    assert delivery, [a.statistic for a in alerts]
    alert = delivery[0]
    assert "25 mentions" in alert.statistic and "p = " in alert.statistic
    assert alert.items.count() == 20
    assert company.manager.notices.filter(kind="voice_alert").exists()
    assert Notification.objects.filter(recipient="manager@example.com").exists()
    # Not raised twice in the same window.
    assert not [a for a in services.detect_trends(now=now) if a.theme.code == "delivery"]
    with pytest.raises(NotAllowed):
        services.act_on_alert(alert=alert, actor=company.agent, action="x", state="closed")
    with pytest.raises(ServiceError):
        services.act_on_alert(alert=alert, actor=company.manager, action="", state="closed")
    services.act_on_alert(
        alert=alert, actor=company.manager, action="Changed courier", state="closed"
    )
    assert Alert.objects.get(pk=alert.pk).action == "Changed courier"


def test_quiet_themes_raise_nothing(company):
    now = timezone.now()
    for week in range(0, 9):
        _mentions("delivery", 3, now - timedelta(days=7 * week + 2))
    assert services.detect_trends(now=now) == []


def test_rollups_and_dashboard_match_the_items(company):
    today = timezone.localdate()
    for score in (10, 9, 3, 7):
        services.record_feedback(
            text="", source="survey", score_kind="nps", score=score, customer=company.gold_customer
        )
    services.record_feedback(text="", source="survey", score_kind="csat", score=5)
    services.record_feedback(text="", source="survey", score_kind="ces", score=2)
    services.record_feedback(text="Ужасная доставка", source="api")
    selectors.rebuild_rollups(start=today, end=today)
    selectors.rebuild_rollups(start=today, end=today)  # idempotent
    data = selectors.dashboard(weeks=2, dimension="tier")
    week = data["overall"][-1]
    assert week["nps"] == 25 and week["nps_n"] == 4  # (2 promoters - 1 detractor) / 4
    assert week["csat"] == 100 and week["ces"] == 2.0
    assert week["comments"] == 1 and week["negative"] == 1
    gold = next(s for s in data["series"] if s["value"] == "gold")
    assert gold["total"]["nps"] == 25
    delivery = next(t for t in data["themes"] if t["code"] == "delivery")
    assert delivery["points"][-1] == {
        "week": data["weeks"][-1],
        "count": 1,
        "negative": 1,
        "negative_share": 100,
    }
    # The drill-down lists exactly the items behind a number.
    assert selectors.feedback_list(dimension="tier", value="gold", score_kind="nps").count() == 4
    assert selectors.feedback_list(detractors=True).count() == 1


def test_digest_once_per_week(company):
    company.agent.email = "agent@example.com"
    company.agent.save()
    last_week = timezone.localdate() - timedelta(days=7)
    services.record_feedback(
        text="Puikus aptarnavimas, ačiū",
        source="api",
        created_at=timezone.now() - timedelta(days=7),
    )
    digest, created, sent = services.make_digest(week_start=last_week, send=True)
    assert created and sent >= 1 and digest.sent_at
    assert digest.data["notable"]
    again = services.make_digest(week_start=last_week, send=True)
    assert again[2] == 0
    assert Notification.objects.filter(recipient="agent@example.com").count() == 1


def test_themes_are_edited_by_managers_only(company):
    with pytest.raises(NotAllowed):
        services.save_theme(actor=company.agent, name="Parking", keywords="parking")
    theme = services.save_theme(
        actor=company.manager, name="Parking", keywords="parking*, stovėjim*"
    )
    item = services.record_feedback(
        text="Nebuvo kur pastatyti, stovėjimo aikštelė pilna", source="api"
    )
    assert theme in [t.theme for t in item.tags.all()]
    with pytest.raises(ServiceError, match="exists"):
        services.save_theme(actor=company.manager, name="Parking", keywords="")
    assert ThemeTag.objects.filter(theme=theme).count() == 1


def test_delivered_order_sends_the_delivery_survey(company):
    from clientfocus.orders.models import Order
    from clientfocus.orders.services import record_milestone

    _survey(kind="nps", trigger="order_delivered")
    ContactFactory(customer=company.gold_customer, value="alexey@example.com")
    order = Order.objects.create(
        order_id="O-1", customer=company.gold_customer, placed_at=timezone.now(), amount=100
    )
    record_milestone(order=order, kind="delivered")
    invitation = SurveyInvitation.objects.get()
    assert invitation.order == order and invitation.language == "ru"
    assert "Насколько вероятно" in invitation.notification.body
    assert invitation.notification.body.count("?score=") == 11


def test_a_rise_among_gold_customers_is_raised_although_the_total_is_steady(company):
    now = timezone.now()
    standard, gold = company.customer, company.gold_customer
    for week in range(1, 9):
        when = now - timedelta(days=7 * week + 2)
        _mentions("delivery", 10, when, customer=standard)
        _mentions("delivery", 1, when, customer=gold)
    _mentions("delivery", 3, now - timedelta(days=1), customer=standard)
    _mentions("delivery", 9, now - timedelta(days=1), customer=gold)
    alerts = [a for a in services.detect_trends(now=now) if a.theme.code == "delivery"]
    assert [a.group for a in alerts if a.kind == "volume"] == [f"tier:{gold.tier.code}"]
    alert = alerts[0]
    assert alert.group == f"tier:{gold.tier.code}" and "among" in alert.statistic
    assert {i.customer_id for i in alert.items.all()} == {gold.pk}
