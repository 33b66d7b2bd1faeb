"""Which fee a complaint about charges is about (pure: no Django).

A fee matches a text when every word of one of its names (in any language) is in the
text, compared by stems (``voice.sentiment.stem``: "deliveries" finds "delivery",
"доставку" finds "доставка", a Lithuanian word typed without its accents still matches).
When one matching name's words are all within another's, the longer one wins: "express
delivery" is about express delivery, not about the plain delivery fee; two unrelated
fees named in one complaint both match.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from clientfocus.voice.sentiment import stem, tokens

# Words that say nothing about which fee it is.
_FILLER_WORDS = """fee fees charge charges the a of for and per сбор плата за mokestis
    mokesčiai už ir pristojbina strošek stroški in शुल्क का की के"""
_FILLER = frozenset(_FILLER_WORDS.split())


@dataclass(frozen=True)
class Name:
    key: Hashable  # what a match points to (e.g. (service id, fee code))
    text: str
    language: str | None


def terms(text: str, language: str | None) -> frozenset[str]:
    return frozenset(stem(word, language) for word in tokens(text) if len(word) > 1)


def name_terms(name: str, language: str | None) -> frozenset[str]:
    words = [w for w in tokens(name) if w not in _FILLER and len(w) > 1]
    return frozenset(stem(word, language) for word in words)


class Matcher:
    """Fee names prepared once; ``match(text, language)`` gives the keys of the fees
    the text names, with the name that matched."""

    def __init__(self, names: Iterable[Name]) -> None:
        self._names: list[tuple[Name, frozenset[str]]] = []
        for name in names:
            needed = name_terms(name.text, name.language)
            if needed:
                self._names.append((name, needed))

    def __len__(self) -> int:
        return len(self._names)

    def match(self, text: str, language: str | None) -> dict[Hashable, str]:
        found = terms(text, language)
        if language not in (None, "en"):
            found = found | terms(text, "en")  # fee names are often English in any text
        matched: dict[Hashable, tuple[frozenset[str], str]] = {}
        for name, needed in self._names:
            if needed <= found and len(needed) > len(matched.get(name.key, (frozenset(),))[0]):
                matched[name.key] = (needed, name.text)
        return {
            key: text
            for key, (needed, text) in matched.items()
            if not any(needed < other for other, _text in matched.values())
        }
