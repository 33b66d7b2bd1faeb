"""What the service desk announces to the apps above it (they subscribe in their
``AppConfig.ready()``; the service desk never imports them).

Sent inside the transaction of the action, so a listener that writes (an outbox row)
commits or rolls back with it.
"""

from __future__ import annotations

from django.dispatch import Signal

# A message was added to a request. kwargs: ``message``, ``request``, ``attachments``
# (list of Attachment). Public replies go back to the customer on their channel.
message_posted = Signal()

# A request was opened by the customer themselves (e-mail, portal, contact form).
# kwargs: ``request``, ``message`` (may be None), ``acknowledge`` (bool: confirm by e-mail).
customer_request_opened = Signal()
