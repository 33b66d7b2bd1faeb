"""Notifications over the API: history per customer and order, resend."""

from uuid import UUID

from django.db import transaction
from ninja import Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.customers.models import Customer, Tier
from clientfocus.notify import selectors, services
from clientfocus.notify.addresses import valid_webhook_url
from clientfocus.notify.models import EVENTS, Channel, Notification, NotificationRule
from clientfocus.notify.permissions import can_resend, notifications_visible_to
from clientfocus.notify.rendering import TemplateProblem, check_template
from clientfocus.orders.models import Order
from clientfocus.people.selectors import is_admin, role_of
from clientfocus.service.permissions import can_see_overview

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    key: UUID
    channel: str
    recipient: str
    subject: str
    body: str
    state: str
    attempts: int
    last_error: str
    next_attempt_at: AwareDateTime
    sent_at: AwareDateTime | None
    created_at: AwareDateTime

    @staticmethod
    def resolve_body(obj) -> str:
        return str(obj.body_for_staff)

    @staticmethod
    def resolve_subject(obj) -> str:
        return str(obj.subject_for_staff)


def _employee(user) -> None:
    if role_of(user) is None:
        raise NotAllowed("employees only")


@router.get("/customer/{customer_id}", response=list[NotificationOut])
def customer_history(request, customer_id: UUID):
    _employee(request.auth)
    customer = Customer.objects.get(public_id=customer_id)
    return list(selectors.for_customer(customer.pk, user=request.auth))


@router.get("/order/{order_id}", response=list[NotificationOut])
def order_history(request, order_id: str):
    _employee(request.auth)
    order = Order.objects.get(order_id=order_id)
    return list(selectors.for_order(order.pk, user=request.auth))


@router.post("/{key}/resend", response=NotificationOut)
def resend(request, key: UUID):
    """Queue the notification again with the same idempotency key (who may see the
    request or order it is about; another's answers 404, like a missing one)."""
    _employee(request.auth)
    visible = notifications_visible_to(request.auth, Notification.objects.all())
    notification = visible.get(key=key)
    if not can_resend(request.auth, notification):
        raise NotAllowed("you may not resend this notification")
    return services.resend(notification=notification)


class TemplateIO(Schema):
    language: str = Field(min_length=2, max_length=8)
    subject: str = Field(default="", max_length=250)
    body: str = Field(min_length=1, max_length=5000)


class RuleIn(Input):
    name: str = Field(min_length=1, max_length=100)
    event: str
    channel: str
    tiers: list[str] = Field(default_factory=list, description="tier codes; empty = all")
    webhook_url: str = Field(default="", max_length=500)
    lead_minutes: int = Field(default=0, ge=0, le=7 * 24 * 60)
    active: bool = True
    templates: list[TemplateIO] = Field(min_length=1)


class RuleOut(Schema):
    id: int
    name: str
    event: str
    channel: str
    tiers: list[str]
    webhook_url: str
    lead_minutes: int
    active: bool
    templates: list[TemplateIO]

    @staticmethod
    def resolve_tiers(obj: NotificationRule) -> list[str]:
        return [t.code for t in obj.tiers.all()]

    @staticmethod
    def resolve_templates(obj: NotificationRule) -> list:
        return list(obj.templates.all())


def _save_rule(rule: NotificationRule, payload: RuleIn, user) -> NotificationRule:
    if not is_admin(user):
        raise NotAllowed("only administrators change notification rules")
    if payload.event not in {e for e, _ in EVENTS}:
        raise ServiceError("event", f"unknown event {payload.event!r}")
    if payload.channel not in Channel.values:
        raise ServiceError("channel", f"unknown channel {payload.channel!r}")
    if payload.channel == Channel.WEBHOOK or payload.webhook_url:
        try:
            valid_webhook_url(payload.webhook_url)
        except ValueError as exc:
            raise ServiceError("webhook_url", str(exc)) from exc
    tiers = list(Tier.objects.filter(code__in=payload.tiers))
    if len(tiers) != len(set(payload.tiers)):
        raise ServiceError("tiers", "unknown tier code")
    languages = [t.language for t in payload.templates]
    if len(languages) != len(set(languages)):
        raise ServiceError("templates", "one template per language")
    for template in payload.templates:
        for field in ("subject", "body"):
            try:
                check_template(getattr(template, field))
            except TemplateProblem as exc:
                raise ServiceError(f"templates.{template.language}.{field}", str(exc)) from exc
    with transaction.atomic():
        for field in ("name", "event", "channel", "webhook_url", "lead_minutes", "active"):
            setattr(rule, field, getattr(payload, field))
        rule.save()
        rule.tiers.set(tiers)
        rule.templates.all().delete()
        for template in payload.templates:
            rule.templates.create(**template.model_dump())
    return rule


@router.get("/rules", response=list[RuleOut])
def list_rules(request):
    """Rules and their webhook URLs: managers and administrators, as on the rules page."""
    if not can_see_overview(request.auth):
        raise NotAllowed("managers and administrators only")
    return list(NotificationRule.objects.prefetch_related("tiers", "templates"))


@router.post("/rules", response={201: RuleOut})
def create_rule(request, payload: RuleIn):
    return Status(201, _save_rule(NotificationRule(), payload, request.auth))


@router.put("/rules/{rule_id}", response=RuleOut)
def replace_rule(request, rule_id: int, payload: RuleIn):
    if not is_admin(request.auth):  # before the lookup: no hint whether a rule exists
        raise NotAllowed("only administrators change notification rules")
    return _save_rule(NotificationRule.objects.get(pk=rule_id), payload, request.auth)


@router.delete("/rules/{rule_id}", response={204: None})
def delete_rule(request, rule_id: int):
    if not is_admin(request.auth):
        raise NotAllowed("only administrators change notification rules")
    NotificationRule.objects.get(pk=rule_id).delete()
    return Status(204, None)
