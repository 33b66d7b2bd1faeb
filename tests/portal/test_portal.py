"""The customer portal: sign-in by one-time code or link, every page and API endpoint
refuses other customers (404), replies, closing, settings, the contact form."""

from __future__ import annotations

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clientfocus.notify.models import Notification
from clientfocus.portal import services
from clientfocus.service import services as desk
from clientfocus.service.models import Request, State
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruta(company):
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    return company.customer


@pytest.fixture
def stranger(company):
    other = CustomerFactory(name="Other Person", tier=company.standard)
    ContactFactory(customer=other, kind="email", value="other@example.com")
    return other


def sign_in(client: Client, address: str) -> None:
    client.post("/portal/login/", {"email": address})
    mail = Notification.objects.filter(recipient=address).latest("id")
    code = re.search(r"\b(\d{6})\b", mail.body).group(1)
    answer = client.post("/portal/login/code/", {"code": code})
    assert answer.status_code == 302, answer.content


def test_sign_in_by_code_and_the_mail_is_hidden_from_staff(ruta, company, api_as):
    client = Client()
    assert client.get("/portal/requests/").status_code == 302
    sign_in(client, "ruta@example.lt")
    assert client.get("/portal/requests/").status_code == 200
    mail = Notification.objects.get(recipient="ruta@example.lt")
    assert mail.sensitive
    history = api_as(company.manager).get(f"/api/notifications/customer/{ruta.public_id}").json()
    assert history and all("portal/login" not in row["body"] for row in history)


def test_unknown_addresses_get_the_same_answer_and_wrong_codes_run_out(ruta, settings):
    client = Client()
    answer = client.post("/portal/login/", {"email": "nobody@example.com"})
    assert answer.status_code == 302 and answer.url == "/portal/login/code/"
    assert client.post("/portal/login/code/", {"code": "123456"}).status_code == 200
    assert Notification.objects.count() == 0
    client.post("/portal/login/", {"email": "ruta@example.lt"})
    for _ in range(settings.PORTAL_CODE_ATTEMPTS):
        client.post("/portal/login/code/", {"code": "000000"})
    code = re.search(r"\b(\d{6})\b", Notification.objects.get().body).group(1)
    client.post("/portal/login/code/", {"code": code})
    assert client.get("/portal/requests/").status_code == 302  # locked after the wrong codes


def test_the_link_signs_in_once_and_only_on_the_button(ruta):
    client = Client()
    services.start_login(email="ruta@example.lt")
    link = re.search(r"/portal/login/([\w-]+)/", Notification.objects.get().body).group(0)
    assert client.get(link).status_code == 200  # a mail scanner's GET consumes nothing
    assert client.post(link).status_code == 302
    assert client.get("/portal/requests/").status_code == 200
    assert Client().post(link).status_code == 410  # single use


def test_sessions_expire(ruta, settings):
    settings.PORTAL_SESSION_HOURS = -1
    client = Client()
    sign_in(client, "ruta@example.lt")
    assert client.get("/portal/requests/").status_code == 302


def test_every_portal_page_and_endpoint_refuses_another_customers_request(ruta, stranger):
    theirs = desk.open_customer_request(
        customer=stranger, subject="Private", body="mine", channel="portal"
    )
    client = Client()
    sign_in(client, "ruta@example.lt")
    ref = theirs.reference
    attachment_url = f"/portal/requests/{ref}/files/00000000-0000-0000-0000-000000000000/"
    for url in (f"/portal/requests/{ref}/", attachment_url, f"/api/portal/requests/{ref}"):
        assert client.get(url).status_code == 404, url
    for url in (f"/portal/requests/{ref}/reply/", f"/portal/requests/{ref}/close/"):
        assert client.post(url, {"body": "hack"}).status_code == 404, url
    for url in (f"/api/portal/requests/{ref}/messages", f"/api/portal/requests/{ref}/close"):
        answer = client.post(url, {"body": "hack"}, content_type="application/json")
        assert answer.status_code == 404, url
    assert "Private" not in client.get("/portal/requests/").content.decode()
    assert client.get("/api/portal/requests").json() == []
    theirs.refresh_from_db()
    assert theirs.messages.count() == 1 and theirs.state == State.NEW


