"""E-mail in and out: receiving (``inbound``) and sending (``outbound``); this package is
the mail app's front door (``from clientfocus.mail import services``)."""

from clientfocus.mail.services.inbound import (
    Outcome,
    detect_language,
    process,
    receive,
    retry,
)
from clientfocus.mail.services.outbound import (
    OUR_ID,
    address_of,
    local_time,
    portal_link,
    send_acknowledgement,
    send_reply,
)

__all__ = [
    "OUR_ID",
    "Outcome",
    "address_of",
    "detect_language",
    "local_time",
    "portal_link",
    "process",
    "receive",
    "retry",
    "send_acknowledgement",
    "send_reply",
]
