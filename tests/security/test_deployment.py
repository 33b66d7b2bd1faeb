"""Issue 11, deployment defaults: `check --deploy` is clean with the documented production
settings, every page carries a Content-Security-Policy that its own markup passes (no
inline script), and the API docs are our own copy, for signed-in people only."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    leave_out = ("DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")  # test-only
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        HTTPS="1",
        ALLOWED_HOSTS="clientfocus.example.com",
        CLIENTFOCUS_DATA_DIR=str(tmp_path),
        DATABASE_URL="",
    )
    result = subprocess.run(
        [sys.executable, "-m", "clientfocus.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def test_pages_carry_a_policy_their_markup_passes(company, web_as, client):
    staff = web_as(company.manager)
    pages = [
        "/queue/",
        "/requests/new/",
        f"/customers/{company.customer.public_id}/",
        "/voice/",
        "/voice/feedback/",
        "/value/",
        "/notifications/rules/",
        "/mail/inbound/",
    ]
    for url in pages:
        answer = staff.get(url)
        assert answer.status_code == 200, url
        policy = answer["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
        html = answer.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html))
    portal = client.get("/portal/")
    assert "script-src 'self'" in portal["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(portal.content.decode())


def test_api_docs_are_served_locally_to_signed_in_people_only(company, client, web_as):
    anonymous = client.get("/api/docs")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client.get("/api/openapi.json").status_code == 302
    docs = web_as(company.agent).get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
