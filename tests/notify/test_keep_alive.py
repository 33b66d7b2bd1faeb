"""Webhooks and SMS to one receiver share one connection; a connection the receiver
closed meanwhile is replaced without losing the message."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clientfocus.notify import channels
from clientfocus.notify.models import DeliveryState, Notification
from clientfocus.notify.services import deliver_due, enqueue


class Counting(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.connections = 0
        self.bodies: list[bytes] = []
        self.close_after_each = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                server.connections += 1
                super().setup()

            def do_POST(self):
                server.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                if server.close_after_each:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def receiver(settings):
    settings.ALLOW_INTERNAL_URLS = True
    settings.OUTBOUND_WEBHOOK_SECRET = "s3cret"
    server = Counting()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    channels._keep_alive.open.clear()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()
    channels._keep_alive.open.clear()


def _send(url: str, count: int) -> int:
    for i in range(count):
        enqueue(channel="webhook", recipient=url, body=f"event {i}")
    return deliver_due(limit=count, parallel=1)


def test_one_connection_carries_many_webhooks(company, receiver):
    server, url = receiver
    assert _send(url, 5) == 5
    assert len(server.bodies) == 5 and server.connections == 1


def test_a_receiver_that_closes_gets_a_new_connection_each_time(company, receiver):
    server, url = receiver
    server.close_after_each = True
    assert _send(url, 3) == 3
    assert server.connections == 3


def test_a_connection_closed_while_idle_is_replaced_and_nothing_is_lost(company, receiver):
    server, url = receiver
    assert _send(url, 1) == 1
    # The connection dies while idle (as when a receiver drops it after its keep-alive
    # time): the next message meets the dead socket, then goes out on a new connection.
    [(connection, _)] = channels._keep_alive.open.values()
    connection.sock.shutdown(socket.SHUT_RDWR)
    assert _send(url, 1) == 1
    assert server.connections == 2 and len(server.bodies) == 2
    assert Notification.objects.filter(state=DeliveryState.SENT).count() == 2


def test_idle_connections_are_not_reused_after_the_keep_alive_time(company, receiver, monkeypatch):
    server, url = receiver
    assert _send(url, 1) == 1
    monkeypatch.setattr(channels, "KEEP_ALIVE_SECONDS", -1.0)
    assert _send(url, 1) == 1
    assert server.connections == 2
