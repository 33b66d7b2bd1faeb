"""Template filters of the catalogue: a text in the reader's language, a change's name."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from clientfocus.catalogue import changes
from clientfocus.catalogue.models import text_in

register = template.Library()

CHANGE_LABELS = {
    changes.NEW: _("new fee"),
    changes.RAISED: _("raised"),
    changes.TERMS: _("conditions changed"),
    changes.LOWERED: _("lowered"),
    changes.REMOVED: _("removed"),
}


@register.filter
def in_lang(texts, language: str) -> str:
    """``{{ version.names|in_lang:LANGUAGE_CODE }}``: the text in that language, else
    English, else any."""
    return text_in(texts if isinstance(texts, dict) else {}, language)


@register.filter
def change_label(kind: str) -> str:
    return str(CHANGE_LABELS.get(kind, kind))
