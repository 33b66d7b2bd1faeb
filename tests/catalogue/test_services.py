"""The catalogue's rules with the database: versions are never edited, a raised fee
starts only after its notice period, the customers it affects are told on their channel
and in their language (or recorded as unreachable), and until a customer has been told
their earlier terms stand; complaints about charges link to the fee they name."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from clientfocus.catalogue import selectors, services
from clientfocus.catalogue.models import Complaint, Notice, NoticeState, Version
from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.notify.models import DeliveryState, Notification
from clientfocus.voice.models import Source, Theme
from clientfocus.voice.services import record_feedback, set_theme
from tests.catalogue.conftest import change
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def _amounts(customer, now=None):
    [terms] = selectors.terms_for(customer, now)
    return {(f.code, f.amount) for f in terms.fees}, terms


def test_each_tier_sees_its_own_fees(company, delivery):
    fees, terms = _amounts(company.customer)
    assert fees == {("express-delivery", Decimal("10.00")), ("storage", Decimal("2.00"))}
    assert terms.version.number == 1 and terms.announced == [] and terms.waiting == []
    gold, _terms = _amounts(company.gold_customer)
    assert ("express-delivery", Decimal("0.00")) in gold


def test_a_published_version_is_never_edited_and_a_draft_copies_the_last(company, delivery):
    published = delivery.versions.get(number=1)
    with pytest.raises(ServiceError):
        services.save_draft(actor=company.manager, version=published, names={"en": "X"})
    draft = services.draft_of(actor=company.manager, service=delivery)
    assert draft.number == 2 and draft.fees.count() == 3
    assert services.draft_of(actor=company.manager, service=delivery) == draft  # one draft
    with pytest.raises(NotAllowed):
        services.draft_of(actor=company.agent, service=delivery)


def test_bad_fee_lines_are_refused_and_the_draft_keeps_its_lines(company, delivery):
    draft = services.draft_of(actor=company.manager, service=delivery)
    line = {"code": "x", "names": {"en": "X"}, "amount": "1", "currency": "EUR", "unit": "order"}
    bad = [
        [{**line, "amount": "-1"}],
        [{**line, "amount": "1.005"}],
        [{**line, "amount": "NaN"}],
        [{**line, "currency": "euro"}],
        [{**line, "unit": "week"}],
        [{**line, "names": {}}],
        [{**line, "code": "X Y"}],
        [{**line, "names": {"xx": "X"}}],
        [{**line, "tier": "platinum"}],
        [line, line],
        "not a list",
    ]
    for rows in bad:
        with pytest.raises(ServiceError):
            services.save_draft(actor=company.manager, version=draft, fees=rows)
    assert draft.fees.count() == 3


def test_a_raise_waits_for_its_notice_and_tells_the_customers_it_affects(company, delivery):
    unreachable = CustomerFactory(name="Jonas", tier=company.standard, language="lt")
    draft = change(company.manager, delivery, express="12.00")
    plan = services.preview(draft)
    assert [t.code for t in plan.to_tell] == ["standard"]  # gold's express stays free
    assert plan.customers == 2 and plan.lead_days == 30
    with pytest.raises(ServiceError, match="30 days"):
        services.publish(
            actor=company.manager, version=draft, valid_from=timezone.now() + timedelta(days=10)
        )
    version, queued, unreachable_count = services.publish(actor=company.manager, version=draft)
    assert (queued, unreachable_count) == (1, 1)
    assert version.valid_from >= timezone.now() + timedelta(days=29, hours=23)
    told = Notice.objects.get(version=version, customer=company.customer)
    assert told.state == NoticeState.QUEUED
    assert told.notification.recipient == "ruta@example.lt"
    assert "Skubus pristatymas" in told.notification.body  # Lithuanian, her language
    assert "12,00" in told.notification.body and "10,00" in told.notification.body
    missing = Notice.objects.get(version=version, customer=unreachable)
    assert missing.state == NoticeState.UNREACHABLE and missing.reason
    assert not Notice.objects.filter(customer=company.gold_customer).exists()

    # Announced, not in effect yet; in effect after the date only for who was told.
    fees, terms = _amounts(company.customer)
    assert ("express-delivery", Decimal("10.00")) in fees
    assert terms.announced[0][0] == version
    later = timezone.now() + timedelta(days=31)
    fees, terms = _amounts(company.customer, later)
    assert ("express-delivery", Decimal("10.00")) in fees and terms.waiting  # not sent yet
    Notification.objects.filter(pk=told.notification_id).update(
        state=DeliveryState.SENT, sent_at=timezone.now()
    )
    fees, _terms = _amounts(company.customer, later)
    assert ("express-delivery", Decimal("12.00")) in fees
    fees, terms = _amounts(unreachable, later)
    assert ("express-delivery", Decimal("10.00")) in fees and terms.waiting[0][1] is None
    figures = selectors.notice_figures([version])[version.pk]
    assert (figures.customers, figures.sent, figures.unreachable) == (2, 1, 1)


def test_a_customer_told_late_gets_the_full_notice_period(company, delivery):
    late = CustomerFactory(name="Jonas", tier=company.standard, language="en")
    version, _q, _u = services.publish(
        actor=company.manager,
        version=change(company.manager, delivery, express="12.00"),
        lead_days=45,
    )
    assert version.lead_days == 45
    ContactFactory(customer=late, kind="email", value="jonas@example.com")
    queued, still = services.tell_again(actor=company.manager, version=version)
    assert (queued, still) == (1, 0)
    notice = Notice.objects.get(version=version, customer=late)
    sent = timezone.now() + timedelta(days=20)
    Notification.objects.filter(pk=notice.notification_id).update(
        state=DeliveryState.SENT, sent_at=sent
    )
    notice.refresh_from_db()
    assert selectors.effective_for(version, notice) == sent + timedelta(days=45)
    fees, _terms = _amounts(late, version.valid_from + timedelta(days=1))
    assert ("express-delivery", Decimal("10.00")) in fees
    fees, _terms = _amounts(late, sent + timedelta(days=46))
    assert ("express-delivery", Decimal("12.00")) in fees
    assert services.tell_again(actor=company.manager, version=version) == (0, 0)


def test_lower_fees_start_at_once_and_nobody_is_told(company, delivery):
    draft = change(company.manager, delivery, express="8.00", storage="1.00")
    assert services.preview(draft).to_tell == {}
    version, queued, unreachable = services.publish(actor=company.manager, version=draft)
    assert (queued, unreachable, version.raises) == (0, 0, False)
    fees, _terms = _amounts(company.customer)
    assert ("express-delivery", Decimal("8.00")) in fees
    with pytest.raises(ServiceError):
        services.tell_again(actor=company.manager, version=version)


def test_customers_who_joined_after_the_announcement_need_no_notice(company, delivery):
    version, _q, _u = services.publish(
        actor=company.manager, version=change(company.manager, delivery, express="12.00")
    )
    newcomer = CustomerFactory(name="New", tier=company.standard)
    Version.objects.filter(pk=version.pk).update(published_at=timezone.now() - timedelta(days=1))
    fees, _terms = _amounts(newcomer, timezone.now() + timedelta(days=31))
    assert ("express-delivery", Decimal("12.00")) in fees


def test_a_version_with_an_end_and_a_start_before_the_previous_is_refused(company, delivery):
    draft = change(company.manager, delivery, express="8.00")
    with pytest.raises(ServiceError):
        services.publish(
            actor=company.manager,
            version=draft,
            valid_from=timezone.now() + timedelta(days=5),
            valid_to=timezone.now() + timedelta(days=4),
        )
    with pytest.raises(ServiceError):
        services.publish(actor=company.manager, version=draft, lead_days=5000)
    services.publish(
        actor=company.manager, version=draft, valid_to=timezone.now() + timedelta(days=10)
    )
    assert selectors.terms_for(company.customer, timezone.now() + timedelta(days=11)) == []


@override_settings(CATALOGUE_NOTICE_DAYS=60)
def test_the_legal_minimum_is_a_setting(company, delivery):
    plan = services.preview(change(company.manager, delivery, express="12.00"))
    assert plan.lead_days == 60


def test_complaints_about_charges_link_to_the_fee_they_name(company, delivery):
    item = record_feedback(
        text="Списали деньги за экспресс-доставку дважды, верните!",
        source=Source.EMPLOYEE,
        actor=company.agent,
        customer=company.gold_customer,
    )
    [link] = Complaint.objects.filter(item=item)
    assert (link.service, link.fee_code) == (delivery, "express-delivery")
    counts = selectors.complaints_per_fee(company.manager)
    assert counts[(delivery.pk, "express-delivery")] == {"total": 1, "recent": 1}
    theme = Theme.objects.get(code="unexpected-charges")
    set_theme(item=item, theme=theme, present=False, actor=company.manager)
    assert not Complaint.objects.filter(item=item).exists()
    set_theme(item=item, theme=theme, present=True, actor=company.manager)
    assert Complaint.objects.filter(item=item).count() == 1
    Complaint.objects.all().delete()
    assert services.relink(days=30) == 1
    assert Complaint.objects.count() == 1


def test_praise_that_names_a_fee_is_no_complaint(company, delivery):
    item = record_feedback(
        text="Express delivery was quick and the courier was lovely.",
        source=Source.EMPLOYEE,
        actor=company.agent,
        customer=company.customer,
    )
    assert not Complaint.objects.filter(item=item).exists()
