"""Fetching from a real IMAP server (Dovecot on loopback): once, and watched with IDLE."""

from __future__ import annotations

import threading
import time

import pytest
from imapclient import IMAPClient

from clientfocus.mail import imap
from clientfocus.mail.models import InboundMail, Mailbox
from clientfocus.service.models import Request
from tests.mail.helpers import compose

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(dovecot, monkeypatch):
    monkeypatch.setenv("TEST_MAILBOX_PASSWORD", dovecot["password"])
    with IMAPClient(dovecot["host"], port=dovecot["port"], ssl=False) as client:
        client.login(dovecot["user"], dovecot["password"])
        for folder in ("INBOX", "Imported"):
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.select_folder(folder)
            messages = client.search(["ALL"])
            if messages:
                client.delete_messages(messages)
                client.expunge()
    return dovecot


def _mailbox(server, company, **values) -> Mailbox:
    return Mailbox.objects.create(
        address="support@company.example",
        queue=company.billing_queue,
        imap_host=server["host"],
        imap_port=server["port"],
        security="none",
        username=server["user"],
        password_env="TEST_MAILBOX_PASSWORD",
        **values,
    )


def _append(server, *raws: bytes, folder: str = "INBOX") -> None:
    with IMAPClient(server["host"], port=server["port"], ssl=False) as client:
        client.login(server["user"], server["password"])
        for raw in raws:
            client.append(folder, raw)


def _count(server, folder: str, criteria=("ALL",)) -> int:
    with IMAPClient(server["host"], port=server["port"], ssl=False) as client:
        client.login(server["user"], server["password"])
        client.select_folder(folder)
        return len(client.search(list(criteria)))


def test_fetch_imports_new_mail_and_marks_it_read(server, company):
    box = _mailbox(server, company)
    _append(server, compose(message_id="i1@x"), compose(message_id="i2@x", sender="b@x.lt"))
    result = imap.fetch_once(box)
    assert result.error == "" and result.fetched == 2 and result.actions == {"created": 2}
    assert Request.objects.filter(queue=company.billing_queue).count() == 2
    assert _count(server, "INBOX", ["UNSEEN"]) == 0 and _count(server, "INBOX") == 2
    assert imap.fetch_once(box).fetched == 0  # nothing new: read mail is not fetched again


def test_fetch_moves_or_deletes_after_import(server, company):
    box = _mailbox(server, company, after_import="move", move_to="Imported")
    _append(server, compose(message_id="mv@x"))
    assert imap.fetch_once(box).fetched == 1
    assert _count(server, "INBOX") == 0 and _count(server, "Imported") == 1
    box.after_import, box.address = "delete", "other@company.example"
    box.save()
    _append(server, compose(message_id="del@x"))
    assert imap.fetch_once(box).fetched == 1 and _count(server, "INBOX") == 0


def test_a_wrong_password_is_reported_on_the_mailbox(server, company, monkeypatch):
    box = _mailbox(server, company)
    monkeypatch.setenv("TEST_MAILBOX_PASSWORD", "wrong")
    result = imap.fetch_once(box)
    assert result.error and "support@company.example" in result.error
    box.refresh_from_db()
    assert box.last_error


def test_the_watcher_picks_up_new_mail_through_idle(server, company, settings):
    settings.MAIL_FETCH_SECONDS = 5
    box = _mailbox(server, company)
    stopping = threading.Event()
    watcher = imap.MailboxWatcher(box.pk, stopping)
    watcher.start()
    try:
        time.sleep(1.0)  # connected and idling
        _append(server, compose(message_id="idle@x"))
        deadline = time.time() + 10
        while time.time() < deadline and not InboundMail.objects.filter(message_id="idle@x"):
            time.sleep(0.2)
        assert InboundMail.objects.filter(message_id="idle@x", state="processed").exists()
    finally:
        stopping.set()
        watcher.join(timeout=10)
