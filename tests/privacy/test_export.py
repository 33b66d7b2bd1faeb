"""Everything held about one customer in one ZIP, from the record, the API and the
command line; administrators only; logged."""

from __future__ import annotations

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clientfocus.customers.models import RecordAccess
from clientfocus.notify.models import Notification


def read(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as found:
        return {name: found.read(name) for name in found.namelist()}


def test_the_zip_holds_every_kind_of_data_and_the_files(company, held, web_as):
    answer = web_as(company.admin).post(f"/customers/{company.customer.public_id}/export/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert "attachment" in answer["Content-Disposition"]
    files = read(b"".join(answer.streaming_content))
    for name in ("customer.json", "requests.json", "orders.json", "notifications.json",
                 "value.json", "feedback.json", "survey_invitations.json",
                 "incoming_mail.json", "README.json"):  # fmt: skip
        assert name in files, name
    profile = json.loads(files["customer.json"])[0]
    assert profile["name"] == "Rūta Žukauskienė"
    assert {"kind": "email", "value": "ruta@example.lt"} in profile["contacts"]
    request = json.loads(files["requests.json"])[0]
    assert request["reference"] == held["request"].reference
    texts = [m["text"] for m in request["messages"]]
    assert "Atsiųskite nuotrauką." in texts and "Ačiū, meistras atvyks." in texts
    path = next(f["path"] for m in request["messages"] for f in m["files"])
    assert path.endswith("šaldiklis.png") and files[path].startswith(b"\x89PNG")
    assert json.loads(files["orders.json"])[0]["milestones"][0]["what"] == "shipped"
    assert json.loads(files["feedback.json"])[0]["text"] == "Kurjeris vėlavo"
    sent = json.loads(files["notifications.json"])
    assert any(n["text"].startswith("Ačiū") for n in sent)
    incoming = json.loads(files["incoming_mail.json"])
    assert [m["from"] for m in incoming] == ["ruta@example.lt"]
    assert files[incoming[0]["file"]] == held["raw"]
    readme = json.loads(files["README.json"])
    assert {"file": "requests.json", "records": 1} in readme["contents"]
    logged = RecordAccess.objects.get(action="exported")
    assert (logged.actor, logged.customer, logged.via) == (
        company.admin,
        company.customer,
        "export ZIP page",
    )


def test_one_time_codes_stay_out_of_the_export(company, held, client):
    client.post("/portal/login/", {"email": "ruta@example.lt"})
    code = Notification.objects.filter(sensitive=True).latest("id")
    assert code.customer == company.customer
    archive = read(_api_export(company))
    assert code.body not in archive["notifications.json"].decode()


def _api_export(company) -> bytes:
    from tests.conftest import ApiClient

    answer = ApiClient(company.admin).get(f"/api/customers/{company.customer.public_id}/export")
    assert answer.status_code == 200, answer.content
    return b"".join(answer.streaming_content)


def test_only_administrators_export(company, held, web_as, api_as):
    url = f"/customers/{company.customer.public_id}/export/"
    assert web_as(company.manager).post(url).status_code == 404
    assert web_as(company.admin).get(url).status_code == 405
    answer = api_as(company.agent).get(f"/api/customers/{company.customer.public_id}/export")
    assert answer.status_code == 403
    assert not RecordAccess.objects.filter(action="exported").exists()
    assert read(_api_export(company))["customer.json"]
    assert RecordAccess.objects.get(action="exported").via == "export ZIP api"


def test_the_command_line_writes_the_zip(company, held, tmp_path):
    target = tmp_path / "ruta.zip"
    out = StringIO()
    call_command("export_customer", str(company.customer.public_id), "--output", str(target),
                 stdout=out)  # fmt: skip
    assert "ruta.zip" in out.getvalue()
    assert "requests.json" in read(target.read_bytes())
    with pytest.raises(CommandError, match="exists"):
        call_command("export_customer", str(company.customer.public_id), "--output", str(target))
    with pytest.raises(CommandError, match="no customer"):
        call_command("export_customer", "nobody")
    assert RecordAccess.objects.get(action="exported").actor is None
