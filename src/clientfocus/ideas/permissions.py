"""Who may do what with ideas. One rule per object, read by the pages, the API, the
export and the customer record:

- every employee sees every idea (held and hidden ones too: they are staff's to judge),
  adds ideas for customers, votes for them, links requests and feedback, comments;
- managers and administrators also see *who* asked (voters and linked customers, the
  requests and feedback the viewer may see), change statuses, answer officially, merge,
  moderate and export;
- a customer sees listed ideas (public, not merged) and their own, never who voted.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clientfocus.ideas.models import Idea, Link, Visibility
from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of
from clientfocus.service.permissions import requests_visible_to
from clientfocus.voice.models import FeedbackItem
from clientfocus.voice.permissions import feedback_visible_to

STAFF = {Role.AGENT, Role.MANAGER, Role.ADMIN, Role.DEPARTMENT_STAFF}
DECIDERS = {Role.MANAGER, Role.ADMIN}


def can_see_ideas(user) -> bool:
    return role_of(user) in STAFF


def can_act_for_customers(user) -> bool:
    """Add ideas and votes for a customer, link their requests and feedback, comment."""
    return role_of(user) in {Role.AGENT, Role.MANAGER, Role.ADMIN}


def can_decide(user) -> bool:
    """Statuses, official answers, merges, moderation, who asked, exports."""
    return role_of(user) in DECIDERS


def ideas_visible_to(user, ideas: QuerySet[Idea] | None = None) -> QuerySet[Idea]:
    ideas = Idea.objects.all() if ideas is None else ideas
    return ideas if can_see_ideas(user) else ideas.none()


def ideas_for_customer(customer, ideas: QuerySet[Idea] | None = None) -> QuerySet[Idea]:
    """Listed ideas, and the customer's own (held for approval: they see it waits)."""
    ideas = Idea.objects.all() if ideas is None else ideas
    listed = Q(visibility=Visibility.PUBLIC, merged_into__isnull=True)
    own = Q(customer=customer) & ~Q(visibility=Visibility.HIDDEN)
    return ideas.filter(listed | own)


def links_visible_to(user, links: QuerySet[Link]) -> QuerySet[Link]:
    """Who asked where: deciders only, and a link to a request or feedback item only
    when the viewer may see that request or item (else the link would leak it)."""
    if not can_decide(user):
        return links.none()
    return links.filter(
        Q(request__isnull=True) | Q(request__in=requests_visible_to(user).values("pk"))
    ).filter(
        Q(feedback__isnull=True)
        | Q(feedback__in=feedback_visible_to(user, FeedbackItem.objects.all()).values("pk"))
    )
