"""Administrators configure tiers, calendars and policies in the admin."""

from __future__ import annotations

from clientfocus.service.models import BusinessCalendar, SlaPolicy


def test_admin_pages_open_for_administrators(company, web_as):
    client = web_as(company.admin)
    for url in (
        "/admin/",
        "/admin/customers/tier/",
        "/admin/service/businesscalendar/",
        "/admin/service/slapolicy/",
        "/admin/service/request/",
        "/admin/customers/customer/",
        "/admin/people/employee/",
        "/admin/service/slapolicy/add/",
    ):
        assert client.get(url).status_code == 200, url


def test_an_invalid_calendar_is_refused_with_the_reason(company, web_as):
    client = web_as(company.admin)
    response = client.post(
        "/admin/service/businesscalendar/add/",
        {
            "name": "Broken",
            "timezone": "Europe/Vilnius",
            "hours": '{"mon": [["18:00", "09:00"]]}',
            "holidays": "[]",
        },
    )
    assert response.status_code == 200
    assert "must open before it closes" in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Broken").exists()


def test_a_second_catch_all_policy_is_refused(company, web_as):
    client = web_as(company.admin)
    calendar = BusinessCalendar.objects.first()
    data = {
        "name": "Gold again",
        "tier": company.gold.pk,
        "priority": "",
        "calendar": calendar.pk,
        "first_response_minutes": 10,
        "next_response_minutes": 10,
        "resolution_minutes": 10,
        "active": "on",
    }
    response = client.post("/admin/service/slapolicy/add/", data)
    assert response.status_code == 200
    assert SlaPolicy.objects.filter(tier=company.gold).count() == 1


def test_agents_cannot_reach_the_admin(company, web_as):
    response = web_as(company.agent).get("/admin/service/slapolicy/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
