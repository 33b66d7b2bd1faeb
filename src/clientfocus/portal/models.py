"""Sign-in to the customer portal: a one-time link and code sent to the customer's
e-mail (no password to forget). Only hashes are stored."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class PortalLogin(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="portal_logins"
    )
    email = models.CharField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["customer", "-created_at"], name="portal_login_recent")]

    def __str__(self) -> str:
        return f"sign-in for {self.customer_id} ({self.created_at:%Y-%m-%d %H:%M})"

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.expires_at > now
