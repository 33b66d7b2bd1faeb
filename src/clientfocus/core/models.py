"""Shared building blocks: timestamps, API tokens, scheduler slots."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyModel(models.Model):
    """A history row: written once, never changed (corrections are new rows)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError(f"{self._meta.verbose_name} rows are append-only")
        super().save(*args, **kwargs)

    # core.statements.insert may write a new row itself: it requires no primary key too.
    save.insert_as_is = True  # type: ignore[attr-defined]


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the raw token is
    shown once, when created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user: Any, name: str = "") -> tuple[ApiToken, str]:
        raw = "cf_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw))
        return token, raw


class ScheduledSlot(models.Model):
    """One row per periodic job per time slot: the unique constraint makes exactly one
    of many schedulers (threads, processes, machines) enqueue each run."""

    job = models.CharField(max_length=100)
    slot = models.BigIntegerField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")]

    def __str__(self) -> str:
        return f"{self.job}@{self.slot}"


class UsedSignature(models.Model):
    """A signed webhook that was accepted: the same signature again is a replay."""

    signature = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.signature[:12]


class WorkerHeartbeat(models.Model):
    """A `clientfocus worker` process (or the embedded demo's worker threads) saying it
    is alive; /readyz wants one seen recently."""

    worker = models.CharField(max_length=120, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.worker


class TaskRun(models.Model):
    """When each background task last finished successfully, whatever the task backend
    (database or RQ): written by the django-tasks ``task_finished`` signal, read by
    /metrics."""

    task_path = models.CharField(max_length=300, unique=True)
    last_success_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.task_path} @ {self.last_success_at:%Y-%m-%d %H:%M}"
