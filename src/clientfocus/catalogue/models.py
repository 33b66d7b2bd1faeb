"""The service catalogue (S2): the company's services with their fees and conditions per
tier, in versions that are never edited once published; the notices that told customers
of a new or raised fee before it took effect; and the complaints about charges that name
a fee."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientfocus.core.texts import text_in

__all__ = ["text_in"]


class Unit(models.TextChoices):
    ONCE = "once", _("once")
    ORDER = "order", _("per order")
    ITEM = "item", _("per item")
    DELIVERY = "delivery", _("per delivery")
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")
    KM = "km", _("per km")


class Service(models.Model):
    """A service the company offers; what it is called and costs lives in its versions."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    product_line = models.CharField(_("product line"), max_length=60, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service")

    def __str__(self) -> str:
        return self.code


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Version(models.Model):
    """One version of a service: names, description and fees. A draft is edited until it
    is published; a published version is never changed again (a change is a new version).
    It applies from ``valid_from`` until the next published version starts, or until its
    own ``valid_to``."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=VersionState.choices, default="draft")
    names = models.JSONField(_("names"), default=dict)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    # What changes and why, per language: sent to the customers who must be told.
    change_note = models.JSONField(_("what changes"), default=dict, blank=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    lead_days = models.PositiveSmallIntegerField(_("notice given (days)"), default=0)
    # Whether publishing found a new or raised fee for some tier (then customers were told).
    raises = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["service", "-number"]
        verbose_name = _("service version")
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="one_version_number"),
            models.UniqueConstraint(
                fields=["service"], condition=models.Q(state="draft"), name="one_draft_per_service"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.state == VersionState.DRAFT

    def name_in(self, language: str) -> str:
        return text_in(self.names, language) or self.service.code

    def description_in(self, language: str) -> str:
        return text_in(self.descriptions, language)


class Fee(models.Model):
    """A line of a version's price list: one fee for one tier, or for every tier that has
    no line of its own for the same fee (``tier`` empty). An amount of 0 is free."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="fees")
    code = models.SlugField(_("fee code"), max_length=60)
    tier = models.ForeignKey(
        "customers.Tier",
        verbose_name=_("tier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    names = models.JSONField(_("names"), default=dict)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    triggers = models.JSONField(_("when it is charged"), default=dict, blank=True)
    free = models.JSONField(_("what is free"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code", "tier_id"]
        verbose_name = _("fee")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code", "tier"],
                condition=models.Q(tier__isnull=False),
                name="one_fee_line_per_tier",
            ),
            models.UniqueConstraint(
                fields=["version", "code"],
                condition=models.Q(tier__isnull=True),
                name="one_general_fee_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.amount} {self.currency}"

    def name_in(self, language: str) -> str:
        return text_in(self.names, language) or self.code


class NoticeState(models.TextChoices):
    QUEUED = "queued", _("message queued")
    UNREACHABLE = "unreachable", _("could not be reached")


class Notice(models.Model):
    """A customer of a tier that pays more under a version, and how they were told.
    Whether the message arrived is its outbox row's state (sent, failed for good)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="notices")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="fee_notices"
    )
    state = models.CharField(max_length=12, choices=NoticeState.choices)
    reason = models.CharField(max_length=200, blank=True)
    notification = models.ForeignKey(
        "notify.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "customer"], name="one_notice_per_version")
        ]
        indexes = [models.Index(fields=["customer", "version"], name="notice_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id} of {self.version_id}: {self.state}"


class Complaint(models.Model):
    """A feedback item tagged as a complaint about charges that names one of a
    service's fees (by its code: the fee across all versions)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="complaints")
    fee_code = models.SlugField(max_length=60)
    item = models.ForeignKey(
        "voice.FeedbackItem", on_delete=models.CASCADE, related_name="fee_complaints"
    )
    matched = models.CharField(max_length=200, blank=True)
    # The item's time, so complaints per fee over a period read one index.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "service", "fee_code"], name="one_complaint_link"
            )
        ]
        indexes = [
            models.Index(fields=["service", "fee_code", "created_at"], name="complaints_per_fee")
        ]

    def __str__(self) -> str:
        return f"{self.fee_code}: {self.item_id}"
