"""What the mail app adds to the apps below it: public replies and acknowledgements go
out by e-mail (events), and the mailboxes are fetched (a background loop).
Wired in ``MailConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.metrics_core import Metric

from clientfocus.core.events import subscribe
from clientfocus.core.metrics import gauge, metric_collectors
from clientfocus.core.scheduler import BackgroundLoop, background_loops
from clientfocus.mail.imap import MailSupervisor, fetch_all
from clientfocus.mail.models import Mailbox
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


def mailbox_metrics() -> Iterable[Metric]:
    rows = Mailbox.objects.filter(active=True).values_list("address", "last_error")
    yield gauge(
        "clientfocus_mailbox_fetch_failing",
        "1 while the last IMAP fetch of a mailbox failed (the reason is on the mailbox).",
        ["mailbox"],
        [(address, 1 if error else 0) for address, error in rows],
    )


def wire() -> None:
    metric_collectors.contribute("mail.mailboxes", mailbox_metrics, order=40)
    # Inside the transaction: the outbox row commits with the message.
    subscribe(MessagePosted, on_message_posted)
    subscribe(CustomerRequestOpened, on_customer_request_opened)
    background_loops.contribute(
        "mail.fetch", BackgroundLoop("mail.fetch", MailSupervisor, run_once=fetch_all)
    )
