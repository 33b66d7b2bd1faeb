"""`clientfocus demo`: migrate, load the demo company once, serve with worker threads."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from clientfocus.core.management.commands.serve import serve_embedded
from clientfocus.customers.models import ContactPoint
from clientfocus.demo import load as demo_data


class Command(BaseCommand):
    help = "Run clientfocus with demo data (SQLite by default) at http://127.0.0.1:8000/"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="load data and exit")
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--requests", type=int, default=420)

    def handle(
        self, *args, host: str, port: int, no_serve: bool, customers: int, requests: int, **options
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if demo_data.already_loaded():
            self.stdout.write("demo data already loaded")
            logins = None
        else:
            self.stdout.write("loading demo data …")
            with tqdm(total=requests, unit="request", file=self.stderr) as bar:
                logins = demo_data.load_demo_data(
                    customers=customers, requests=requests, progress=bar.update
                )
        self.stdout.write(f"database: {settings.DATABASES['default']['NAME']}")
        self.stdout.write("demo logins (password 'demo' for all):")
        for username, role in (
            ("agent", "agent, Customer Care"),
            ("manager", "manager, Customer Care"),
            ("admin", "administrator"),
            ("logistics", "department staff, Logistics"),
            ("tech", "agent, Technical Service"),
        ):
            self.stdout.write(f"  {username:10} {role}")
        del logins
        sample = (
            ContactPoint.objects.filter(kind="email", customer__kind="person")
            .order_by("customer_id")
            .values_list("value", flat=True)
            .first()
        )
        self.stdout.write(
            f"customer portal: http://{host}:{port}/portal/ (sign in as a customer, e.g. "
            f"{sample}; the demo writes its e-mails, with the code, to {settings.EMAIL_FILE_PATH})"
        )
        if no_serve:
            return
        self.stdout.write(f"clientfocus is running at http://{host}:{port}/  (Ctrl+C to stop)")
        call_command("collectstatic", interactive=False, verbosity=0)
        serve_embedded(host, port)
