"""The catalogue's front door: ``from clientfocus.catalogue import services``."""

from clientfocus.catalogue.services.complaints import link, matcher, relink
from clientfocus.catalogue.services.editing import (
    clean_fees,
    create_service,
    discard_draft,
    draft_of,
    fee_rows,
    save_draft,
    texts,
)
from clientfocus.catalogue.services.publishing import (
    Preview,
    message,
    preview,
    publish,
    tell,
    tell_again,
)

__all__ = [
    "Preview",
    "clean_fees",
    "create_service",
    "discard_draft",
    "draft_of",
    "fee_rows",
    "link",
    "matcher",
    "message",
    "preview",
    "publish",
    "relink",
    "save_draft",
    "tell",
    "tell_again",
    "texts",
]
