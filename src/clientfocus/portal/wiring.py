"""What the portal adds to the apps below it: its part of erasure on request.
Wired in ``PortalConfig.ready()``."""

from __future__ import annotations

from clientfocus.customers.privacy import erasers
from clientfocus.portal import privacy


def wire() -> None:
    erasers.contribute("portal.logins", privacy.erase, order=80)
