"""The choices of requests: priority, state, channel, SLA state, message kind (their values
are stored; their labels are translated)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class State(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


ACTIVE_STATES = (State.NEW, State.OPEN, State.WAITING_ON_CUSTOMER)
CLOCK_RUNNING_STATES = (State.NEW, State.OPEN)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web form")
    PORTAL = "portal", _("Portal")
    CHAT = "chat", _("Chat")
    SMS = "sms", _("SMS")
    API = "api", _("API")
    INTERNAL = "internal", _("Internal")


class SlaState(models.TextChoices):
    OK = "ok", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")


class MessageKind(models.TextChoices):
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    CUSTOMER = "customer", _("Customer message")


TARGETS = ("first_response", "next_response", "resolution")
