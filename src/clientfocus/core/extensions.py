"""Extension points: places where a lower app lets the apps above it contribute.

A page that shows what several apps know (the customer record, the request page) is
drawn by the lower app that owns it from the *panels* the higher apps contribute; the
worker runs the *periodic jobs* and *background loops* each app registers. The lower app
declares the point, the higher apps contribute in their ``AppConfig.ready()`` (their
``wiring`` module), and the lower app never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.http import HttpRequest

T = TypeVar("T")


@dataclass(frozen=True)
class Contribution(Generic[T]):
    key: str
    item: T
    order: int


class ExtensionPoint(Generic[T]):
    """A named, ordered set of contributions; the same key contributed again replaces
    the earlier one (so ``ready()`` may run twice)."""

    all: dict[str, ExtensionPoint[Any]] = {}

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.doc = doc
        self._items: dict[str, Contribution[T]] = {}
        ExtensionPoint.all[name] = self

    def contribute(self, key: str, item: T, *, order: int = 100) -> T:
        self._items[key] = Contribution(key, item, order)
        return item

    def contributions(self) -> list[Contribution[T]]:
        return sorted(self._items.values(), key=lambda c: (c.order, c.key))

    def __iter__(self) -> Iterator[T]:
        return iter([c.item for c in self.contributions()])

    def __len__(self) -> int:
        return len(self._items)


# -- panels ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """A part of a page another app draws. ``context(request, **objects)`` returns the
    template's context, or None when the panel has nothing to show to this reader."""

    template: str
    context: Callable[..., dict[str, Any] | None]
    region: str = "main"


@dataclass(frozen=True)
class ShownPanel:
    """A panel with its context for this reader; the page draws it with
    ``{% panel shown %}`` (core's template tags) in its own context, so the request,
    the CSRF token and the page's variables are there without rendering twice."""

    key: str
    region: str
    template: str
    context: dict[str, Any]


def panels_for(
    point: ExtensionPoint[Panel], request: HttpRequest, **objects: Any
) -> dict[str, list[ShownPanel]]:
    """The contributed panels with something to show this reader, grouped by region."""
    regions: dict[str, list[ShownPanel]] = {}
    for contribution in point.contributions():
        panel = contribution.item
        context = panel.context(request, **objects)
        if context is None:
            continue
        regions.setdefault(panel.region, []).append(
            ShownPanel(contribution.key, panel.region, panel.template, {**objects, **context})
        )
    return regions
