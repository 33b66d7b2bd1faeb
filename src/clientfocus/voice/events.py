"""What the voice engine announces to the apps above it (``clientfocus.core.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from clientfocus.core.events import Event
from clientfocus.voice.models import FeedbackItem


@dataclass(frozen=True)
class FeedbackThemed(Event):
    """The themes of a feedback item were set: by the analyser when it was recorded or
    re-tagged, or by staff. ``themes``: the codes of its active themes now."""

    item: FeedbackItem
    themes: frozenset[str]