def test_company_requests_are_shared_only_when_an_administrator_allows(company):
    firm = CustomerFactory(name="UAB Firma", kind="company", tier=company.standard)
    jonas = CustomerFactory(name="Jonas", company=firm, tier=company.standard)
    ContactFactory(customer=jonas, kind="email", value="jonas@firma.lt")
    theirs = desk.open_customer_request(customer=firm, subject="Firm", body="x", channel="web")
    client = Client()
    sign_in(client, "jonas@firma.lt")
    assert client.get(f"/portal/requests/{theirs.reference}/").status_code == 404
    firm.portal_shares_requests = True
    firm.save()
    assert client.get(f"/portal/requests/{theirs.reference}/").status_code == 200


def test_a_customer_sees_the_promise_replies_with_files_closes_and_reopens(ruta, company):
    request = desk.open_customer_request(
        customer=ruta, subject="Sąskaita", body="Klausimas", channel="portal"
    )
    desk.add_message(request=request, actor=company.agent, body="Viešas atsakymas")
    desk.add_message(request=request, actor=company.agent, body="Vidinė pastaba", kind="note")
    client = Client()
    sign_in(client, "ruta@example.lt")
    page = client.get(f"/portal/requests/{request.reference}/").content.decode()
    assert "Viešas atsakymas" in page and "Vidinė pastaba" not in page
    assert 'data-testid="promise"' not in page or "REQ" in page
    upload = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n0000", "image/png")
    client.post(f"/portal/requests/{request.reference}/reply/", {"body": "Ačiū", "files": [upload]})
    request.refresh_from_db()
    assert request.next_response_due is not None
    message = request.messages.latest("id")
    assert message.channel == "portal" and message.attachments.get().filename == "foto.png"
    page = client.get(f"/portal/requests/{request.reference}/").content.decode()
    assert 'data-testid="promise"' in page
    client.post(f"/portal/requests/{request.reference}/close/")
    request.refresh_from_db()
    assert request.state == State.RESOLVED
    client.post(f"/portal/requests/{request.reference}/reply/", {"body": "Vėl neveikia"})
    request.refresh_from_db()
    assert request.state == State.OPEN


def test_a_new_request_shows_the_honest_wait_before_sending(ruta):
    client = Client()
    sign_in(client, "ruta@example.lt")
    page = client.get("/portal/requests/new/").content.decode()
    assert 'data-testid="expected-wait"' in page
    answer = client.post("/portal/requests/new/", {"subject": "Naujas", "body": "Tekstas"})
    created = Request.objects.get(subject="Naujas")
    assert answer.status_code == 302 and created.channel == "portal" and created.customer == ruta
    assert Notification.objects.filter(subject__contains=created.reference).exists()  # confirmed
    assert client.post("/portal/requests/new/", {"subject": "", "body": ""}).status_code == 200


def test_settings_change_language_and_consent(ruta):
    client = Client()
    sign_in(client, "ruta@example.lt")
    client.post(
        "/portal/profile/",
        {
            "language": "sl",
            "timezone": "Europe/Ljubljana",
            "preferred_channel": "email",
            "consent_email": "on",
        },
    )
    ruta.refresh_from_db()
    assert ruta.language == "sl" and ruta.timezone == "Europe/Ljubljana" and not ruta.consent_sms
    answer = client.post("/portal/profile/", {"language": "xx", "timezone": "Mars/Base"})
    assert answer.status_code == 200 and "unknown" in answer.content.decode()
    ruta.refresh_from_db()
    assert ruta.language == "sl"


