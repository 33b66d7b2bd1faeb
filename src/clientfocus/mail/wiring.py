"""What the mail app adds to the apps below it: public replies and acknowledgements go
out by e-mail (events), and the mailboxes are fetched (a background loop).
Wired in ``MailConfig.ready()``."""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import partial

from prometheus_client.metrics_core import Metric

from clientfocus.core.events import subscribe
from clientfocus.core.metrics import gauge, metric_collectors
from clientfocus.core.scheduler import BackgroundLoop, background_loops
from clientfocus.customers.export import ExportSection, export_sections
from clientfocus.customers.models import Customer
from clientfocus.customers.privacy import erasers, retention_sweeps
from clientfocus.mail import privacy as mail_privacy
from clientfocus.mail.imap import MailSupervisor, fetch_all
from clientfocus.mail.models import InboundMail, Mailbox
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


def mail_export(customer: Customer) -> Iterable[ExportSection]:
    """The e-mails they wrote us, as received (raw .eml files, each read from the database
    only when it is written into the ZIP)."""
    rows = (
        InboundMail.objects.filter(request__customer=customer)
        .defer("raw")
        .order_by("received_at", "id")
    )
    records, files = [], []
    for mail in rows:
        path = f"mail/{mail.pk}.eml"
        files.append((path, partial(_raw, mail.pk)))
        records.append({"received_at": mail.received_at, "from": mail.sender,
                        "subject": mail.subject, "file": path})  # fmt: skip
    yield ExportSection("incoming_mail", records, files)


def _raw(pk: int) -> io.BytesIO:
    return io.BytesIO(bytes(InboundMail.objects.values_list("raw", flat=True).get(pk=pk)))


def wire() -> None:
    erasers.contribute("mail.incoming", mail_privacy.erase, order=70)
    retention_sweeps.contribute("mail.incoming", mail_privacy.retention, order=70)
    export_sections.contribute("mail.incoming", mail_export, order=70)
    metric_collectors.contribute("mail.mailboxes", mailbox_metrics, order=40)
    # Inside the transaction: the outbox row commits with the message.
    subscribe(MessagePosted, on_message_posted)
    subscribe(CustomerRequestOpened, on_customer_request_opened)
    background_loops.contribute(
        "mail.fetch", BackgroundLoop("mail.fetch", MailSupervisor, run_once=fetch_all)
    )
