"""The daily at-risk worklist: who is found and why, who acts by when, outcomes, the
effect page; the same rule on pages, API and CLI."""

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
from clientfocus.orders.models import Milestone, Order, OrderMilestone
from clientfocus.retention import selectors, services
from clientfocus.retention.models import RiskCase
from clientfocus.service.models import AgentNotice, Request
from clientfocus.service.services import open_request
from clientfocus.value.models import CustomerValue, ValueMark
from clientfocus.voice.models import FeedbackItem
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def valued(customer, value, p_alive=0.8, history=(), orders=3):
    now = timezone.now()
    CustomerValue.objects.create(
        customer=customer, lifetime_value_12m=value, p_alive=p_alive, orders=orders,
        purchase_days=orders, first_order_at=now - timedelta(days=200),
        last_order_at=now - timedelta(days=20),
    )  # fmt: skip
    for i, (p, v) in enumerate(history):
        month = (now.date().replace(day=1) - timedelta(days=31 * (i + 1))).replace(day=1)
        ValueMark.objects.create(customer=customer, month=month, p_alive=p, lifetime_value_12m=v)


@pytest.fixture
def drifting(company, settings):
    settings.AT_RISK_TOP_SHARE = 0.5
    falling = CustomerFactory(name="=Falling Ltd", tier=company.gold, owner=company.agent)
    valued(falling, 900, p_alive=0.3, history=[(0.9, 1000)])
    unhappy = company.gold_customer  # no owner: the manager of the queue that served them
    valued(unhappy, 800)
    req = open_request(
        actor=company.agent, subject="Late", customer=unhappy, queue=company.billing_queue
    )
    Request.objects.filter(pk=req.pk).update(breach_count=1)
    FeedbackItem.objects.create(
        text="Terrible", source="survey", customer=unhappy, score_kind="nps", score=2
    )
    calm = CustomerFactory(name="Calm", tier=company.gold)
    valued(calm, 700, history=[(0.8, 700)])
    small = CustomerFactory(name="Small", owner=company.agent)
    valued(small, 10, p_alive=0.1, history=[(0.9, 100)])  # drifting, but not valuable
    return falling, unhappy, calm, small


def test_detect_finds_valuable_drifting_customers_with_the_evidence(company, drifting):
    falling, unhappy, _calm, _small = drifting
    result = services.detect()
    assert result.flagged == 2 and result.opened == 2
    cases = {c.customer_id: c for c in RiskCase.objects.all()}
    assert set(cases) == {falling.pk, unhappy.pk}
    assert cases[falling.pk].codes == ["value_falling"]
    assert cases[falling.pk].assignee == company.agent  # the owner
    assert sorted(cases[unhappy.pk].codes) == ["breached", "detractor"]
    assert cases[unhappy.pk].assignee == company.other_manager  # billing queue's manager
    assert cases[unhappy.pk].due_on == timezone.localdate() + timedelta(days=3)
    # The worklist puts the higher value × evidence first.
    assert cases[unhappy.pk].priority > cases[falling.pk].priority
    assert AgentNotice.objects.filter(recipient=company.agent, kind="at_risk").count() == 1
    # Twice the same day: nothing new, the open cases refreshed.
    again = services.detect()
    assert again.opened == 0 and again.refreshed == 2
    assert RiskCase.objects.count() == 2


def test_a_closed_case_keeps_the_customer_off_the_list_for_a_while(company, drifting):
    services.detect()
    case = RiskCase.objects.get(customer=drifting[0])
    services.record_outcome(actor=company.agent, case=case, outcome="called", note="Spoke")
    assert case.in_time()
    assert services.detect().opened == 0


def test_outcome_by_the_assignee_or_a_manager_only_once(company, drifting):
    services.detect()
    case = RiskCase.objects.get(customer=drifting[0])
    with pytest.raises(NotAllowed):
        services.record_outcome(actor=company.agent2, case=case, outcome="called")
    with pytest.raises(ServiceError):
        services.record_outcome(actor=company.agent, case=case, outcome="shrugged")
    with pytest.raises(ServiceError):
        services.record_outcome(actor=company.agent, case=case, outcome="called", note="x" * 501)
    services.record_outcome(actor=company.manager, case=case, outcome="offered")
    with pytest.raises(ServiceError):
        services.record_outcome(actor=company.agent, case=case, outcome="lost")
    assert RiskCase.objects.get(pk=case.pk).outcome == "offered"


def test_reassign_is_for_managers(company, drifting):
    services.detect()
    case = RiskCase.objects.get(customer=drifting[0])
    with pytest.raises(NotAllowed):
        services.reassign(actor=company.agent, case=case, username="agent2")
    with pytest.raises(ServiceError):
        services.reassign(actor=company.manager, case=case, username="nobody")
    with pytest.raises(ServiceError):
        services.reassign(
            actor=company.manager, case=case, username="agent2",
            due_on=timezone.localdate() - timedelta(days=1),
        )  # fmt: skip
    services.reassign(actor=company.manager, case=case, username="agent2")
    assert RiskCase.objects.get(pk=case.pk).assignee == company.agent2


def _old_case(customer, *, contacted: bool, bought: bool, assignee, days=120):
    opened = timezone.now() - timedelta(days=days)
    case = RiskCase.objects.create(
        customer=customer, opened_on=opened.date(), due_on=opened.date() + timedelta(days=3),
        assignee=assignee, created_at=opened,
        outcome="called" if contacted else "no_action",
        acted_at=opened + timedelta(days=1 if contacted else 10),
    )  # fmt: skip
    if bought:
        Order.objects.create(
            order_id=f"O-{case.pk}", customer=customer, placed_at=opened + timedelta(days=30),
            amount=10,
        )  # fmt: skip
    return case


