"""The outbox: every notification is a row written in the same transaction as the event
that caused it, then delivered at least once by the workers."""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientfocus.notify.addresses import valid_webhook_url
from clientfocus.notify.rendering import TemplateProblem, check_template


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryState(models.TextChoices):
    SKIPPED = "skipped", _("Not sent (opt-out or no address)")
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Failed for good")


class Notification(models.Model):
    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="idempotency key sent with every attempt",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=500)
    subject = models.CharField(max_length=250, blank=True)
    body = models.TextField()
    rule = models.ForeignKey(
        "notify.NotificationRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # The request it is about (a reply, an acknowledgement, a survey after resolving):
    # who may see the request decides who may see and resend the notification.
    request = models.ForeignKey(
        "service.Request",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A reply on a request that goes out to the customer (delivery state on the request).
    request_message = models.ForeignKey(
        "service.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    # E-mail only: threading headers (Message-ID, In-Reply-To, References, Auto-Submitted),
    # Reply-To, and files from storage ({"path", "filename", "content_type"}).
    headers = models.JSONField(default=dict, blank=True, db_default={})
    reply_to = models.CharField(max_length=254, blank=True, db_default="")
    attachments = models.JSONField(default=list, blank=True, db_default=[])
    # Carries a secret (a sign-in link or code): staff see that it was sent, not its text.
    sensitive = models.BooleanField(default=False, db_default=False)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="notification_due",
            ),
            models.Index(fields=["customer", "-created_at"], name="notification_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient} ({self.state})"

    @property
    def body_for_staff(self) -> str:
        """What an employee may read of it: personal links (survey answers, sign-in)
        and one-time codes never leave the outbox."""
        return redact(self.body) if self.sensitive else self.body

    @property
    def subject_for_staff(self) -> str:
        return redact(self.subject) if self.sensitive else self.subject


_LINK = re.compile(r"https?://\S+")
_CODE = re.compile(r"(?<![\w-])\d{6}(?![\w-])")


def redact(text: str) -> str:
    """A message with its personal links and one-time codes replaced."""
    return _CODE.sub("[code]", _LINK.sub("[personal link]", text or ""))


EVENTS = [
    ("placed", _("Order placed")),
    ("confirmed", _("Order confirmed")),
    ("packed", _("Order packed")),
    ("shipped", _("Order shipped")),
    ("out_for_delivery", _("Out for delivery")),
    ("delivered", _("Order delivered")),
    ("delayed", _("Order delayed")),
    ("cancelled", _("Order cancelled")),
    ("request_resolved", _("Request resolved")),
]


class NotificationRule(models.Model):
    """On which event, for which tiers, on which channel, how long before the delivery
    window: what the company promises to tell its customers (S3)."""

    name = models.CharField(_("name"), max_length=100)
    event = models.CharField(_("event"), max_length=30, choices=EVENTS)
    tiers = models.ManyToManyField(
        "customers.Tier", blank=True, verbose_name=_("tiers"), help_text=_("Empty: every tier.")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # A CharField with a URL validator (not URLField): http and https only, no scheme guessing.
    webhook_url = models.CharField(
        _("webhook URL"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    lead_minutes = models.PositiveIntegerField(
        _("minutes before the delivery window"),
        default=0,
        help_text=_("For 'out for delivery': send this long before the window opens."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("notification rule")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.channel == Channel.WEBHOOK or self.webhook_url:
            try:
                valid_webhook_url(self.webhook_url)
            except ValueError as exc:
                raise ValidationError({"webhook_url": str(exc)}) from exc


class NotificationTemplate(models.Model):
    """The words of a rule in one language (Django template syntax, plain text)."""

    rule = models.ForeignKey(NotificationRule, on_delete=models.CASCADE, related_name="templates")
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body = models.TextField(_("body"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "language"], name="one_template_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.rule} [{self.language}]"

    def clean(self) -> None:
        for field in ("subject", "body"):
            try:
                check_template(getattr(self, field))
            except TemplateProblem as exc:
                raise ValidationError({field: str(exc)}) from exc
