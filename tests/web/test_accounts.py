"""Sign-in (throttled), sign-out, language switching, notices, overview access."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import timezone

from clientfocus.service import services


def test_login_and_logout(company, client):
    response = client.post("/login/", {"username": "agent", "password": "pw-secret-123"})
    assert response.status_code == 302
    assert client.get("/queue/").status_code == 200
    client.post("/logout/")
    assert client.get("/queue/").status_code == 302


def test_logins_are_throttled_after_repeated_failures(company, client, settings):
    cache.clear()
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/login/", {"username": "agent", "password": "wrong"})
    response = client.post("/login/", {"username": "agent", "password": "pw-secret-123"})
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    cache.clear()


def test_language_switch_translates_the_ui(company, web_as):
    client = web_as(company.agent)
    for language, word in (
        ("ru", "Очередь"),
        ("lt", "Eilė"),
        ("sl", "Čakalna vrsta"),
        ("hi", "कतार"),
    ):
        client.post("/i18n/setlang/", {"language": language, "next": "/queue/"})
        assert word in client.get("/queue/").content.decode(), language


def test_breach_notices_reach_the_assignee(company, web_as):
    services.open_request(
        actor=company.agent,
        customer=company.gold_customer,
        subject="Oven",
        queue=company.care_queue,
        assignee=company.agent,
    )
    services.sweep_sla(now=timezone.now() + timedelta(hours=2))
    client = web_as(company.agent)
    page = client.get("/notices/").content.decode()
    assert "first response target is breached" in page
    assert 'data-testid="unread-count">1<' in client.get("/queue/").content.decode()
    client.post("/notices/read/")
    assert "unread-count" not in client.get("/queue/").content.decode()


def test_overview_is_for_managers(company, web_as, client):
    request = services.open_request(
        actor=company.agent, customer=company.customer, subject="x", queue=company.care_queue
    )
    services.add_message(request=request, actor=company.agent, body="hi")
    page = web_as(company.manager).get("/overview/").content.decode()
    assert "Care" in page and "100.0 %" in page and 'data-testid="attainment-chart"' in page
    client.force_login(company.agent)
    assert client.get("/overview/").status_code == 404


def test_times_are_shown_in_the_browsers_time_zone(company, web_as):
    request = services.open_request(
        actor=company.agent, customer=company.customer, subject="tz", queue=company.care_queue
    )
    client = web_as(company.agent)
    utc = client.get(f"/requests/{request.reference}/").content.decode()
    client.cookies["cf_tz"] = "Asia/Kolkata"
    kolkata = client.get(f"/requests/{request.reference}/").content.decode()
    stamp = request.created_at
    assert stamp.strftime("%Y-%m-%d %H:%M") in utc
    local = timezone.localtime(stamp, timezone=ZoneInfo("Asia/Kolkata"))
    assert local.strftime("%Y-%m-%d %H:%M") in kolkata
    client.cookies["cf_tz"] = "Not/A_Zone"
    assert client.get(f"/requests/{request.reference}/").status_code == 200
