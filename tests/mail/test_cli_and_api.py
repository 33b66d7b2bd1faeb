"""`clientfocus mail …` as an MTA and an operator run it, the API and the review page."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from clientfocus.mail.models import InboundMail, InboundState
from clientfocus.service.models import Request
from tests.factories import ContactFactory
from tests.mail.helpers import compose
from tests.processes import child_env


def mail_cli(*args: str, stdin: bytes, env_extra: dict) -> subprocess.CompletedProcess:
    env = child_env(SECRET_KEY="cli-test", **env_extra)
    return subprocess.run(
        [sys.executable, "-m", "clientfocus.cli", "mail", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


def test_mail_receive_in_a_real_process_on_a_fresh_installation(tmp_path):
    # Its own SQLite file, whichever database the suite runs on.
    env = {"CLIENTFOCUS_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "MEDIA_ROOT": str(tmp_path)}
    not_migrated = mail_cli("receive", "--json", stdin=compose(), env_extra=env)
    assert not_migrated.returncode == 75, not_migrated.stderr  # the MTA keeps it and retries
    assert b"migrate" in not_migrated.stderr
    migrate = subprocess.run(
        [sys.executable, "-m", "clientfocus.cli", "migrate", "-v0"],
        env=child_env(SECRET_KEY="cli-test", **env),
        capture_output=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    created = mail_cli("receive", "--json", stdin=compose(subject="Labas"), env_extra=env)
    assert created.returncode == 0, created.stderr
    out = json.loads(created.stdout)
    assert out["action"] == "created" and out["reference"].startswith("REQ-")
    assert out["text"] == "Laba diena, siuntinys vis dar neatvyko." and out["customer"]
    assert set(out) == {"action", "reference", "customer", "text", "attachments", "reason"}
    again = mail_cli("receive", "--json", stdin=compose(subject="Labas"), env_extra=env)
    assert again.returncode == 0 and json.loads(again.stdout)["action"] == "ignored"
    broken = mail_cli("receive", stdin=b"\r\n\r\nnot mail", env_extra=env)
    assert broken.returncode == 65 and b"cannot read" in broken.stderr
    failed = mail_cli("failed", stdin=b"", env_extra=env)
    assert failed.returncode == 0 and b"failed" in failed.stdout


@pytest.mark.django_db
def test_mail_commands_in_process(company):
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    from clientfocus.mail.services import receive

    receive(b"\r\n\r\nbroken")
    row = InboundMail.objects.get()
    out = StringIO()
    call_command("mail", "failed", stdout=out)
    assert str(row.pk) in out.getvalue()
    with pytest.raises(SystemExit):
        call_command("mail", "retry", str(row.pk), stdout=StringIO())
    out = StringIO()
    call_command("mail", "fetch", stdout=out)
    assert "no active mailbox" in out.getvalue()


@pytest.mark.django_db
def test_the_api_takes_raw_mail_from_administrators_only(company, api_as):
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    admin = api_as(company.admin)
    answer = admin.client.post("/api/mail/receive", compose(), content_type="message/rfc822")
    assert answer.status_code == 201 and answer.json()["action"] == "created"
    assert answer.json()["reference"] == Request.objects.get().reference
    bad = admin.client.post("/api/mail/receive", b"\r\n\r\nx", content_type="message/rfc822")
    assert bad.status_code == 422
    agent = api_as(company.agent)
    refused = agent.client.post(
        "/api/mail/receive", compose(message_id="z@x"), content_type="message/rfc822"
    )
    assert refused.status_code == 403 and Request.objects.count() == 1
    listed = api_as(company.manager).get("/api/mail/inbound").json()
    assert [row["state"] for row in listed] == ["failed"]
    assert agent.get("/api/mail/inbound").status_code == 403
    failed = InboundMail.objects.get(state=InboundState.FAILED)
    retried = admin.post(f"/api/mail/inbound/{failed.pk}/retry", {"release": False})
    assert retried.status_code == 200 and retried.json()["action"] == "failed"
    assert admin.post("/api/mail/inbound/999999/retry", {}).status_code == 404


@pytest.mark.django_db
def test_the_review_page_for_managers(company, web_as):
    from clientfocus.mail.services import receive

    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    receive(compose(message_id="held@x", headers={}), mailbox=None)
    receive(b"\r\n\r\nbroken")
    client = web_as(company.manager)
    page = client.get("/mail/inbound/").content.decode()
    assert 'data-testid="inbound"' in page and "Process again" in page
    row = InboundMail.objects.get(state="failed")
    assert client.post(f"/mail/inbound/{row.pk}/retry/").status_code == 302
    assert web_as(company.agent).get("/mail/inbound/").status_code == 404


def test_the_admin_action_says_why_a_processed_message_is_not_processed_again(company, web_as):
    from clientfocus.mail import services

    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    outcome = services.receive(compose())
    inbound = InboundMail.objects.get(pk=outcome.inbound_id)
    assert inbound.state == InboundState.PROCESSED
    page = web_as(company.admin).post(
        "/admin/mail/inboundmail/",
        {"action": "retry", "_selected_action": [inbound.pk]},
        follow=True,
    )
    assert page.status_code == 200
    assert "only failed messages can be processed again" in page.content.decode()
