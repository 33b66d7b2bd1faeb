"""Events: how a lower app tells the apps above it that something happened.

Dependencies point down (docs/architecture.md). When something happens in a lower app
that a higher app reacts to — a request resolved, an order milestone recorded — the lower
app does not call up. It declares the event as a frozen dataclass (a subclass of
:class:`Event`, in its own ``events`` module) and publishes it; the apps above subscribe in
their ``AppConfig.ready()`` (each app's ``wiring`` module).

A subscriber says when it runs:

- ``inside`` (the default): at once, inside the publisher's transaction. What it writes
  (an outbox row, a survey invitation) commits or rolls back with the action, and an
  error in it fails the action — use it where the reaction must be atomic with the fact.
- ``after_commit``: once the transaction commits (``transaction.on_commit``, robust: a
  failing listener is logged and does not disturb the others) — for reactions that must
  only follow a stored fact and may fail on their own.

``catalogue()`` lists every declared event with its subscribers, so the list in the
architecture document is checked against the code by a test.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, TypeVar

from django.db import transaction

logger = logging.getLogger(__name__)

INSIDE = "inside"
AFTER_COMMIT = "after_commit"


@dataclass(frozen=True)
class Event:
    """Base of every event. Subclasses are frozen dataclasses holding the facts."""

    declared: ClassVar[list[type[Event]]] = []

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        Event.declared.append(cls)

    @classmethod
    def name(cls) -> str:
        """``service.RequestResolved``: the app that declares it and the event."""
        return f"{cls.__module__.split('.')[1]}.{cls.__name__}"


E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Subscription:
    event: type[Event]
    handler: Callable[[Event], None]
    when: str

    @property
    def listener(self) -> str:
        return f"{self.handler.__module__}.{self.handler.__qualname__}"


_subscriptions: dict[type[Event], list[Subscription]] = {}


def subscribe(event: type[E], handler: Callable[[E], None], *, when: str = INSIDE) -> None:
    """Call ``handler(event)`` whenever an ``event`` is published. Subscribing the same
    handler twice (``ready()`` run again in tests) keeps one subscription."""
    if when not in (INSIDE, AFTER_COMMIT):
        raise ValueError(f"when must be {INSIDE!r} or {AFTER_COMMIT!r}, not {when!r}")
    subscriptions = _subscriptions.setdefault(event, [])
    if any(s.handler == handler for s in subscriptions):
        return
    subscriptions.append(Subscription(event, handler, when))  # type: ignore[arg-type]


def publish(event: Event) -> None:
    """Tell every subscriber; ``inside`` ones now, ``after_commit`` ones after the commit."""
    for subscription in _subscriptions.get(type(event), ()):
        if subscription.when == AFTER_COMMIT:
            transaction.on_commit(partial(subscription.handler, event), robust=True)
        else:
            subscription.handler(event)


def catalogue() -> list[tuple[type[Event], list[Subscription]]]:
    """Every declared event, by name, with who listens (in subscription order)."""
    return [
        (event, list(_subscriptions.get(event, ())))
        for event in sorted(Event.declared, key=lambda e: e.name())
    ]
