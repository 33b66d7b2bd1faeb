"""Grants to customers and the limits within which employees grant them alone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REFUND = "refund", _("refund")
    DISCOUNT = "discount", _("discount")
    GOODWILL = "goodwill", _("goodwill credit")
    FREE_DELIVERY = "free_delivery", _("free delivery")
    FEE_WAIVER = "fee_waiver", _("fee waiver")
    REPLACEMENT = "replacement", _("replacement")


class GrantLimit(models.Model):
    """What a role may grant of one kind to customers of a tier (or of every tier)."""

    role = models.CharField(_("role"), max_length=20)
    tier = models.ForeignKey(
        "customers.Tier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier"),
        help_text=_("Empty: every tier without its own limit."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    per_grant = models.DecimalField(
        _("per grant"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no ceiling."),
    )
    per_customer = models.DecimalField(
        _("per customer in the period"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no ceiling."),
    )
    period_days = models.PositiveSmallIntegerField(_("period (days)"), default=30)

    class Meta:
        verbose_name = _("grant limit")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "tier", "kind"], name="one_limit_per_role_tier_kind"
            ),
            models.UniqueConstraint(
                fields=["role", "kind"],
                condition=models.Q(tier__isnull=True),
                name="one_general_limit_per_role_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.kind} {self.tier or '*'}"


class GrantState(models.TextChoices):
    APPROVED = "approved", _("granted")
    PENDING = "pending", _("waiting for approval")
    DECLINED = "declined", _("declined")


class Grant(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="grants"
    )
    request = models.ForeignKey(
        "service.Request", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    reason = models.CharField(_("reason"), max_length=300)
    fee_code = models.CharField(_("fee waived"), max_length=60, blank=True)
    tier_code = models.CharField(max_length=30, blank=True)  # the customer's tier then
    state = models.CharField(max_length=10, choices=GrantState.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    exceeds = models.CharField(max_length=200, blank=True)  # why it needed approval
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="grant_not_negative")
        ]
        indexes = [
            models.Index(fields=["customer", "kind", "created_at"], name="grant_customer_kind"),
            models.Index(fields=["state", "created_at"], name="grant_state"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} → {self.customer_id}"
