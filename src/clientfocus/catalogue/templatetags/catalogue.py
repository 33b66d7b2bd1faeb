"""Template filters of the catalogue: a change's name."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from clientfocus.catalogue import changes

register = template.Library()

CHANGE_LABELS = {
    changes.NEW: _("new fee"),
    changes.RAISED: _("raised"),
    changes.TERMS: _("conditions changed"),
    changes.LOWERED: _("lowered"),
    changes.REMOVED: _("removed"),
}


@register.filter
def change_label(kind: str) -> str:
    return str(CHANGE_LABELS.get(kind, kind))