def test_the_portal_api_for_a_signed_in_customer(ruta):
    client = Client()
    started = client.post(
        "/api/portal/login", {"email": "ruta@example.lt"}, content_type="application/json"
    )
    assert started.status_code == 202
    code = re.search(r"\b(\d{6})\b", Notification.objects.get().body).group(1)
    verified = client.post(
        "/api/portal/login/verify",
        {"login": started.json()["login"], "code": code},
        content_type="application/json",
    )
    assert verified.status_code == 200 and verified.json()["language"] == "lt"
    created = client.post(
        "/api/portal/requests", {"subject": "API", "body": "Labas"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["promise"]["due"]
    reference = created.json()["reference"]
    detail = client.get(f"/api/portal/requests/{reference}").json()
    assert detail["messages"][0]["author"] == "you"
    assert client.post(f"/api/portal/requests/{reference}/close").json()["state"] == "resolved"
    assert (
        client.patch(
            "/api/portal/profile", {"language": "xx"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert Client().get("/api/portal/requests").status_code == 401


def test_the_contact_form_confirms_with_the_reference_and_holds_bots_back(company, settings):
    settings.CONTACT_FORM_MIN_SECONDS = 2
    client = Client()
    token = services.form_token(now=time.time() - 10)
    answer = client.post(
        "/portal/contact/",
        {
            "form_token": token,
            "website": "",
            "name": "Ana Novak",
            "email": "ana@example.si",
            "text": "Pozdravljeni, račun ni pravilen.",
        },
    )
    assert answer.status_code == 200 and 'data-testid="contact-sent"' in answer.content.decode()
    request = Request.objects.get()
    assert request.channel == "web" and request.customer.contacts.get().value == "ana@example.si"
    confirmation = Notification.objects.get(recipient="ana@example.si")
    assert request.reference in confirmation.subject
    # A bot: honeypot filled, or sent faster than a person types. Thanked, nothing kept.
    for data in (
        {"form_token": token, "website": "http://spam"},
        {"form_token": services.form_token()},
    ):
        answer = client.post(
            "/portal/contact/", {**data, "name": "B", "email": "b@x.com", "text": "buy"}
        )
        assert answer.status_code == 200
    assert Request.objects.count() == 1
    bad = client.post(
        "/portal/contact/", {"form_token": token, "name": "", "email": "no", "text": ""}
    )
    assert bad.status_code == 422


def test_the_embeddable_form_may_be_framed_and_the_script_points_at_it(company):
    client = Client()
    framed = client.get("/portal/embed/contact/")
    assert framed.status_code == 200 and "X-Frame-Options" not in framed
    assert "frame-ancestors" in framed["Content-Security-Policy"]
    script = client.get("/portal/embed.js")
    assert script["Content-Type"].startswith("text/javascript")
    assert "/portal/embed/contact/" in script.content.decode()
    assert client.get("/portal/contact/")["X-Frame-Options"] == "DENY"


def test_the_contact_api_needs_a_form_token(company):
    client = Client()
    answer = client.post(
        "/api/portal/contact",
        {"name": "A", "email": "a@example.com", "text": "x", "form_token": "forged"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and Request.objects.count() == 0


def test_portal_pages_speak_the_customers_language(company):
    ContactFactory(customer=company.gold_customer, kind="email", value="alexey@example.ru")
    client = Client()
    sign_in(client, "alexey@example.ru")
    page = client.get("/portal/requests/").content.decode()
    assert "Мои обращения" in page and 'lang="ru"' in page


def test_outside_opening_hours_the_portal_and_the_mail_say_when_we_answer(ruta, company):
    from django.utils import timezone

    from clientfocus.service.models import SlaPolicy

    # Open one hour a week, on a weekday that is not today: we are closed now.
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(timezone.now().weekday() + 3) % 7]
    calendar = SlaPolicy.objects.get(tier=company.standard).calendar
    calendar.hours = {day: [["09:00", "10:00"]]}
    calendar.save()
    client = Client()
    sign_in(client, "ruta@example.lt")
    page = client.get("/portal/requests/new/").content.decode()
    assert "not at work right now" in page or "nedirba" in page
    client.post("/portal/requests/new/", {"subject": "Naktį", "body": "Klausimas"})
    request = Request.objects.get(subject="Naktį")
    page = client.get(f"/portal/requests/{request.reference}/").content.decode()
    assert 'data-testid="outside-hours"' in page
    ack = Notification.objects.get(subject__contains=request.reference)
    assert "nedirba" in ack.body  # Lithuanian: "our team is not at work right now"


def test_request_lists_do_not_grow_a_query_per_request(ruta):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    sign_in(client, "ruta@example.lt")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for i in range(3):
        desk.open_customer_request(customer=ruta, subject=f"A{i}", body="x", channel="portal")
    few = (queries("/portal/requests/"), queries("/api/portal/requests"))
    for i in range(6):
        desk.open_customer_request(customer=ruta, subject=f"B{i}", body="x", channel="portal")
    assert (queries("/portal/requests/"), queries("/api/portal/requests")) == few
