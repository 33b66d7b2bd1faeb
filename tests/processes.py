"""For tests that start real `clientfocus` processes: their environment, the test
database's URL, and a loopback webhook receiver that counts what arrives by idempotency
key."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connection


def child_env(**settings: str) -> dict[str, str]:
    """This process's environment for a `clientfocus` child, without the test settings
    module (the child reads its own configuration), plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return env | settings


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def webhook_receiver(delay: float = 0.0) -> Iterator[tuple[str, Counter[str]]]:
    """(URL, deliveries per Idempotency-Key); ``delay`` makes a slow receiver."""
    received: Counter[str] = Counter()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(delay)
            received[self.headers["Idempotency-Key"]] += 1
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
