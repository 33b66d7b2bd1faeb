"""`clientfocus createadmin`: an administrator account (employee with the admin role)."""

from __future__ import annotations

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clientfocus.people.models import Role
from clientfocus.people.services import create_employee


class Command(BaseCommand):
    help = "Create an administrator. The password comes from --password-env VAR or a prompt."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env",
            default="CLIENTFOCUS_ADMIN_PASSWORD",
            help="environment variable holding the password",
        )

    def handle(self, *args, username: str, email: str, password_env: str, **options) -> None:
        if get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists")
        password = os.environ.get(password_env, "")
        if not password:
            if not os.isatty(0):
                raise CommandError(f"no password: set {password_env} or run in a terminal")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        create_employee(username=username, password=password, role=Role.ADMIN, email=email)
        self.stdout.write(f"administrator {username} created")
