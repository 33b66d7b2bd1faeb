"""Issue 11, items 7–9: one permission rule per object, the same answer for a forbidden
and a missing object, and no acting in another department's name."""

from __future__ import annotations

import pytest

from clientfocus.service.models import Request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_agents_file_internal_requests_only_for_their_own_department(company, api_as):
    api = api_as(company.agent)  # Customer Care
    answer = api.post(
        "/api/requests",
        {
            "subject": "Need a van",
            "requesting_department": "billing",
            "queue": company.logistics_queue.pk,
        },
    )
    assert answer.status_code == 403 and Request.objects.count() == 0
    own = api.post(
        "/api/requests",
        {
            "subject": "Need a van",
            "requesting_department": "care",
            "queue": company.logistics_queue.pk,
        },
    )
    assert own.status_code == 201


def test_agents_cannot_assign_to_another_department_at_creation(company, api_as):
    from clientfocus.people.models import Role
    from tests.factories import EmployeeFactory

    billing_agent = EmployeeFactory(
        user__username="bill", role=Role.AGENT, department=company.billing
    ).user
    answer = api_as(company.agent).post(
        "/api/requests",
        {
            "subject": "X",
            "customer": str(company.customer.public_id),
            "queue": company.billing_queue.pk,
            "assignee": billing_agent.username,
        },
    )
    assert answer.status_code == 403 and Request.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "existing", "missing"),
    [
        ("post", "/api/value/tier-policy/{pk}/apply", "/api/value/tier-policy/999/apply"),
        ("put", "/api/notifications/rules/{pk}", "/api/notifications/rules/999"),
    ],
)
def test_forbidden_and_missing_objects_answer_alike(company, api_as, method, existing, missing):
    from clientfocus.notify.models import NotificationRule
    from clientfocus.value.models import TierPolicyVersion

    if "tier-policy" in existing:
        pk = TierPolicyVersion.objects.create(
            version=1, rules={"default": "standard", "rules": []}
        ).version
        body: dict = {}
    else:
        pk = NotificationRule.objects.create(name="r", event="shipped", channel="email").pk
        body = {
            "name": "r",
            "event": "shipped",
            "channel": "email",
            "templates": [{"language": "en", "body": "x"}],
        }
    client = api_as(company.agent).client
    send = getattr(client, method)
    first = send(existing.format(pk=pk), body, content_type="application/json")
    second = send(missing, body, content_type="application/json")
    assert first.status_code == second.status_code == 403


def test_theme_and_alert_actions_answer_alike_for_agents(company, api_as):
    from clientfocus.voice.models import Theme

    theme = Theme.objects.first()
    api = api_as(company.agent).client
    body = {"name": "x", "keywords": ["x"], "active": True}
    codes = {
        api.put(
            f"/api/voice/themes/{theme.code}", body, content_type="application/json"
        ).status_code,
        api.put(
            "/api/voice/themes/no-such-theme", body, content_type="application/json"
        ).status_code,
        api.post(
            "/api/voice/alerts/999/action", {"action": "x"}, content_type="application/json"
        ).status_code,
    }
    assert codes == {403}


def test_only_active_employees_own_customers(company, api_as):
    stranger = UserFactory(username="not-an-employee")
    api = api_as(company.manager)
    url = f"/api/customers/{company.customer.public_id}"
    assert api.patch(url, {"owner": stranger.username}).status_code == 422
    assert api.patch(url, {"owner": company.agent.username}).status_code == 200


def test_notification_rules_api_follows_the_rules_page(company, api_as):
    assert api_as(company.agent).get("/api/notifications/rules").status_code == 403
    assert api_as(company.manager).get("/api/notifications/rules").status_code == 200


def test_feedback_about_requests_others_may_not_see_stays_hidden(company, api_as, web_as):
    from clientfocus.service import services as desk
    from clientfocus.voice import services as voice

    request = desk.open_request(
        actor=company.agent, customer=company.customer, subject="Slaptas", queue=company.care_queue
    )
    voice.record_feedback(
        text="Apie slaptą reikalą", source="email", request=request, customer=company.customer
    )
    outsider = api_as(company.other_agent)  # Billing: cannot see Customer Care's request
    listed = outsider.get("/api/voice/feedback").json()
    assert request.reference not in str(listed) and "slaptą" not in str(listed)
    page = web_as(company.other_agent).get("/voice/feedback/").content.decode()
    assert "slaptą" not in page and request.reference not in page
    record = web_as(company.other_agent).get(f"/customers/{company.customer.public_id}/")
    assert "slaptą" not in record.content.decode()
    inside = api_as(company.agent).get("/api/voice/feedback").json()
    assert any(row["text"] == "Apie slaptą reikalą" for row in inside)


def test_value_figures_follow_the_role_setting_and_ownership(company, api_as, web_as, settings):
    from clientfocus.customers.models import Customer

    url = f"/api/customers/{company.customer.public_id}/value"
    assert api_as(company.agent).get(url).status_code == 403
    page = web_as(company.agent).get(f"/customers/{company.customer.public_id}/")
    assert 'data-testid="value-hidden"' in page.content.decode()
    Customer.objects.filter(pk=company.customer.pk).update(owner=company.agent)
    assert api_as(company.agent).get(url).status_code == 404  # allowed; no figures yet
    settings.VALUE_VISIBLE_TO = ["manager", "admin", "agent"]
    assert api_as(company.agent2).get(url).status_code == 404
    assert api_as(company.manager).get(url).status_code == 404
