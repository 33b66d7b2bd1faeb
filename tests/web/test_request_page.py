"""The request page: conversation, reply, note, state, assign; forbidden is 404."""

from __future__ import annotations

from clientfocus.service import services
from clientfocus.service.models import Message, Request


def make(company, **kw):
    return services.open_request(
        actor=company.agent,
        customer=company.customer,
        subject="Fridge",
        body="It is <b>warm</b> <script>alert(1)</script>",
        queue=company.care_queue,
        **kw,
    )


def test_request_page_shows_conversation_and_clocks(company, web_as):
    request = make(company)
    page = web_as(company.agent).get(f"/requests/{request.reference}/").content.decode()
    assert "Fridge" in page and "Rūta Žukauskienė" in page
    assert "<script>alert" not in page  # plain text is escaped
    assert 'data-testid="first-response"' in page and "left" in page


def test_reply_note_and_state_change(company, web_as):
    request = make(company)
    client = web_as(company.agent)
    url = f"/requests/{request.reference}/"
    assert (
        client.post(url + "messages/", {"body": "On our way", "kind": "reply"}).status_code == 302
    )
    assert (
        client.post(url + "messages/", {"body": "check stock", "kind": "note"}).status_code == 302
    )
    client.post(url + "state/", {"state": "waiting_on_customer"})
    request.refresh_from_db()
    assert request.state == "waiting_on_customer"
    assert request.first_responded_at is not None
    kinds = list(Message.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds == ["customer", "reply", "note"]


def test_reply_and_resolve_in_one_step(company, web_as):
    request = make(company)
    web_as(company.agent).post(
        f"/requests/{request.reference}/messages/",
        {"body": "Done", "kind": "reply", "then_state": "resolved"},
    )
    assert Request.objects.get(pk=request.pk).state == "resolved"


def test_an_invalid_transition_is_reported_not_applied(company, web_as):
    request = make(company)
    client = web_as(company.agent)
    client.post(f"/requests/{request.reference}/state/", {"state": "closed"})
    response = client.post(f"/requests/{request.reference}/state/", {"state": "open"}, follow=True)
    assert "cannot become" in response.content.decode()
    assert Request.objects.get(pk=request.pk).state == "closed"


def test_assign_to_me(company, web_as):
    request = make(company)
    web_as(company.agent2).post(
        f"/requests/{request.reference}/assign/",
        {"assignee": "__me__", "queue": company.care_queue.pk},
    )
    assert Request.objects.get(pk=request.pk).assignee == company.agent2


def test_people_outside_the_department_get_404_everywhere(company, web_as, client):
    request = make(company)
    url = f"/requests/{request.reference}/"
    for outsider in (company.other_agent, company.other_manager, company.billing_staff):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url + "messages/", {"body": "x"}).status_code == 404
        assert client.post(url + "state/", {"state": "closed"}).status_code == 404
        assert client.post(url + "assign/", {"assignee": "__me__"}).status_code == 404
        assert client.get(url + "clock/").status_code == 404
    assert Request.objects.get(pk=request.pk).state == "new"
    assert Message.objects.filter(request=request).count() == 1
