"""The scorecard's memory: thresholds as tuned, a snapshot of every criterion per month
(company and each department), the month's report figures, and who gets the monthly
e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Threshold(models.Model):
    """An administrator's threshold for a criterion (the default applies without one)."""

    code = models.CharField(max_length=40, unique=True)
    value = models.FloatField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.code} ≥ {self.value}"


class Snapshot(models.Model):
    """A criterion as it was measured for a month, with the threshold in force then: a
    threshold tuned later does not rewrite history (pages show both). ``scope`` is ""
    for the company or a department's code. A month is final once it is over and was
    measured one last time."""

    month = models.DateField()
    scope = models.CharField(max_length=40, blank=True)
    code = models.CharField(max_length=40)
    value = models.FloatField(null=True)
    part = models.PositiveIntegerField(default=0)
    whole = models.PositiveIntegerField(default=0)
    threshold = models.FloatField()
    met = models.BooleanField(null=True)
    final = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "scope", "code"], name="snapshot_once")
        ]
        indexes = [models.Index(fields=["scope", "month"], name="snapshot_scope_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.scope or 'company'} {self.code}"


class MonthFigures(models.Model):
    """A report's figures for a month (payback, product_line, tier, segment,
    order_cycle), as JSON rows computed by the worker."""

    month = models.DateField()
    kind = models.CharField(max_length=20)
    data = models.JSONField(default=dict)
    final = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "kind"], name="figures_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m}"


class Subscription(models.Model):
    """A manager who receives the scorecard by e-mail each month."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorecard_subscription"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_sent = models.DateField(null=True, blank=True)  # the month last sent

    def __str__(self) -> str:
        return f"scorecard e-mail to {self.user_id}"
