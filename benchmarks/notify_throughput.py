"""Outbox throughput on PostgreSQL: two `clientfocus worker` processes deliver
notifications to a loopback HTTP sink; prints notifications per second and the share
delivered within 2 s of being written.

    .venv/bin/python benchmarks/notify_throughput.py [--count 5000] [--workers 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def sink(port_queue) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/clientfocus_notify_bench"
    )
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rate",
        type=float,
        default=500.0,
        help="events written per second (the load delivery must keep up with)",
    )
    parser.add_argument(
        "--channel",
        choices=["webhook", "email"],
        default="webhook",
        help="deliver to the loopback HTTP sink or a loopback SMTP sink",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="200 notifications in <URL>_quick: the test command runs it; figures mean nothing",
    )
    args = parser.parse_args()
    if args.quick:
        args.database_url += "_quick"
        args.count, args.rate = 200, 200.0

    import psycopg

    server_url, name = args.database_url.rsplit("/", 1)
    with psycopg.connect(server_url + "/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=args.database_url,
        SECRET_KEY="bench",
        DJANGO_SETTINGS_MODULE="clientfocus.settings",
        ALLOW_INTERNAL_URLS="1",
        OUTBOUND_WEBHOOK_SECRET="bench-secret",
    )
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from clientfocus.notify.models import DeliveryState, Notification
    from clientfocus.notify.services import enqueue

    call_command("migrate", verbosity=0)
    ports: multiprocessing.Queue = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=sink, args=(ports,), daemon=True)
    receiver.start()
    url = f"http://127.0.0.1:{ports.get(timeout=10)}/hook"
    env = {**os.environ}
    smtp = None
    if args.channel == "email":
        import socket

        from aiosmtpd.controller import Controller

        class Sink:
            async def handle_DATA(self, server, session, envelope):
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            smtp_port = probe.getsockname()[1]
        smtp = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port))
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "clientfocus.cli",
                "worker",
                "--no-scheduler",
                "--interval",
                "0.2",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.workers)
    ]
    time.sleep(3)  # workers up
    started = time.perf_counter()
    # Events arrive in batches of 100 per transaction, as a busy shop system would send them.
    for first in range(0, args.count, 100):
        # Pace the events at --rate: the question is whether delivery keeps up with them.
        delay = started + first / args.rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        with transaction.atomic():
            for i in range(first, min(first + 100, args.count)):
                if args.channel == "email":
                    enqueue(
                        channel="email",
                        recipient=f"c{i}@example.com",
                        subject="Order",
                        body=f"event {i}",
                    )
                else:
                    enqueue(channel="webhook", recipient=url, body=f"event {i}")
    written = time.perf_counter()
    while Notification.objects.exclude(state=DeliveryState.SENT).exists():
        if time.perf_counter() - started > 300:
            break
        time.sleep(0.1)
    finished = time.perf_counter()
    for worker in workers:
        worker.terminate()
        worker.wait(timeout=10)
    receiver.terminate()
    if smtp is not None:
        smtp.stop()
    latencies = [
        (sent - created).total_seconds()
        for created, sent in Notification.objects.values_list("created_at", "sent_at")
        if sent is not None
    ]
    latencies.sort()
    within = sum(1 for x in latencies if x <= 2.0) / max(len(latencies), 1)
    print(
        f"{len(latencies):,} of {args.count:,} {args.channel} notifications delivered by "
        f"{args.workers} workers"
    )
    print(
        f"writing took {written - started:.1f} s; all delivered after {finished - started:.1f} s "
        f"-> {len(latencies) / (finished - started):.0f} notifications/s"
    )
    print(
        f"latency from write to delivery: median {statistics.median(latencies):.2f} s, "
        f"95th percentile {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s, "
        f"{within:.0%} within 2 s"
    )


if __name__ == "__main__":
    main()
