"""Texts kept per language (``{"en": …, "lt": …}``): what a reader gets."""

from __future__ import annotations


def text_in(texts: dict[str, str] | None, language: str) -> str:
    """A translated text in ``language``, else English, else any language it has."""
    texts = texts or {}
    return texts.get(language) or texts.get("en") or next((t for t in texts.values() if t), "")
