"""What a new version of a price list changes for a tier, and whether customers must be
told before it takes effect (pure: no Django).

A price list is a set of *lines*: a fee (its code) for one tier, or for every tier that
has no line of its own (``tier`` None). For a tier, the lines that apply are its own,
else the general ones. Comparing two versions for a tier gives the changes; a change
*needs notice* when the customer could pay more or get less: a new fee that costs
something, a higher amount, another currency or unit (amounts cannot be compared), or
changed conditions (what triggers the fee, what is free — the words decide what is
charged, so a change of words is treated as a possible raise). Lower and removed fees
take effect at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

NEW = "new"
RAISED = "raised"
TERMS = "terms"  # currency, unit or conditions changed
LOWERED = "lowered"
REMOVED = "removed"
NEEDS_NOTICE = frozenset({NEW, RAISED, TERMS})


@dataclass(frozen=True)
class Line:
    code: str
    tier: int | None
    amount: Decimal
    currency: str
    unit: str
    conditions: tuple[tuple[str, str], ...] = ()  # (language, trigger and free text), sorted


@dataclass(frozen=True)
class Change:
    code: str
    kind: str
    before: Line | None
    after: Line | None

    @property
    def needs_notice(self) -> bool:
        return self.kind in NEEDS_NOTICE


def conditions(*texts: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The comparable form of a line's condition texts per language (whitespace folded,
    empty translations left out)."""
    merged: dict[str, list[str]] = {}
    for text in texts:
        for language, value in (text or {}).items():
            merged.setdefault(language, []).append(" ".join(str(value).split()))
    return tuple(sorted((k, "\n".join(v)) for k, v in merged.items() if any(part for part in v)))


def effective(lines: Iterable[Line], tier: int | None) -> dict[str, Line]:
    """The lines that apply to ``tier``: its own for a fee, else the general one."""
    general: dict[str, Line] = {}
    own: dict[str, Line] = {}
    for line in lines:
        if line.tier is None:
            general[line.code] = line
        elif line.tier == tier:
            own[line.code] = line
    return {**general, **own}


def compare(before: Iterable[Line], after: Iterable[Line], tier: int | None) -> list[Change]:
    """What changes for ``tier`` from the ``before`` price list to ``after``, by fee code."""
    old, new = effective(before, tier), effective(after, tier)
    result: list[Change] = []
    for code in sorted(old.keys() | new.keys()):
        was, now = old.get(code), new.get(code)
        if was is None and now is not None:
            kind = NEW if now.amount > 0 or now.conditions else LOWERED
        elif now is None and was is not None:
            kind = REMOVED
        elif was is not None and now is not None:
            if (was.currency, was.unit) != (now.currency, now.unit):
                kind = TERMS
            elif now.amount > was.amount:
                kind = RAISED
            elif now.conditions != was.conditions:
                kind = TERMS
            elif now.amount < was.amount:
                kind = LOWERED
            else:
                continue
        else:  # pragma: no cover - a code comes from one of the two
            continue
        result.append(Change(code, kind, was, now))
    return result


def needs_notice(before: Iterable[Line], after: Iterable[Line], tier: int | None) -> bool:
    return any(change.needs_notice for change in compare(before, after, tier))


def tiers_to_tell(
    before: Iterable[Line], after: Iterable[Line], tiers: Iterable[int]
) -> dict[int, list[Change]]:
    """For each tier whose customers must be told, the changes that need notice."""
    before, after = list(before), list(after)
    told: dict[int, list[Change]] = {}
    for tier in tiers:
        changes = [c for c in compare(before, after, tier) if c.needs_notice]
        if changes:
            told[tier] = changes
    return told
