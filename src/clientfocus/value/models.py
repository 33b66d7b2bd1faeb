"""Stored value figures per customer and the model fits that produced them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ValueFit(models.Model):
    """One `value refresh`: the fitted parameters and when."""

    computed_at = models.DateTimeField(default=timezone.now)
    customers = models.PositiveIntegerField(default=0)
    bgnbd = models.JSONField(null=True, blank=True)
    gammagamma = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    # A full refresh aggregates every customer; an incremental one only those whose
    # orders or requests changed (``changed``), and predicts for everyone.
    full = models.BooleanField(default=True, db_default=True)
    changed = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["-computed_at"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"value fit {self.computed_at:%Y-%m-%d %H:%M}"


class CustomerValue(models.Model):
    # Derived figures, rebuilt by every refresh: no foreign-key constraint in the database
    # (it would check a million rows at each refresh's commit); the refresh writes only
    # customers it read, and deleting a customer deletes its figures (CASCADE, by Django).
    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="value",
        db_constraint=False,
    )
    orders = models.PositiveIntegerField(_("orders"), default=0)
    purchase_days = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(_("revenue"), max_digits=16, decimal_places=2, default=0)
    # Revenue after the first purchase day: the spend model's repeat purchases.
    repeat_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0, db_default=0)
    first_order_at = models.DateTimeField(null=True, blank=True)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True)
    recency_score = models.PositiveSmallIntegerField(default=0)
    frequency_score = models.PositiveSmallIntegerField(default=0)
    monetary_score = models.PositiveSmallIntegerField(default=0)
    segment = models.CharField(_("segment"), max_length=30, blank=True)
    p_alive = models.FloatField(_("probability still active"), null=True, blank=True)
    expected_purchases_12m = models.FloatField(null=True, blank=True)
    expected_spend = models.FloatField(null=True, blank=True)
    lifetime_value_12m = models.FloatField(_("expected value, 12 months"), null=True, blank=True)
    # The staff-time part of the cost to serve.
    staff_cost = models.FloatField(default=0, db_default=0.0)
    cost_to_serve = models.FloatField(_("cost to serve"), default=0)
    margin = models.FloatField(_("gross margin"), default=0)
    profitability = models.FloatField(_("profitability"), default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["-lifetime_value_12m"], name="value_clv_desc"),
            # Equality only: no pattern-matching twin (db_index on a CharField adds one on
            # PostgreSQL, and each index is rebuilt by every refresh).
            models.Index(fields=["segment"], name="value_segment"),
        ]

    def __str__(self) -> str:
        return f"value of {self.customer_id}"

    @property
    def rfm_code(self) -> str:
        return f"{self.recency_score}{self.frequency_score}{self.monetary_score}"


class TierPolicyVersion(models.Model):
    """One saved version of the tier policy (see value.tiering); versions are never
    edited, a change is a new version. The applied one is marked active."""

    version = models.PositiveIntegerField(unique=True)
    rules = models.JSONField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("tier policy version")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_tier_policy",
            )
        ]

    def __str__(self) -> str:
        return f"tier policy v{self.version}"


class ValueMark(models.Model):
    """A customer's P(alive) and 12-month value as they stood in a month (the first
    refresh of each month writes them), so a later figure can be read against the
    customer's own history: the at-risk worklist compares today's with these."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    p_alive = models.FloatField(null=True)
    lifetime_value_12m = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "month"], name="value_mark_once")
        ]
        indexes = [models.Index(fields=["month"], name="value_mark_month")]

    def __str__(self) -> str:
        return f"value of {self.customer_id} in {self.month:%Y-%m}"
