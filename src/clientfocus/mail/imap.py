"""Fetching mailboxes over IMAP (imapclient): once (`clientfocus mail fetch`) or watched
by the worker, with IDLE where the server has it, else polled every MAIL_FETCH_SECONDS.

A mailbox is watched by one worker at a time (a lease on its row), so several worker
machines never import the same message twice; the Message-ID check would catch it anyway.
"""

from __future__ import annotations

import logging
import ssl
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from imapclient import IMAPClient

from clientfocus.core.scheduler import Ticking
from clientfocus.mail.models import AfterImport, Mailbox, Security
from clientfocus.mail.services import receive

logger = logging.getLogger(__name__)
BATCH = 25


class FetchError(Exception):
    """The mailbox could not be read (connection, login, folder)."""


@dataclass
class FetchResult:
    mailbox: str
    fetched: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    error: str = ""


def connect(mailbox: Mailbox) -> IMAPClient:
    timeout = settings.MAIL_IMAP_TIMEOUT_SECONDS
    context = ssl.create_default_context()
    try:
        client = IMAPClient(
            mailbox.imap_host,
            port=mailbox.imap_port,
            ssl=mailbox.security == Security.SSL,
            ssl_context=context,
            timeout=timeout,
        )
        if mailbox.security == Security.STARTTLS:
            client.starttls(context)
        client.login(mailbox.username, mailbox.password())
        client.select_folder(mailbox.folder)
    except Exception as exc:
        raise FetchError(f"{mailbox.address}: {type(exc).__name__}: {exc}") from exc
    return client


def _pending(client: IMAPClient, mailbox: Mailbox) -> list[int]:
    # Marked-read mailboxes keep old mail: only unseen messages are new. Moved or deleted
    # mail leaves the folder, so everything still in it is new.
    criteria = ["UNSEEN"] if mailbox.after_import == AfterImport.MARK_READ else ["ALL"]
    return sorted(client.search(criteria))


def _after(client: IMAPClient, mailbox: Mailbox, uids: list[int]) -> None:
    if not uids:
        return
    if mailbox.after_import == AfterImport.MARK_READ:
        client.add_flags(uids, [b"\\Seen"])
    elif mailbox.after_import == AfterImport.MOVE:
        if client.has_capability("MOVE"):
            client.move(uids, mailbox.move_to)
        else:
            client.copy(uids, mailbox.move_to)
            client.delete_messages(uids)
            client.expunge()
    else:
        client.delete_messages(uids)
        client.expunge()


def drain(client: IMAPClient, mailbox: Mailbox, result: FetchResult) -> None:
    """Import every pending message of the selected folder."""
    uids = _pending(client, mailbox)
    for start in range(0, len(uids), BATCH):
        batch = uids[start : start + BATCH]
        data = client.fetch(batch, [b"BODY.PEEK[]"])
        done: list[int] = []
        for uid in batch:
            raw = data.get(uid, {}).get(b"BODY[]")
            if raw is None:
                continue
            outcome = receive(bytes(raw), mailbox=mailbox)
            if outcome.temporary:
                _after(client, mailbox, done)  # leave this one for the next pass
                raise FetchError(f"{mailbox.address}: stopped: {outcome.reason}")
            result.fetched += 1
            result.actions[outcome.action] = result.actions.get(outcome.action, 0) + 1
            done.append(uid)
        _after(client, mailbox, done)


def fetch_once(mailbox: Mailbox) -> FetchResult:
    """Connect, import what is new, disconnect."""
    result = FetchResult(mailbox=mailbox.address)
    try:
        client = connect(mailbox)
        try:
            drain(client, mailbox, result)
        finally:
            try:
                client.logout()
            except Exception:  # the connection may already be gone
                logger.debug("logout failed", exc_info=True)
    except FetchError as exc:
        result.error = str(exc)
    except Exception as exc:  # a server speaking nonsense must not stop the others
        result.error = f"{mailbox.address}: {type(exc).__name__}: {exc}"
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_fetch_at=timezone.now(), last_error=result.error[:500]
    )
    return result


