"""Staffing: per-queue targets and assumptions, and the roster (who is on duty when)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class QueueStaffing(models.Model):
    """How a live queue (phone, chat) is planned."""

    queue = models.OneToOneField(
        "service.Queue", on_delete=models.CASCADE, related_name="staffing", verbose_name=_("queue")
    )
    interval_minutes = models.PositiveSmallIntegerField(
        _("interval (minutes)"), choices=[(15, "15"), (30, "30"), (60, "60")], default=30
    )
    aht_seconds = models.PositiveIntegerField(
        _("average handling time (seconds)"), default=300, validators=[MinValueValidator(1)]
    )
    patience_seconds = models.PositiveIntegerField(
        _("average patience (seconds)"),
        null=True,
        blank=True,
        help_text=_("Set it for queues where people hang up (Erlang A)."),
    )
    shrinkage = models.FloatField(
        _("shrinkage"),
        default=0.3,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.95)],
        help_text=_("Share of rostered time not spent on contacts (breaks, training)."),
    )
    history_weeks = models.PositiveSmallIntegerField(_("weeks of history"), default=8)
    channels = models.CharField(
        _("live channels"), max_length=60, default="phone,chat", help_text=_("Comma-separated.")
    )

    class Meta:
        verbose_name = _("queue staffing")

    def __str__(self) -> str:
        return f"{self.queue} staffing"

    @property
    def channel_list(self) -> list[str]:
        return [c.strip() for c in self.channels.split(",") if c.strip()]


class AnswerTarget(models.Model):
    """E.g. 80 % of gold contacts answered within 20 s."""

    staffing = models.ForeignKey(QueueStaffing, on_delete=models.CASCADE, related_name="targets")
    tier = models.ForeignKey("customers.Tier", on_delete=models.CASCADE, verbose_name=_("tier"))
    service_level = models.FloatField(
        _("service level"),
        validators=[MinValueValidator(0.01), MaxValueValidator(0.999)],
        help_text=_("Share answered within the target time, e.g. 0.8."),
    )
    target_seconds = models.PositiveIntegerField(_("answered within (seconds)"))

    class Meta:
        verbose_name = _("answer-time target")
        constraints = [
            models.UniqueConstraint(fields=["staffing", "tier"], name="one_target_per_tier")
        ]

    def __str__(self) -> str:
        return f"{self.tier}: {self.service_level:.0%} in {self.target_seconds} s"


class Shift(models.Model):
    """One person on duty for one queue."""

    employee = models.ForeignKey(
        "people.Employee",
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("employee"),
    )
    queue = models.ForeignKey(
        "service.Queue", on_delete=models.CASCADE, related_name="shifts", verbose_name=_("queue")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("shift")
        indexes = [models.Index(fields=["queue", "start"], name="shift_queue_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="shift_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["employee", "queue", "start"], name="one_shift_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"
