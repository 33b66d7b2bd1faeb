"""The customer record (S18): profile, contacts, language, tier, owner, consent."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientfocus.core.models import AppendOnlyModel, TimeStampedModel


class Tier(models.Model):
    """A service tier (standard, silver, gold, platinum): targets and privileges follow it."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=0, help_text=_("Higher rank = higher service level.")
    )
    is_default = models.BooleanField(_("default for new customers"), default=False)

    class Meta:
        ordering = ["-rank", "code"]
        verbose_name = _("tier")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_tier"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class Customer(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON
    )
    name = models.CharField(_("name"), max_length=200)
    company = models.ForeignKey(
        "self",
        verbose_name=_("company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        limit_choices_to={"kind": CustomerKind.COMPANY},
    )
    language = models.CharField(_("preferred language"), max_length=8, default="en")
    country = models.CharField(_("country"), max_length=2, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT)
    tier_locked = models.BooleanField(
        _("manual tier (not changed by tier policies)"), default=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_customers",
    )
    consent_email = models.BooleanField(_("may be e-mailed"), default=True)
    consent_sms = models.BooleanField(_("may receive SMS"), default=False)
    consent_marketing = models.BooleanField(_("accepts marketing"), default=False)
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=10,
        blank=True,
        choices=[("email", _("E-mail")), ("sms", _("SMS"))],
        help_text=_("Notifications use this channel whenever a rule would e-mail or text."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Raised to revoke every personal feedback link sent so far.
    feedback_link_version = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    portal_shares_requests = models.BooleanField(
        _("people of this company see its requests in the portal"),
        default=False,
        db_default=False,
        help_text=_("For companies: an administrator allows their contacts to see all of them."),
    )
    external_ref = models.CharField(_("external reference"), max_length=100, blank=True)
    # Lower-cased name for case-insensitive prefix search with an index on any database.
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    # Erasure on request (GDPR art. 17) is refused while a legal hold is set.
    legal_hold = models.BooleanField(_("legal hold"), default=False, db_default=False)
    legal_hold_reason = models.CharField(
        _("reason for the legal hold"), max_length=300, blank=True, db_default=""
    )
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~models.Q(external_ref=""),
                name="unique_customer_external_ref",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_name = self.name.casefold()[:200]
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    @property
    def primary_email(self) -> str:
        return next((c.value for c in self.contacts.all() if c.kind == ContactKind.EMAIL), "")

    @property
    def primary_phone(self) -> str:
        return next((c.value for c in self.contacts.all() if c.kind == ContactKind.PHONE), "")


class ContactKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")


def normalise_contact(kind: str, value: str) -> str:
    """E-mails compare case-insensitively; phones by their digits (a leading + kept)."""
    value = value.strip()
    if kind == ContactKind.EMAIL:
        return value.casefold()
    digits = re.sub(r"\D", "", value)
    return ("+" if value.startswith("+") else "") + digits


PHONE_KEY_DIGITS = 7


def contact_search_key(kind: str, normalised: str) -> str:
    if kind == ContactKind.PHONE:
        return normalised.lstrip("+")[-PHONE_KEY_DIGITS:]
    return normalised


class ContactPoint(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=254)
    normalised = models.CharField(max_length=254, editable=False, db_index=True)
    # Phones: the last 7 digits, so "612 34567" finds "+370 612 34567" through an index.
    search_key = models.CharField(max_length=254, editable=False, db_index=True, default="")
    label = models.CharField(_("label"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Set when mail to this address bounced; cleared when the customer writes from it.
    bouncing_since = models.DateTimeField(_("bouncing since"), null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "normalised"], name="unique_contact_per_customer"
            )
        ]

    def __str__(self) -> str:
        return self.value

    def save(self, *args, **kwargs) -> None:
        self.normalised = normalise_contact(self.kind, self.value)
        self.search_key = contact_search_key(self.kind, self.normalised)
        super().save(*args, **kwargs)


class CustomerEvent(AppendOnlyModel):
    """Append-only history of the customer record itself (created, tier or owner changed)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [models.Index(fields=["customer", "-created_at"], name="customer_event_timeline")]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.created_at:%Y-%m-%d %H:%M}"


class AccessAction(models.TextChoices):
    VIEWED = "viewed", _("Opened the record")
    EXPORTED = "exported", _("Exported")
    ERASED = "erased", _("Erased")


class RecordAccess(models.Model):
    """Who opened or exported which customer's data, and when (personal data in the EU:
    the company must be able to answer). Kept for ACCESS_LOG_DAYS; visible to
    administrators only. What is logged names the customer and the employee, never the
    data itself."""

    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    # Where: "page", "api", "api timeline", "export ZIP", …
    via = models.CharField(max_length=40)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "-at"], name="record_access_customer")]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.customer_id} @ {self.at:%Y-%m-%d %H:%M}"


class Erasure(models.Model):
    """One erasure on request: who did it, why, and how much each app removed. The
    customer row stays (anonymised) so figures and aggregates do not change."""

    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="erasures"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=500)
    via = models.CharField(max_length=40)
    removed = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} erased by {self.actor} @ {self.at:%Y-%m-%d %H:%M}"


class RetentionPolicy(models.Model):
    """How long closed requests, their messages and feedback keep their text (one row).
    0 days = kept until erased on request. Older ones are anonymised by the worker."""

    days = models.PositiveIntegerField(_("keep personal text for (days)"), default=0)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    changed_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_removed = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"retention {self.days} days"
