"""Who may do what with knowledge. One rule per object, read by the pages, the API, the
CLI and the panels on the request page:

- every employee reads playbooks, internal and public articles, templates and courses;
- managers and administrators write and publish them, approve drafts, see who skipped a
  mandatory step and who is not trained for their queues;
- an article's owner may edit its texts;
- whoever may handle a request ticks its playbook steps, inserts templates into its
  reply and, once it is resolved with a good score, turns its answer into a draft;
- customers (and anyone on the help centre) read published public articles only.
"""

from __future__ import annotations

from clientfocus.knowledge.models import Article, ArticleState, Visibility
from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of

STAFF = {Role.AGENT, Role.MANAGER, Role.ADMIN, Role.DEPARTMENT_STAFF}
EDITORS = {Role.MANAGER, Role.ADMIN}


def can_see_knowledge(user) -> bool:
    return role_of(user) in STAFF


def can_edit_knowledge(user) -> bool:
    return role_of(user) in EDITORS


def can_edit_article(user, article: Article) -> bool:
    return can_edit_knowledge(user) or (
        can_see_knowledge(user) and article.owner_id is not None and article.owner_id == user.pk
    )


def is_public(article: Article) -> bool:
    return article.visibility == Visibility.PUBLIC and article.state == ArticleState.PUBLISHED
