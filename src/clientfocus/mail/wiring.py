"""What the mail app adds to the apps below it: public replies and acknowledgements go
out by e-mail (events), and the mailboxes are fetched (a background loop).
Wired in ``MailConfig.ready()``."""

from __future__ import annotations

from clientfocus.core.events import subscribe
from clientfocus.core.scheduler import BackgroundLoop, background_loops
from clientfocus.mail.imap import MailSupervisor, fetch_all
from clientfocus.mail.services.outbound import send_acknowledgement, send_reply
from clientfocus.service.events import CustomerRequestOpened, MessagePosted
from clientfocus.service.models import Channel, MessageKind


def on_message_posted(event: MessagePosted) -> None:
    """A public reply on a customer's request goes back to them (notes never)."""
    if event.message.kind == MessageKind.REPLY and event.request.customer_id is not None:
        send_reply(message=event.message, attachments=event.attachments)


def on_customer_request_opened(event: CustomerRequestOpened) -> None:
    if event.acknowledge and event.request.channel != Channel.SMS:
        send_acknowledgement(request=event.request)


def wire() -> None:
    # Inside the transaction: the outbox row commits with the message.
    subscribe(MessagePosted, on_message_posted)
    subscribe(CustomerRequestOpened, on_customer_request_opened)
    background_loops.contribute(
        "mail.fetch", BackgroundLoop("mail.fetch", MailSupervisor, run_once=fetch_all)
    )
