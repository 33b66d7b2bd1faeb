"""Outbox throughput on PostgreSQL: two `clientfocus worker` processes deliver
notifications to a loopback HTTP sink (asyncio, keep-alive: it answers far faster than
the workers send).

Two runs: the *capacity* (the whole backlog written first, then the workers start: how
many webhooks per second two workers deliver, unpaced) and the *latency* under a paced
load (--rate events per second: the share delivered within 2 s of being written).

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
from pathlib import Path


def sink(port_queue) -> None:
    """A minimal HTTP/1.1 receiver: reads each request (headers, Content-Length body)
    and answers 200 on the same connection."""
    import asyncio

    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

    class Receiver(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport, self.buffer = transport, b""

        def data_received(self, data):
            self.buffer += data
            while True:
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                length = 0
                for line in self.buffer[:end].split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if len(self.buffer) < end + 4 + length:
                    return
                self.buffer = self.buffer[end + 4 + length :]
                self.transport.write(answer)

    async def serve():
        server = await asyncio.get_running_loop().create_server(Receiver, "127.0.0.1", 0)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(serve())


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

    def write(first: int, last: int) -> None:
        with transaction.atomic():
            for i in range(first, last):
                if args.channel == "email":
                    enqueue(
                        channel="email",
                        recipient=f"c{i}@example.com",
                        subject="Order",
                        body=f"event {i}",
                    )
                else:
                    enqueue(channel="webhook", recipient=url, body=f"event {i}")

    def wait_until_sent(started: float) -> float:
        while Notification.objects.exclude(state=DeliveryState.SENT).exists():
            if time.perf_counter() - started > 300:
                break
            time.sleep(0.05)
        return time.perf_counter()

    # Capacity: the workers are up and idle; the whole backlog commits at once.
    command = [sys.executable, "-m", "clientfocus.cli", "worker", "--no-scheduler"]
    workers = [
        subprocess.Popen(
            [*command, "--interval", "0.2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.workers)
    ]
    time.sleep(4)  # workers up
    with transaction.atomic():
        for first in range(0, args.count, 1000):
            write(first, min(first + 1000, args.count))
    started = time.perf_counter()
    finished = wait_until_sent(started)
    sent = Notification.objects.filter(state=DeliveryState.SENT).count()
    print(
        f"capacity: {sent:,} of {args.count:,} {args.channel} notifications delivered by "
        f"{args.workers} workers in {finished - started:.1f} s -> "
        f"{sent / (finished - started):,.0f} notifications/s (unpaced)"
    )

    # Latency under a paced load.
    Notification.objects.all().delete()
    started = time.perf_counter()
    # Events arrive in batches of 100 per transaction, as a busy shop system would send them.
    for first in range(0, args.count, 100):
        # Pace the events at --rate: the question is whether delivery keeps up with them.
        delay = started + first / args.rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        write(first, min(first + 100, args.count))
    written = time.perf_counter()
    finished = wait_until_sent(started)
    for worker in workers:
        worker.terminate()
        worker.wait(timeout=10)
    receiver.terminate()
    if smtp is not None:
        smtp.stop()
    latencies = [
        (sent_at - created).total_seconds()
        for created, sent_at in Notification.objects.values_list("created_at", "sent_at")
        if sent_at is not None
    ]
    latencies.sort()
    within = sum(1 for x in latencies if x <= 2.0) / max(len(latencies), 1)
    print(
        f"paced at {args.rate:.0f}/s: writing took {written - started:.1f} s; all delivered "
        f"after {finished - started:.1f} s; latency from write to delivery: median "
        f"{statistics.median(latencies):.2f} s, 95th percentile "
        f"{latencies[int(0.95 * (len(latencies) - 1))]:.2f} s, {within:.0%} within 2 s"
    )


if __name__ == "__main__":
    main()
