"""Issue 11, item 10: both sign-in forms are throttled alike, by user and address; nobody
locks a colleague out from elsewhere; behind a proxy only the trusted header counts."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _fail(client: Client, url: str, username: str, times: int, **extra) -> None:
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong"}, **extra)


def test_the_admin_sign_in_is_throttled(company, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="10.0.0.9")
    _fail(client, "/admin/login/", "admin", 3)
    answer = client.post("/admin/login/", {"username": "admin", "password": "pw-secret-123"})
    assert answer.status_code == 200 and "Too many failed" in answer.content.decode()


def test_failures_from_one_address_do_not_lock_the_user_elsewhere(company, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    _fail(Client(REMOTE_ADDR="203.0.113.7"), "/login/", "agent", 5)
    elsewhere = Client(REMOTE_ADDR="198.51.100.2")
    answer = elsewhere.post("/login/", {"username": "agent", "password": "pw-secret-123"})
    assert answer.status_code == 302


def test_only_the_trusted_proxy_header_names_the_client(company, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    attacker = Client(**proxy)
    # The attacker forges entries to the left; the proxy appends the real address.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"):
        attacker.post(
            "/login/",
            {"username": "agent", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7",
        )
    blocked = attacker.post(
        "/login/",
        {"username": "agent", "password": "pw-secret-123"},
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    assert "Too many failed" in blocked.content.decode()
    colleague = Client(**proxy).post(
        "/login/",
        {"username": "agent", "password": "pw-secret-123"},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert colleague.status_code == 302


def test_portal_limits_count_the_client_behind_the_proxy_not_the_proxy(company, settings):
    import time

    from clientfocus.portal import services as portal

    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CONTACT_FORM_HOURLY_LIMIT = 2
    proxy = Client(REMOTE_ADDR="127.0.0.1")

    def send(client_ip: str) -> int:
        body = {
            "name": "Ana",
            "email": "ana@example.si",
            "text": "Pozdravljeni",
            "form_token": portal.form_token(now=time.time() - 10),
        }
        return proxy.post(
            "/api/portal/contact",
            body,
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=client_ip,
        ).status_code

    assert [send("203.0.113.7") for _ in range(3)] == [201, 201, 422]
    assert send("198.51.100.2") == 201  # another customer behind the same proxy
