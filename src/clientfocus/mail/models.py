"""Mailboxes, every message that came in (kept raw), and the Message-IDs that thread
mail onto requests."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Security(models.TextChoices):
    SSL = "ssl", _("TLS from the start (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (only for a server on this machine)")


class AfterImport(models.TextChoices):
    MARK_READ = "mark_read", _("Mark as read")
    MOVE = "move", _("Move to another folder")
    DELETE = "delete", _("Delete")


class Mailbox(models.Model):
    """An address customers write to, fetched over IMAP into a queue."""

    address = models.EmailField(_("address"), unique=True)
    queue = models.ForeignKey(
        "service.Queue", verbose_name=_("queue"), on_delete=models.PROTECT, related_name="+"
    )
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=200, blank=True)
    password_env = models.CharField(
        _("environment variable with the password"),
        max_length=100,
        blank=True,
        help_text=_("The password itself is never stored; e.g. MAILBOX_SUPPORT_PASSWORD."),
    )
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    after_import = models.CharField(
        _("after import"), max_length=10, choices=AfterImport.choices, default=AfterImport.MARK_READ
    )
    move_to = models.CharField(_("move to folder"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # One worker watches a mailbox at a time: it holds the lease and renews it.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_fetch_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.address

    def clean(self) -> None:
        if self.after_import == AfterImport.MOVE and not self.move_to.strip():
            raise ValidationError({"move_to": _("Name the folder to move imported mail to.")})
        if self.imap_host and not self.password_env:
            raise ValidationError({"password_env": _("Name the environment variable.")})

    def password(self) -> str:
        return os.environ.get(self.password_env, "") if self.password_env else ""

    @property
    def fetches(self) -> bool:
        return bool(self.active and self.imap_host)


class InboundState(models.TextChoices):
    RECEIVED = "received", _("Received, not yet processed")
    PROCESSED = "processed", _("Added to a request")
    IGNORED = "ignored", _("Ignored (automatic, bounce, duplicate)")
    HELD = "held", _("Held for review")
    FAILED = "failed", _("Failed")


class InboundMail(models.Model):
    """Every message that arrived, kept raw first, so nothing is lost whatever happens
    next; failures are listed for an administrator to retry."""

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    # The Message-ID (or "sha256:…" of the bytes when it has none): stored once.
    message_id = models.CharField(max_length=520, unique=True)
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=1000, blank=True)
    raw = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    state = models.CharField(
        max_length=10, choices=InboundState.choices, default=InboundState.RECEIVED
    )
    reason = models.CharField(max_length=500, blank=True)
    request = models.ForeignKey(
        "service.Request", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request_message = models.ForeignKey(
        "service.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("incoming message")
        indexes = [
            models.Index(
                fields=["state", "-received_at"],
                condition=models.Q(state__in=["failed", "held", "received"]),
                name="inbound_attention",
            ),
            models.Index(fields=["sender", "received_at"], name="inbound_sender_time"),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject[:60]} ({self.state})"


class MailReference(models.Model):
    """A customer's Message-ID and the request it belongs to: how answers find their
    request (In-Reply-To / References). Our own Message-IDs name their request and need
    no row."""

    message_id = models.CharField(max_length=520, unique=True)
    request = models.ForeignKey(
        "service.Request", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["request", "created_at"], name="mailref_request_time")]

    def __str__(self) -> str:
        return self.message_id
