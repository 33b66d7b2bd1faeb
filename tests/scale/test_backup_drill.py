"""The restore drill of docs/deployment.md, done once on a small database: back up with
deploy/backup.sh, restore into a new database with deploy/restore.sh, and find the same
data, the same migrations and the attachments; restoring over a database that is not
empty is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from clientfocus.service.attachments import IncomingFile
from clientfocus.service.models import Attachment
from clientfocus.service.services import add_message, open_request
from tests.processes import database_url

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TABLES = ("customers_customer", "service_request", "service_message", "service_attachment",
          "django_migrations")  # fmt: skip


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def test_backup_and_restore_drill(transactional_db, company, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the drill uses pg_dump and pg_restore")
    request = open_request(actor=company.agent, subject="Šaldytuvas", body="Neveikia",
                           customer=company.customer, queue=company.care_queue)  # fmt: skip
    add_message(request=request, actor=company.agent, body="Štai nuotrauka.",
                attachments=[IncomingFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"1" * 64,
                                          "image/png")])  # fmt: skip
    stored = Attachment.objects.get().file.name
    source = database_url()
    env = {**os.environ, "DATABASE_URL": source, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    backups = tmp_path / "backups"
    made = subprocess.run([str(DEPLOY / "backup.sh"), str(backups)], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    dump = Path(made.stdout.strip().splitlines()[-1])
    media = next(backups.glob("clientfocus-media-*.tar.gz"))
    assert dump.stat().st_size > 0

    restored_name = f"{connection.settings_dict['NAME']}_restored"
    server = source.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'drop database if exists "{restored_name}"')
        admin.execute(f'create database "{restored_name}"')
    target = f"{server}/{restored_name}"
    try:
        restored_media = tmp_path / "media"
        subprocess.run([str(DEPLOY / "restore.sh"), str(dump), target, str(media)],
                       env={**env, "MEDIA_ROOT": str(restored_media)}, check=True,
                       capture_output=True)  # fmt: skip
        assert counts(target) == counts(source)
        assert counts(target)["service_attachment"] == 1
        assert (restored_media / stored).read_bytes().startswith(b"\x89PNG")
        # The restored database is complete for this version of the code.
        check = subprocess.run(
            [sys.executable, "-m", "clientfocus.cli", "migrate", "--check"],
            env={k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
            | {"DATABASE_URL": target, "SECRET_KEY": "drill"},
            capture_output=True, text=True,
        )  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
        # Never over a database in use.
        again = subprocess.run([str(DEPLOY / "restore.sh"), str(dump), target], env=env,
                               capture_output=True, text=True)  # fmt: skip
        assert again.returncode == 2 and "not empty" in again.stderr
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'drop database if exists "{restored_name}" with (force)')
