"""The maturity scorecard: measured into monthly snapshots by the worker, read by the
page, the API and the CLI; thresholds tuned later do not rewrite closed months."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.notify.models import Notification
from clientfocus.orders.models import Order
from clientfocus.scorecard import selectors, services
from clientfocus.scorecard.models import MonthFigures, Snapshot, Subscription
from clientfocus.service.models import Request
from clientfocus.service.services import open_request
from clientfocus.value.models import CustomerValue
from clientfocus.voice.models import FeedbackItem

pytestmark = pytest.mark.django_db


def answered(company, queue, *, met: bool, resolved_met: bool | None = None, when=None):
    req = open_request(actor=company.agent, subject="Help", customer=company.customer, queue=queue)
    when = when or timezone.now()
    fields = {"first_responded_at": when, "first_response_met": met, "created_at": when}
    if resolved_met is not None:
        fields.update(resolved_at=when, resolution_met=resolved_met, state="resolved")
    Request.objects.filter(pk=req.pk).update(**fields)
    return req


@pytest.fixture
def month_of_work(company):
    answered(company, company.care_queue, met=True, resolved_met=True)
    answered(company, company.care_queue, met=True, resolved_met=True)
    answered(company, company.billing_queue, met=False, resolved_met=False)
    for score in (5, 4, 2):
        FeedbackItem.objects.create(
            text="…", source="survey", customer=company.customer, score_kind="csat", score=score
        )
    return services.month_start(timezone.localdate())


def test_refresh_measures_the_company_and_each_department(company, month_of_work):
    result = services.refresh()
    assert not result.final and result.snapshots > 0
    company_fr = Snapshot.objects.get(month=month_of_work, scope="", code="first_response")
    assert (company_fr.part, company_fr.whole) == (2, 3)
    assert company_fr.value == pytest.approx(2 / 3, abs=1e-3) and company_fr.met is False
    care = Snapshot.objects.get(month=month_of_work, scope="care", code="first_response")
    assert (care.part, care.whole, care.met) == (2, 2, True)
    assert not Snapshot.objects.filter(scope="care", code="nps").exists()  # company-wide only
    csat = Snapshot.objects.get(month=month_of_work, scope="", code="csat")
    assert (csat.part, csat.whole) == (2, 3)
    promised = Snapshot.objects.get(month=month_of_work, scope="", code="promised")
    assert promised.whole == 3 and promised.value == 1.0
    kinds = set(MonthFigures.objects.filter(month=month_of_work).values_list("kind", flat=True))
    assert kinds == {"payback", "product_line", "tier", "segment", "order_cycle"}
    with pytest.raises(ServiceError):
        services.refresh(services.next_month(month_of_work))


def test_a_closed_month_keeps_its_threshold_when_tuned_later(company, month_of_work):
    last = services.previous_month(month_of_work)
    answered(company, company.care_queue, met=True, when=timezone.now() - timedelta(days=40))
    since, _until = services.bounds(last)
    answered(company, company.care_queue, met=True, when=since + timedelta(days=1))
    services.daily()
    closed = Snapshot.objects.get(month=last, scope="", code="first_response")
    assert closed.final and closed.met is True and closed.threshold == 0.9
    services.set_threshold(actor=company.admin, code="first_response", value=0.5)
    closed.refresh_from_db()
    assert closed.threshold == 0.9  # history unchanged
    current = Snapshot.objects.get(month=month_of_work, scope="", code="first_response")
    assert current.threshold == 0.5 and current.met is True  # 2/3 ≥ 0.5 now
    card = selectors.card(company.manager, month=month_of_work)
    line = next(x for x in card.lines if x.code == "first_response")
    assert line.met_now and line.threshold_now == 0.5 and len(line.history) == 12
    with pytest.raises(NotAllowed):
        services.set_threshold(actor=company.manager, code="csat", value=0.5)
    with pytest.raises(ServiceError):
        services.set_threshold(actor=company.admin, code="csat", value=2)
    # A closed month is not measured again.
    assert services.refresh(last).snapshots == 0
    services.reset_threshold(actor=company.admin, code="first_response")
    assert services.thresholds()["first_response"] == 0.9


def test_the_page_says_the_level_and_what_to_do_next(company, month_of_work, web_as):
    services.refresh()
    page = web_as(company.manager).get("/scorecard/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="level-then"' in body and 'data-testid="next-steps"' in body
    assert 'data-code="first_response"' in body and "2/3" in body
    # An agent sees their department's card; another department's is not found.
    agent = web_as(company.agent)
    assert agent.get("/scorecard/").url == "/scorecard/departments/care/"
    assert agent.get("/scorecard/departments/care/").status_code == 200
    assert agent.get("/scorecard/departments/billing/").status_code == 404
    assert agent.get("/scorecard/payback/").status_code == 404
    assert agent.get("/scorecard/order-cycle/").status_code == 200
    manager = web_as(company.manager)
    assert manager.get("/scorecard/departments/nope/").status_code == 404
    assert manager.get("/scorecard/?month=not-a-month").status_code == 200
    xlsx = manager.get("/scorecard/?format=xlsx")
    assert zipfile.ZipFile(io.BytesIO(xlsx.content)).namelist()
    assert manager.get("/scorecard/?format=pdf").content.startswith(b"%PDF")
    assert "First answers within target" in manager.get("/scorecard/?format=csv").content.decode()
    for path in ("/scorecard/payback/", "/scorecard/reports/?by=tier",
                 "/scorecard/reports/?by=bogus", "/scorecard/thresholds/"):  # fmt: skip
        assert manager.get(path).status_code == 200, path
    for fmt in ("csv", "xlsx", "pdf"):
        assert manager.get(f"/scorecard/reports/?by=product_line&format={fmt}").status_code == 200


def test_the_page_reads_snapshots_only(
    company, month_of_work, web_as, django_assert_max_num_queries
):
    services.refresh()
    client = web_as(company.manager)
    client.get("/scorecard/")
    with django_assert_max_num_queries(14):
        assert client.get("/scorecard/").status_code == 200


def test_thresholds_page_is_tuned_by_administrators(company, month_of_work, web_as):
    services.refresh()
    assert (
        web_as(company.manager)
        .post("/scorecard/thresholds/", {"code": "csat", "value": "70"})
        .status_code
        == 403
    )
    admin = web_as(company.admin)
    assert admin.post("/scorecard/thresholds/", {"code": "csat", "value": "70"}).status_code == 302
    assert services.thresholds()["csat"] == 0.7  # typed as a percentage
    admin.post("/scorecard/thresholds/", {"code": "csat", "value": "lots"})
    admin.post("/scorecard/thresholds/", {"code": "nope", "value": "1"})
    assert services.thresholds()["csat"] == 0.7
    assert web_as(company.agent).get("/scorecard/thresholds/").status_code == 404


def test_the_api(company, month_of_work, api_as):
    services.refresh()
    card = api_as(company.manager).get("/api/scorecard")
    assert card.status_code == 200
    data = card.json()
    assert data["measured"] and len(data["next_steps"]) <= 3
    assert {c["code"] for c in data["criteria"]} >= {"first_response", "nps", "at_risk_in_time"}
    own = api_as(company.agent).get("/api/scorecard").json()
    assert own["scope"] == "care"
    assert api_as(company.agent).get("/api/scorecard?department=billing").status_code == 404
    assert api_as(company.manager).get("/api/scorecard?department=nope").status_code == 404
    assert api_as(company.manager).get("/api/scorecard?month=2026-13").status_code in (400, 422)
    assert api_as(company.manager).get("/api/scorecard?month=junk").status_code == 422
    assert api_as(company.agent).get("/api/scorecard/payback").status_code == 403
    assert api_as(company.manager).get("/api/scorecard/reports/tier").json()["measured"]
    assert api_as(company.manager).get("/api/scorecard/reports/nope").status_code == 422
    put = api_as(company.admin).put("/api/scorecard/thresholds/csat", {"value": 0.75})
    assert put.status_code == 200 and put.json()["value"] == 0.75
    assert (
        api_as(company.admin).put("/api/scorecard/thresholds/csat", {"value": 7}).status_code == 422
    )
    assert (
        api_as(company.manager).put("/api/scorecard/thresholds/csat", {"value": 0.5}).status_code
        == 403
    )
    assert (
        api_as(company.admin).put("/api/scorecard/thresholds/bogus", {"value": 0.5}).status_code
        == 422
    )


def test_value_columns_follow_the_value_rule(company, month_of_work, api_as, settings):
    CustomerValue.objects.create(customer=company.customer, lifetime_value_12m=100, p_alive=0.5)
    services.refresh()
    rows = api_as(company.manager).get("/api/scorecard/reports/tier").json()["data"]["rows"]
    assert "value" in rows[0]
    settings.VALUE_VISIBLE_TO = ["admin"]
    rows = api_as(company.manager).get("/api/scorecard/reports/tier").json()["data"]["rows"]
    assert "value" not in rows[0] and "revenue" not in rows[0]


def test_reports_per_product_line_and_payback_say_when_they_cannot_tell(company, month_of_work):
    Order.objects.create(
        order_id="P-1", customer=company.customer, placed_at=timezone.now(), amount=40,
        product_line="bikes",
    )  # fmt: skip
    CustomerValue.objects.create(customer=company.customer, lifetime_value_12m=100, p_alive=0.5)
    services.refresh()
    _month, data, _final = selectors.figures_of("product_line")
    bikes = next(r for r in data["rows"] if r["key"] == "bikes")
    assert bikes["orders"] == 1 and bikes["revenue"] == 40 and bikes["requests"] == 3
    _month, payback, _final = selectors.figures_of("payback")
    assert payback["since"] is None
    assert {r["verdict"] for r in payback["rows"]} == {"no_policy"}


def test_monthly_email_goes_once_to_each_subscriber_with_the_pdf(company, month_of_work, web_as):
    company.manager.email = "manager@example.com"
    company.manager.save()
    assert (
        web_as(company.manager).post("/scorecard/subscription/", {"subscribe": "1"}).status_code
        == 302
    )
    assert Subscription.objects.filter(user=company.manager).exists()
    with pytest.raises(NotAllowed):
        services.subscribe(user=company.agent)
    last = services.previous_month(month_of_work)
    assert services.send_monthly(last) == 0  # not closed yet
    services.daily()
    mail = Notification.objects.get(recipient="manager@example.com")
    assert mail.attachments[0]["content_type"] == "application/pdf"
    assert "Level reached" in mail.body
    services.daily()
    assert Notification.objects.filter(recipient="manager@example.com").count() == 1


def test_the_cli(company, month_of_work, capsys, tmp_path):
    call_command("scorecard")
    assert "not measured yet" in capsys.readouterr().out
    call_command("scorecard", "refresh")
    assert "figures" in capsys.readouterr().out
    call_command("scorecard", "--json", "--month", f"{month_of_work:%Y-%m}")
    data = json.loads(capsys.readouterr().out)
    assert data["month"] == f"{month_of_work:%Y-%m}" and data["criteria"]
    call_command("scorecard", "--department", "care")
    assert "Level reached" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("scorecard", "--month", "2026/11")
    with pytest.raises(CommandError, match="no department"):
        call_command("scorecard", "--department", "nope")
    out = tmp_path / "tier.xlsx"
    call_command("scorecard", "report", "tier", "--format", "xlsx", "--output", str(out))
    assert out.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="--output"):
        call_command("scorecard", "report", "payback", "--format", "pdf")
    call_command("scorecard", "threshold", "csat", "0.7", "--as", "admin")
    assert services.thresholds()["csat"] == 0.7
    with pytest.raises(CommandError):
        call_command("scorecard", "threshold", "csat", "0.7", "--as", "manager")
    with pytest.raises(CommandError, match="not a number"):
        call_command("scorecard", "threshold", "csat", "lots", "--as", "admin")
