"""Who may do what with the catalogue. One rule per object, read by the pages, the API,
the CLI and the panels on the customer record and the request:

- every employee sees the catalogue, every version, the fees that apply to a customer,
  who was told of a change and the complaints per fee (those about feedback they may see);
- managers and administrators edit drafts, publish them and tell unreached customers again;
- a customer sees the published versions that apply to them, in their language.
"""

from __future__ import annotations

from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of

STAFF = {Role.AGENT, Role.MANAGER, Role.ADMIN, Role.DEPARTMENT_STAFF}
EDITORS = {Role.MANAGER, Role.ADMIN}


def can_see_catalogue(user) -> bool:
    return role_of(user) in STAFF


def can_edit_catalogue(user) -> bool:
    return role_of(user) in EDITORS