def test_the_effect_page_compares_contacted_in_time_with_the_others(company):
    for i in range(12):
        c = CustomerFactory(name=f"C{i}")
        _old_case(c, contacted=True, bought=i < 9, assignee=company.agent)
    for i in range(12):
        c = CustomerFactory(name=f"N{i}")
        _old_case(c, contacted=False, bought=i < 2, assignee=company.agent)
    # Too young to tell: not counted.
    _old_case(CustomerFactory(), contacted=True, bought=True, assignee=company.agent, days=10)
    report = selectors.effect_report(company.manager)
    e = report.effect
    assert (e.contacted, e.contacted_bought, e.not_contacted, e.not_contacted_bought) == (
        12, 9, 12, 2)  # fmt: skip
    assert e.enough and e.p_value < 0.05
    assert "unlikely to be chance" in report.statement()
    # An agent sees the effect of their own cases only.
    assert selectors.effect_report(company.agent2).effect.contacted == 0


def test_pages_follow_the_rule_and_export_safely(company, drifting, web_as):
    services.detect()
    case = RiskCase.objects.get(customer=drifting[0])
    other = RiskCase.objects.get(customer=drifting[1])
    page = web_as(company.agent).get("/customers/at-risk/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "=Falling Ltd" in body and drifting[1].name not in body  # own cases only
    assert web_as(company.agent).get(f"/customers/at-risk/{other.pk}/").status_code == 404
    assert (
        web_as(company.agent)
        .post(f"/customers/at-risk/{other.pk}/outcome/", {"outcome": "called"})
        .status_code
        == 404
    )
    client = web_as(company.agent)
    done = client.post(
        f"/customers/at-risk/{case.pk}/outcome/", {"outcome": "called", "note": "ok"}
    )
    assert done.status_code == 302
    assert RiskCase.objects.get(pk=case.pk).outcome == "called"
    client = web_as(company.manager)
    csv = client.get("/customers/at-risk/?state=all&format=csv").content.decode()
    assert "'=Falling Ltd" in csv and "\n=Falling" not in csv
    xlsx = client.get("/customers/at-risk/?state=all&format=xlsx").content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        assert (
            "'=Falling Ltd" in strings
            and "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()
        )
    assert client.get("/customers/at-risk/?format=pdf").content.startswith(b"%PDF")
    assert client.get("/customers/at-risk/effect/").status_code == 200
    assert client.get(f"/customers/at-risk/{other.pk}/").status_code == 200


def test_the_api_shows_value_only_to_who_may_see_it(company, drifting, api_as):
    services.detect()
    mine = api_as(company.agent).get("/api/customers/at-risk")
    assert mine.status_code == 200
    rows = mine.json()
    assert [r["customer_name"] for r in rows] == ["=Falling Ltd"]
    assert rows[0]["value_at_stake"] == 900  # the customer's owner sees the value
    staff = api_as(company.billing_staff).get("/api/customers/at-risk")
    assert staff.json() == []
    everything = api_as(company.manager).get("/api/customers/at-risk?state=all").json()
    assert len(everything) == 2
    other = RiskCase.objects.get(customer=drifting[1])
    assert api_as(company.agent).get(f"/api/customers/at-risk/{other.pk}").status_code == 404
    bad = api_as(company.manager).post(
        f"/api/customers/at-risk/{other.pk}/outcome", {"outcome": "x"}
    )
    assert bad.status_code == 422
    assert api_as(company.manager).get("/api/customers/at-risk?limit=0").status_code == 422
    ok = api_as(company.other_manager).post(
        f"/api/customers/at-risk/{other.pk}/outcome", {"outcome": "lost", "note": "moved"}
    )
    assert ok.status_code == 200 and ok.json()["outcome"] == "lost"
    again = api_as(company.other_manager).post(
        f"/api/customers/at-risk/{other.pk}/outcome", {"outcome": "called"}
    )
    assert again.status_code == 422 and "already recorded" in again.content.decode()
    effect = api_as(company.manager).get("/api/customers/at-risk/effect")
    assert effect.status_code == 200 and "statement" in effect.json()


def test_the_cli(company, drifting, capsys):
    call_command("at_risk", "detect")
    assert '"opened": 2' in capsys.readouterr().out
    call_command("at_risk", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2
    case = rows[0]["id"]
    call_command("at_risk", "outcome", str(case), "called", "--as", "manager")
    assert "called" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no at-risk case"):
        call_command("at_risk", "outcome", "999999", "called", "--as", "manager")
    with pytest.raises(CommandError, match="outcome"):
        call_command("at_risk", "outcome", str(case), "lost", "--as", "manager")
    with pytest.raises(CommandError, match="no active user"):
        call_command("at_risk", "outcome", str(case), "lost", "--as", "ghost")
    call_command("at_risk", "effect")
    assert "cannot be told yet" in capsys.readouterr().out


def test_stopped_after_a_delay_and_an_unresolved_complaint(company, settings):
    settings.AT_RISK_TOP_SHARE = 1.0
    customer = CustomerFactory(name="Delayed", tier=company.gold)
    valued(customer, 500)
    CustomerValue.objects.filter(customer=customer).update(
        last_order_at=timezone.now() - timedelta(days=80),
        first_order_at=timezone.now() - timedelta(days=200), purchase_days=4,
    )  # fmt: skip
    order = Order.objects.create(
        order_id="D-1", customer=customer, placed_at=timezone.now() - timedelta(days=80), amount=50
    )
    OrderMilestone.objects.create(
        order=order, kind=Milestone.DELAYED, occurred_at=timezone.now() - timedelta(days=75)
    )
    services.detect()
    case = RiskCase.objects.get(customer=customer)
    assert case.codes == ["stopped_after_delay"]
    assert case.signals[0]["order"] == "D-1"
