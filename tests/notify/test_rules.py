"""Rules turn order milestones into notifications: language, lead time, quiet hours, opt-outs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from clientfocus.notify import services
from clientfocus.notify.models import DeliveryState, Notification, NotificationRule
from clientfocus.orders.models import Order
from clientfocus.orders.services import record_milestone
from tests.factories import ContactFactory


@pytest.fixture
def rule(company):
    rule = NotificationRule.objects.create(
        name="Courier soon", event="out_for_delivery", channel="email", lead_minutes=60
    )
    rule.templates.create(
        language="en",
        subject="Your order {{ order_id }}",
        body="Hello {{ customer_name }}, the courier comes {{ window_start }}"
        "–{{ window_end }}. Phone: {{ courier_phone }}.",
    )
    rule.templates.create(
        language="lt",
        subject="Jūsų užsakymas {{ order_id }}",
        body="Sveiki, {{ customer_name }}! Kurjeris atvyks {{ window_start }}.",
    )
    return rule


@pytest.fixture
def order(company):
    company.customer.timezone = "Europe/Vilnius"
    company.customer.save()
    ContactFactory(customer=company.customer, value="ruta@example.lt")
    return Order.objects.create(
        order_id="N-1",
        customer=company.customer,
        amount=Decimal("10"),
        placed_at=timezone.now() - timedelta(days=1),
    )


def test_milestone_writes_a_notification_in_the_customers_language(rule, order, settings):
    settings.QUIET_HOURS = ""
    start = timezone.now() + timedelta(hours=5)
    record_milestone(
        order=order,
        kind="out_for_delivery",
        window_start=start,
        window_end=start + timedelta(hours=2),
        courier_phone="+370 611 11111",
    )
    note = Notification.objects.get()
    assert note.recipient == "ruta@example.lt" and note.subject == "Jūsų užsakymas N-1"
    local = start.astimezone(ZoneInfo("Europe/Vilnius")).strftime("%Y-%m-%d %H:%M")
    assert f"Kurjeris atvyks {local}" in note.body
    # Sent an hour before the window opens.
    assert abs((note.next_attempt_at - (start - timedelta(hours=1))).total_seconds()) < 1


def test_english_is_the_fallback_and_tiers_filter(rule, order, company, settings):
    settings.QUIET_HOURS = ""
    company.customer.language = "sl"
    company.customer.save()
    start = timezone.now() + timedelta(hours=1)
    record_milestone(
        order=order,
        kind="out_for_delivery",
        window_start=start,
        window_end=start + timedelta(hours=1),
    )
    assert Notification.objects.get().subject == "Your order N-1"
    rule.tiers.add(company.gold)  # the customer is standard: no more notifications
    record_milestone(order=order, kind="delivered")
    assert Notification.objects.count() == 1


def test_opt_out_wins_and_is_visible(rule, order, company):
    company.customer.consent_email = False
    company.customer.save()
    start = timezone.now() + timedelta(hours=3)
    record_milestone(
        order=order,
        kind="out_for_delivery",
        window_start=start,
        window_end=start + timedelta(hours=1),
    )
    note = Notification.objects.get()
    assert note.state == DeliveryState.SKIPPED and "does not accept e-mail" in note.last_error
    assert services.deliver_due() == 0


def test_quiet_hours_in_the_customers_time_zone(settings):
    settings.QUIET_HOURS = "21:00-08:00"
    late = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)  # 23:30 in Vilnius
    moved = services.quiet_until(late, "Europe/Vilnius")
    assert moved.astimezone(ZoneInfo("Europe/Vilnius")).strftime("%d %H:%M") == "24 08:00"
    day = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert services.quiet_until(day, "Europe/Vilnius") == day


def test_rolled_back_milestone_sends_nothing(rule, order):
    start = timezone.now() + timedelta(hours=3)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_milestone(
            order=order,
            kind="out_for_delivery",
            window_start=start,
            window_end=start + timedelta(hours=1),
        )
        raise RuntimeError("storage failed")
    assert Notification.objects.count() == 0


def test_preview_cli(rule, order, company, capsys):
    call_command("notify", "preview", str(rule.pk), "--customer", str(company.customer.public_id))
    out = capsys.readouterr().out
    assert "to: ruta@example.lt (lt)" in out and "Sveiki, Rūta Žukauskienė!" in out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown rule"):
        call_command("notify", "preview", "999", "--customer", str(company.customer.public_id))


def test_a_broken_template_is_refused_in_the_admin(rule, company, web_as):
    from django.core.exceptions import ValidationError

    from clientfocus.notify.models import NotificationTemplate

    template = NotificationTemplate(rule=rule, language="ru", body="{% if %}")
    with pytest.raises(ValidationError):
        template.full_clean()


def test_a_resolved_request_triggers_its_rule(company, settings):
    from clientfocus.service import services as desk

    settings.QUIET_HOURS = ""
    ContactFactory(customer=company.customer, value="ruta@example.lt")
    rule = NotificationRule.objects.create(
        name="Resolved", event="request_resolved", channel="email"
    )
    rule.templates.create(
        language="en", subject="{{ request_reference }} is resolved", body="{{ request_subject }}"
    )
    request = desk.open_request(
        actor=company.agent, customer=company.customer, subject="Oven", queue=company.care_queue
    )
    desk.change_state(request=request, actor=company.agent, state="resolved")
    note = Notification.objects.get()
    assert note.subject == f"{request.reference} is resolved" and note.body == "Oven"


def test_history_and_resend_through_api_and_page(rule, order, company, api_as, web_as):
    start = timezone.now() + timedelta(hours=3)
    record_milestone(
        order=order,
        kind="out_for_delivery",
        window_start=start,
        window_end=start + timedelta(hours=1),
    )
    note = Notification.objects.get()
    Notification.objects.filter(pk=note.pk).update(state=DeliveryState.DEAD, last_error="HTTP 500")
    api = api_as(company.billing_staff)
    history = api.get(f"/api/notifications/customer/{company.customer.public_id}").json()
    assert [h["state"] for h in history] == ["dead"] and history[0]["last_error"] == "HTTP 500"
    assert api.get("/api/notifications/order/N-1").json()[0]["key"] == str(note.key)
    page = web_as(company.agent).get("/orders/N-1/").content.decode()
    assert "HTTP 500" in page and "Resend" in page
    client = web_as(company.agent)
    client.post(f"/notifications/{note.key}/resend/", {"next": "/orders/N-1/"})
    note.refresh_from_db()
    assert note.state == DeliveryState.PENDING
    Notification.objects.filter(pk=note.pk).update(state=DeliveryState.DEAD)
    assert api.post(f"/api/notifications/{note.key}/resend").json()["state"] == "pending"
    record = web_as(company.agent).get(f"/customers/{company.customer.public_id}/").content.decode()
    assert 'data-testid="notifications"' in record
    timeline = api.get(f"/api/customers/{company.customer.public_id}/timeline").json()
    assert any(i["kind"] == "notification" and i["data"]["state"] == "pending" for i in timeline)


def test_rules_page_previews_for_a_sample_customer(rule, order, company, web_as, client):
    page = web_as(company.manager).get(
        "/notifications/rules/", {"rule": rule.pk, "customer": "ruta@example.lt"}
    )
    body = page.content.decode()
    assert 'data-testid="rule-preview"' in body and "Sveiki, Rūta Žukauskienė!" in body
    missing = web_as(company.manager).get(
        "/notifications/rules/", {"rule": rule.pk, "customer": "nobody-at-all"}
    )
    assert "No customer matches" in missing.content.decode()
    client.force_login(company.agent)
    assert client.get("/notifications/rules/").status_code == 404


def test_rules_crud_through_the_api(company, api_as):
    admin = api_as(company.admin)
    payload = {
        "name": "Delayed",
        "event": "delayed",
        "channel": "sms",
        "tiers": ["gold"],
        "templates": [
            {"language": "en", "body": "Order {{ order_id }} now arrives {{ new_date }}."},
            {"language": "ru", "body": "Заказ {{ order_id }} приедет {{ new_date }}."},
        ],
    }
    created = admin.post("/api/notifications/rules", payload)
    assert created.status_code == 201 and created.json()["tiers"] == ["gold"]
    rule_id = created.json()["id"]
    payload["templates"] = [{"language": "en", "body": "Late: {{ order_id }}"}]
    replaced = admin.client.put(
        f"/api/notifications/rules/{rule_id}", payload, content_type="application/json"
    )
    assert [t["language"] for t in replaced.json()["templates"]] == ["en"]
    broken = {**payload, "templates": [{"language": "en", "body": "{% if %}"}]}
    assert admin.post("/api/notifications/rules", broken).status_code == 422
    assert admin.post("/api/notifications/rules", {**payload, "event": "moon"}).status_code == 422
    assert (
        admin.post("/api/notifications/rules", {**payload, "channel": "webhook"}).status_code == 422
    )
    assert api_as(company.manager).post("/api/notifications/rules", payload).status_code == 403
    assert len(api_as(company.agent).get("/api/notifications/rules").json()) == 1
    assert admin.client.delete(f"/api/notifications/rules/{rule_id}").status_code == 204
    assert NotificationRule.objects.count() == 0


def test_the_customers_preferred_channel_wins(rule, order, company, settings):
    settings.QUIET_HOURS = ""
    ContactFactory(customer=company.customer, kind="phone", value="+370 612 34567")
    company.customer.preferred_channel = "sms"
    company.customer.consent_sms = True
    company.customer.save()
    start = timezone.now() + timedelta(hours=3)
    record_milestone(
        order=order,
        kind="out_for_delivery",
        window_start=start,
        window_end=start + timedelta(hours=1),
    )
    note = Notification.objects.get()
    assert note.channel == "sms" and note.recipient == "+370 612 34567"
