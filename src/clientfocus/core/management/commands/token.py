"""`clientfocus token create USERNAME`: issue an API token (printed once)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clientfocus.core.auth import forget_verified_tokens
from clientfocus.core.models import ApiToken


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a new token for USERNAME and print it")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")
        revoke = sub.add_parser("revoke", help="revoke every token of USERNAME")
        revoke.add_argument("username")

    def handle(self, *args, action: str, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"unknown user {username!r}")
        if action == "create":
            if not user.is_active:
                raise CommandError(f"user {username!r} is not active")
            _, raw = ApiToken.issue(user=user, name=options.get("name", ""))
            self.stdout.write(raw)
        else:
            count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            forget_verified_tokens()
            self.stdout.write(
                f"{count} token(s) revoked (other processes refuse them within seconds)"
            )
