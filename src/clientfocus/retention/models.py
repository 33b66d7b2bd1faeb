"""A valuable customer drifting away, on the daily worklist until someone acted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    CALLED = "called", _("Called")
    OFFERED = "offered", _("Made an offer")
    NO_ACTION = "no_action", _("No action")
    LOST = "lost", _("Lost")


# Outcomes that mean someone reached out to the customer.
CONTACTED = (Outcome.CALLED, Outcome.OFFERED)


class RiskCase(models.Model):
    """One entry of the at-risk worklist: the signals found (with links to the evidence),
    the value at stake, who acts by when, and what was done. A customer has at most one
    open case; its signals are refreshed while it is open."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="risk_cases"
    )
    opened_on = models.DateField(default=timezone.localdate)
    signals = models.JSONField(default=list)
    value_at_stake = models.FloatField(default=0)
    p_alive = models.FloatField(null=True, blank=True)
    priority = models.FloatField(default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_cases",
    )
    due_on = models.DateField()
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refreshed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(outcome=""),
                name="risk_case_one_open",
            )
        ]
        indexes = [
            models.Index(fields=["outcome", "-priority"], name="risk_case_open"),
            models.Index(fields=["opened_on"], name="risk_case_opened"),
        ]

    def __str__(self) -> str:
        return f"risk case {self.pk} ({self.outcome or 'open'})"

    @property
    def is_open(self) -> bool:
        return not self.outcome

    @property
    def codes(self) -> list[str]:
        return [s.get("code", "") for s in self.signals]

    def in_time(self) -> bool:
        """Someone reached the customer by the due date."""
        return (
            self.outcome in CONTACTED
            and self.acted_at is not None
            and timezone.localdate(self.acted_at) <= self.due_on
        )
