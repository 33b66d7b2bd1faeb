"""How well the analyser reads comments, over the API (managers): the figures of
``clientfocus voice evaluate`` on the shipped labelled sets."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Router

from clientfocus.core.errors import NotAllowed
from clientfocus.service.permissions import can_see_overview
from clientfocus.voice.services import evaluation_report

router = Router(tags=["voice"])


@router.get("/evaluation", response=dict[str, Any])
def evaluation(
    request,
    labelled: Literal["held-out", "dev"] = "held-out",
    shipped: bool = False,
):
    """Accuracy, polar accuracy, neutral comments called polar, per-class precision and
    recall and the confusion matrix per language and per kind of comment; theme
    precision and recall. ``labelled=held-out`` is the set written before the analyser
    was tuned (the honest figure); ``dev`` the one it was tuned and trained on.
    ``shipped=true``: a new installation's analyser instead of this one's."""
    if not can_see_overview(request.auth):
        raise NotAllowed("managers and administrators only")
    return evaluation_report(labelled, installed=not shipped).as_dict()
