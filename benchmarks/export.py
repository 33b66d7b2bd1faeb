"""Export of one customer with 1,000 requests (3 messages and 3 events each, 50 small
attachments, 200 orders, 300 notifications, 100 feedback items) on PostgreSQL: the time
to build the ZIP, through the same function the record page, the API and the command
line use.

    .venv/bin/python benchmarks/export.py [--database-url URL] [--quick]
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import zipfile

import service_desk


def main() -> None:
    parser = service_desk.parser_with_database(__doc__, "100 requests in a fresh database")
    parser.set_defaults(database_url=service_desk.BENCH_DATABASE.replace("_bench", "_export"))
    args = parser.parse_args()
    count = 100 if args.quick else 1_000
    url = args.database_url
    if args.quick:
        url = service_desk.quick_database(url, requests=0)
    else:
        service_desk.ensure_database(url, reload=True)
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="cf-export-media-"))
    service_desk.setup_django(url)

    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone

    from clientfocus.customers.export import export_customer
    from clientfocus.customers.models import ContactPoint, Customer, Tier
    from clientfocus.notify.models import Notification
    from clientfocus.orders.models import Order
    from clientfocus.people.models import Department
    from clientfocus.service.models import Attachment, Message, Queue, Request, RequestEvent
    from clientfocus.voice.models import FeedbackItem

    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    now = timezone.now()
    tier = Tier.objects.first() or Tier.objects.create(code="standard", name="Standard")
    department = Department.objects.create(name="Bench", code="bench")
    queue = Queue.objects.create(name="Bench", department=department)
    customer = Customer.objects.create(name="Rūta Žukauskienė", tier=tier, language="lt")
    ContactPoint.objects.create(customer=customer, kind="email", value="ruta@example.lt")
    requests = Request.objects.bulk_create(
        Request(customer=customer, subject=f"Užklausa {i}", queue=queue, tier=tier,
                created_at=now, state="closed")
        for i in range(count)
    )  # fmt: skip
    messages = Message.objects.bulk_create(
        Message(request=r, kind=kind, author_name="Agentas", body_html=f"<p>{kind} {i}</p>",
                body_text=f"{kind} {i} " + "žodis " * rng.randint(10, 80))
        for i, r in enumerate(requests) for kind in ("customer", "reply", "note")
    )  # fmt: skip
    RequestEvent.objects.bulk_create(
        RequestEvent(request=r, customer=customer, kind=k, data={"new": "closed"})
        for r in requests for k in ("opened", "replied", "state_changed")
    )  # fmt: skip
    for m in messages[: count // 20 * 3 : 3]:
        attachment = Attachment(message=m, filename="nuotrauka.png", content_type="image/png",
                                size=4096)  # fmt: skip
        attachment.file.save("bench.png", ContentFile(b"\x89PNG" + b"0" * 4092), save=True)
    Order.objects.bulk_create(
        Order(order_id=f"B-{i}", customer=customer, placed_at=now, amount=10 + i)
        for i in range(count // 5)
    )  # fmt: skip
    Notification.objects.bulk_create(
        Notification(customer=customer, channel="email", recipient="ruta@example.lt",
                     subject="Jūsų užsakymas", body="Išsiųsta", state="sent")
        for _ in range(count * 3 // 10)
    )  # fmt: skip
    FeedbackItem.objects.bulk_create(
        FeedbackItem(customer=customer, text="Kurjeris vėlavo", source="employee")
        for _ in range(count // 10)
    )  # fmt: skip

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        archive = export_customer(customer, actor=None, via="benchmark")
        timings.append(time.perf_counter() - started)
    size = archive.seek(0, 2)
    archive.seek(0)
    with zipfile.ZipFile(archive) as found:
        names = len(found.namelist())
    print(
        f"export of a customer with {count:,} requests ({len(messages):,} messages): "
        f"{min(timings):.2f} s best of 3, {size / 1e6:.1f} MB ZIP, {names} files"
    )


if __name__ == "__main__":
    main()
