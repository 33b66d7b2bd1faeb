"""The ideas app's services, one module per concept (``submitting``, ``votes``,
``duplicates``, ``loop``); the front door stays ``from clientfocus.ideas import services``."""

from clientfocus.ideas.services.duplicates import accept, dismiss, merge, propose_duplicates
from clientfocus.ideas.services.loop import (
    from_unsubscribe_token,
    resubscribe,
    tell_askers,
    unsubscribe,
    unsubscribe_token,
)
from clientfocus.ideas.services.submitting import (
    change_status,
    comment,
    edit_idea,
    hide_comment,
    idea_from_feedback,
    idea_from_theme,
    link,
    moderate,
    submit_idea,
    theme_askers,
)
from clientfocus.ideas.services.votes import recount, refresh_weights, unvote, vote, voter_facts

__all__ = [
    "accept",
    "change_status",
    "comment",
    "dismiss",
    "edit_idea",
    "from_unsubscribe_token",
    "hide_comment",
    "idea_from_feedback",
    "idea_from_theme",
    "link",
    "merge",
    "moderate",
    "propose_duplicates",
    "recount",
    "refresh_weights",
    "resubscribe",
    "submit_idea",
    "tell_askers",
    "theme_askers",
    "unsubscribe",
    "unsubscribe_token",
    "unvote",
    "vote",
    "voter_facts",
]
