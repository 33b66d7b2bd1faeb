"""Departments and employees (S1, S15: departments are customers of each other)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clientfocus.core.models import TimeStampedModel


class Department(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    # The service level this department receives when it files internal requests.
    tier = models.ForeignKey(
        "customers.Tier",
        verbose_name=_("tier for internal requests"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")


class Employee(TimeStampedModel):
    """A Django user working for the company: department and role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employee"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("employee")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def save(self, *args, **kwargs) -> None:
        # The admin role is what opens /admin/; other roles never keep that access.
        is_admin = self.role == Role.ADMIN
        user = self.user
        if user.is_staff != is_admin or user.is_superuser != is_admin:
            user.is_staff = user.is_superuser = is_admin
            user.save(update_fields=["is_staff", "is_superuser"])
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or self.user.is_superuser


class RoleCost(models.Model):
    """What an hour of an employee in a role costs, for cost-to-serve."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)
    hourly_cost = models.DecimalField(_("hourly cost"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        verbose_name = _("hourly cost of a role")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hourly_cost__gte=0), name="role_cost_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.hourly_cost} {self.currency}/h"