def fetch_all() -> list[FetchResult]:
    return [fetch_once(m) for m in Mailbox.objects.filter(active=True).exclude(imap_host="")]


def claim(mailbox_id: int, *, seconds: float) -> bool:
    """Take (or renew) the lease on a mailbox for this worker."""
    now = timezone.now()
    return bool(
        Mailbox.objects.filter(pk=mailbox_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + timedelta(seconds=seconds))
    )


class MailboxWatcher(threading.Thread):
    """Keeps one mailbox's connection, imports, then IDLEs (or sleeps) and repeats."""

    def __init__(self, mailbox_id: int, stopping: threading.Event) -> None:
        super().__init__(name=f"clientfocus-mail-{mailbox_id}", daemon=True)
        self.mailbox_id = mailbox_id
        self.stopping = stopping

    def run(self) -> None:
        wait = settings.MAIL_FETCH_SECONDS
        lease = wait * 3 + settings.MAIL_IMAP_TIMEOUT_SECONDS
        while not self.stopping.is_set():
            close_old_connections()
            mailbox = Mailbox.objects.filter(pk=self.mailbox_id, active=True).first()
            if mailbox is None or not mailbox.fetches:
                break
            try:
                self._session(mailbox, wait, lease)
            except Exception as exc:
                logger.warning("mail: %s", exc)
                Mailbox.objects.filter(pk=mailbox.pk).update(
                    last_error=str(exc)[:500], lease_until=None
                )
                self.stopping.wait(wait)
        Mailbox.objects.filter(pk=self.mailbox_id).update(lease_until=None)
        connection.close()

    def _session(self, mailbox: Mailbox, wait: float, lease: float) -> None:
        client = connect(mailbox)
        idle = client.has_capability("IDLE")
        try:
            while not self.stopping.is_set():
                close_old_connections()
                if not claim_renew(mailbox.pk, lease):
                    return
                result = FetchResult(mailbox=mailbox.address)
                drain(client, mailbox, result)
                Mailbox.objects.filter(pk=mailbox.pk).update(
                    last_fetch_at=timezone.now(), last_error=""
                )
                if idle:
                    client.idle()
                    try:
                        client.idle_check(timeout=wait)
                    finally:
                        client.idle_done()
                else:
                    self.stopping.wait(wait)
        finally:
            try:
                client.logout()
            except Exception:
                logger.debug("logout failed", exc_info=True)


def claim_renew(mailbox_id: int, seconds: float) -> bool:
    """Renew our lease (we hold it) — the row's lease is extended unconditionally by its
    holder; another worker only takes it after it ran out."""
    return bool(
        Mailbox.objects.filter(pk=mailbox_id).update(
            lease_until=timezone.now() + timedelta(seconds=seconds)
        )
    )


class MailSupervisor(Ticking):
    """Inside `clientfocus worker`: starts a watcher for every fetching mailbox this
    worker can lease, and looks for new mailboxes every minute."""

    label = "mail supervisor"

    def __init__(self) -> None:
        super().__init__("clientfocus-mail")
        self.watchers: dict[int, MailboxWatcher] = {}

    def period(self) -> float:
        return 60.0

    def tick(self) -> None:
        lease = settings.MAIL_FETCH_SECONDS * 3 + settings.MAIL_IMAP_TIMEOUT_SECONDS
        ids = Mailbox.objects.filter(active=True).exclude(imap_host="")
        for mailbox_id in ids.values_list("pk", flat=True):
            watcher = self.watchers.get(mailbox_id)
            if watcher is not None and watcher.is_alive():
                continue
            if claim(mailbox_id, seconds=lease):
                watcher = MailboxWatcher(mailbox_id, self.stopping)
                self.watchers[mailbox_id] = watcher
                watcher.start()
