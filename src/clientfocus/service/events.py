"""What the service desk announces to the apps above it (``clientfocus.core.events``).

The desk never imports the apps that react; they subscribe in their ``wiring`` module.
All are published inside the action's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from clientfocus.core.events import Event
from clientfocus.service.models import Attachment, Message, Request


@dataclass(frozen=True)
class MessagePosted(Event):
    """A message was added to a request (a reply, a note, what the customer wrote).
    Public replies go back to the customer on their channel."""

    message: Message
    request: Request
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class CustomerRequestOpened(Event):
    """A customer opened a request themselves (e-mail, portal, contact form);
    ``acknowledge``: confirm it to them by e-mail."""

    request: Request
    message: Message | None
    acknowledge: bool


@dataclass(frozen=True)
class RequestResolved(Event):
    """A request became resolved (by staff or by the customer)."""

    request: Request
    previous_state: str
    at: datetime
