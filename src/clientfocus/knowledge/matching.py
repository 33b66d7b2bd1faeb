"""Which playbooks apply to a request (pure: no Django).

A playbook names the situation it is for by up to five criteria: request categories,
channels, customer tiers, product lines and voice themes. An empty criterion matches
anything; a request matches when each criterion that is set contains the request's value
(for themes: any of the request's themes). The more criteria a playbook sets, the more
specific it is, and the more specific playbooks come first: "gold customers calling
about a late delivery" before "late deliveries".
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Criteria:
    key: Hashable
    categories: frozenset = field(default_factory=frozenset)
    channels: frozenset = field(default_factory=frozenset)
    tiers: frozenset = field(default_factory=frozenset)
    product_lines: frozenset = field(default_factory=frozenset)
    themes: frozenset = field(default_factory=frozenset)

    @property
    def specificity(self) -> int:
        return sum(
            1
            for values in (
                self.categories,
                self.channels,
                self.tiers,
                self.product_lines,
                self.themes,
            )
            if values
        )


@dataclass(frozen=True)
class Situation:
    category: Hashable | None = None
    channel: str = ""
    tier: Hashable | None = None
    product_line: str = ""
    themes: frozenset = field(default_factory=frozenset)


def _fold(value: str) -> str:
    return value.strip().casefold()


def matches(criteria: Criteria, situation: Situation) -> bool:
    if criteria.categories and situation.category not in criteria.categories:
        return False
    if criteria.channels and situation.channel not in criteria.channels:
        return False
    if criteria.tiers and situation.tier not in criteria.tiers:
        return False
    if criteria.product_lines and _fold(situation.product_line) not in {
        _fold(p) for p in criteria.product_lines
    }:
        return False
    return not (criteria.themes and not (criteria.themes & situation.themes))


def matching(playbooks: Iterable[Criteria], situation: Situation) -> list[Hashable]:
    """The keys of the playbooks that apply, the most specific first (ties: key order)."""
    found = [c for c in playbooks if matches(c, situation)]
    found.sort(key=lambda c: (-c.specificity, str(c.key)))
    return [c.key for c in found]


def fill(template: str, values: dict[str, str]) -> str:
    """A reply template with its placeholders filled: ``{name}`` becomes the value; an
    unknown placeholder and any other brace stay as written (never an error)."""
    out: list[str] = []
    i = 0
    while i < len(template):
        char = template[i]
        if char == "{":
            end = template.find("}", i + 1)
            name = template[i + 1 : end] if end != -1 else ""
            if end != -1 and name in values:
                out.append(values[name])
                i = end + 1
                continue
        out.append(char)
        i += 1
    return "".join(out)
