"""Conversations benchmark on PostgreSQL, with 100k customers and 1M requests present.

Prints:
  - incoming messages stored per second through the same pipeline as `mail receive` and
    the IMAP fetch (parse, store raw, thread or open a request, acknowledge), in one
    process: a mix of new requests from known customers, answers threaded by the subject
    reference, HTML mail and mail with a small attachment; and the cost of one
    `clientfocus mail receive` process (what an MTA pipe pays per message);
  - median time of the customer portal's request list and request page;
  - seconds from an agent's reply (committed) to the message arriving at an SMTP server
    on loopback (aiosmtpd), with the outbox deliverer the worker runs: median and p95.

    .venv/bin/python benchmarks/mail.py [--database-url URL] [--reload] [--quick]

--quick: 2,000 customers / 5,000 requests in a fresh database (<URL>_quick), few messages
(seconds; run by the test command so the benchmark cannot rot).
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import service_desk


def typical_messages(count: int, customers: int, rng: random.Random, references: list[str]):
    """What a support mailbox receives: mostly plain new mail, some answers, some HTML,
    some with a small attachment."""
    out = []
    for i in range(count):
        message = EmailMessage()
        n = rng.randrange(customers)
        message["From"] = f"Customer {n} <customer{n}@example.com>"
        message["To"] = "support@company.example"
        message["Message-ID"] = f"<bench-{time.time_ns()}-{i}@mail.example.com>"
        kind = rng.random()
        if kind < 0.2 and references:
            message["Subject"] = f"Re: [{rng.choice(references)}] my order"
        else:
            message["Subject"] = f"Order {rng.randint(1000, 9999)} has not arrived"
        text = (
            "Hello,\n\nmy order has not arrived yet, the tracking page shows nothing since "
            "Monday. Could you check what happened?\n\nThank you\n\n-- \nCustomer"
            "\n\nOn Mon, 3 Nov 2026 at 10:00, Support <support@company.example> wrote:\n"
            "> We are checking.\n> Regards"
        )
        message.set_content(text)
        if 0.2 <= kind < 0.35:
            message.add_alternative(f"<p>{text}</p>".replace("\n", "<br>"), subtype="html")
        elif 0.35 <= kind < 0.45:
            message.add_attachment(
                b"%PDF-1.4 " + os.urandom(20_000),
                maintype="application",
                subtype="pdf",
                filename="receipt.pdf",
            )
        out.append(message.as_bytes())
    return out


def receive_throughput(count: int, customers: int, rng: random.Random) -> None:
    from clientfocus.mail.services import receive
    from clientfocus.service.models import Request

    references = [
        r.reference for r in Request.objects.filter(customer__isnull=False).order_by("-id")[:500]
    ]
    messages = typical_messages(count, customers, rng, references)
    receive(messages[0])  # warm up (language detector, caches)
    started = time.perf_counter()
    actions: dict[str, int] = {}
    for raw in messages[1:]:
        outcome = receive(raw)
        actions[outcome.action] = actions.get(outcome.action, 0) + 1
    elapsed = time.perf_counter() - started
    rate = (len(messages) - 1) / elapsed
    print(
        f"incoming mail stored: {rate:.0f} messages/s ({len(messages) - 1} messages, "
        f"{elapsed:.1f} s; {actions})"
    )


def _receive_all(messages: list[bytes]) -> int:
    from django.db import connection

    from clientfocus.mail.services import receive

    done = sum(receive(raw).action != "failed" for raw in messages)
    connection.close()
    return done


def receive_parallel(count: int, customers: int, rng: random.Random, processes: int) -> None:
    """The same pipeline in several processes at once, as an MTA running several pipes
    or a worker watching several mailboxes does."""
    import multiprocessing

    from django.db import connections

    messages = typical_messages(count, customers, rng, [])
    chunks = [messages[i::processes] for i in range(processes)]
    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(processes) as pool:
        done = sum(pool.map(_receive_all, chunks))
    elapsed = time.perf_counter() - started
    print(
        f"incoming mail stored, {processes} processes: {done / elapsed:.0f} messages/s "
        f"({done} messages, {elapsed:.1f} s, process start included)"
    )


def cli_process_cost(database_url: str, runs: int) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "benchmark-only"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    timings = []
    for raw in typical_messages(runs, 1000, random.Random(7), []):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "clientfocus.cli", "mail", "receive"],
            input=raw,
            capture_output=True,
            env=env,
            timeout=120,
        )
        timings.append(time.perf_counter() - started)
        assert result.returncode == 0, result.stderr
    print(
        f"one `clientfocus mail receive` process: {statistics.median(timings) * 1000:.0f} ms "
        f"median (start-up included; an MTA runs several pipes at once)"
    )


def portal_pages(rng: random.Random) -> None:
    from django.test import Client

    from clientfocus.customers.models import Customer
    from clientfocus.portal import services as portal

    ids = list(Customer.objects.filter(requests__isnull=False).values_list("pk", flat=True)[:2000])
    list_times, page_times = [], []
    for customer_id in rng.sample(ids, min(40, len(ids))):
        customer = Customer.objects.get(pk=customer_id)
        client = Client(HTTP_HOST="localhost")
        session = client.session
        portal.sign_in(session, customer)
        session.save()
        client.cookies["sessionid"] = session.session_key
        client.get("/portal/requests/")
        started = time.perf_counter()
        answer = client.get("/portal/requests/")
        list_times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200
        reference = portal.requests_of(customer).order_by("-id").first().reference
        started = time.perf_counter()
        answer = client.get(f"/portal/requests/{reference}/")
        page_times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200
    print(f"portal request list: {statistics.median(list_times):.1f} ms median")
    print(f"portal request page: {statistics.median(page_times):.1f} ms median")


def reply_latency(replies: int) -> None:
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from clientfocus.notify.delivery import OutboxDeliverer
    from clientfocus.notify.models import Notification
    from clientfocus.service import services as desk
    from clientfocus.service.models import Request

    arrived: dict[str, float] = {}

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            for line in envelope.content.decode(errors="replace").splitlines():
                if line.startswith("Subject:") and "[REQ-" in line:
                    arrived[line.split("[", 1)[1].split("]", 1)[0]] = time.perf_counter()
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    Notification.objects.filter(state__in=["pending", "sending"]).update(state="skipped")
    deliverer = OutboxDeliverer()
    deliverer.start()
    agent = get_user_model().objects.get(username="benchadmin")
    targets = list(
        Request.objects.filter(customer__isnull=False, state__in=["new", "open"]).order_by("id")[
            :replies
        ]
    )
    committed: dict[str, float] = {}
    for request in targets:
        desk.add_message(request=request, actor=agent, body="We are on it; details follow.")
        committed[request.reference] = time.perf_counter()
        time.sleep(0.05)  # replies come one by one, as agents write them
    deadline = time.time() + 30
    while len(arrived) < len(committed) and time.time() < deadline:
        time.sleep(0.05)
    deliverer.stop()
    controller.stop()
    latencies = sorted(arrived[r] - committed[r] for r in committed if r in arrived)
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    print(
        f"agent reply to SMTP server: {statistics.median(latencies):.2f} s median, "
        f"{p95:.2f} s p95 ({len(latencies)}/{len(committed)} arrived)"
    )


def main() -> None:
    parser = service_desk.parser_with_database(__doc__, "2,000 customers / 5,000 requests")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    url, messages, replies, cli_runs = args.database_url, args.messages, 200, 5
    if args.quick:
        url = service_desk.quick_database(url, requests=5_000)
        messages, replies, cli_runs = 60, 10, 1
    else:
        service_desk.ensure_database(url, args.reload)
    service_desk.setup_django(url)
    rng = random.Random(3)
    service_desk.load(rng)
    receive_throughput(messages, service_desk.CUSTOMERS, rng)
    for processes in (2, 4):
        receive_parallel(messages, service_desk.CUSTOMERS, rng, processes=processes)
    cli_process_cost(url, cli_runs)
    portal_pages(rng)
    threading.excepthook = lambda hook_args: None  # the deliverer's thread ends with the run
    reply_latency(replies)


if __name__ == "__main__":
    main()
