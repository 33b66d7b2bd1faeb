"""Tier policies: pure assignment, validation, preview, versions, apply."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clientfocus.customers.models import CustomerEvent
from clientfocus.value.models import CustomerValue, TierPolicyVersion
from clientfocus.value.tiering import PolicyError, TierPolicy, assign_tiers
from tests.factories import CustomerFactory, TierFactory

TIERS = ["standard", "silver", "gold", "platinum"]
RANK = {"standard": 10, "silver": 20, "gold": 30, "platinum": 40}
POLICY = {
    "metric": "lifetime_value_12m",
    "ranks": [{"tier": "platinum", "top_percent": 5}, {"tier": "gold", "top_percent": 20}],
    "floors": [{"tier": "silver", "open_request": True, "above_percentile": 50}],
    "default": "standard",
}


def test_top_shares_floors_and_manual_override():
    policy = TierPolicy.parse(POLICY, known_tiers=TIERS)
    values = list(range(100, 0, -1))  # customer 0 is the most valuable
    open_request = [False] * 100
    open_request[30] = True  # above the median, open request → never below silver
    open_request[90] = True  # below the median: no floor
    locked = [False] * 100
    locked[1] = True  # a manual tier wins
    tiers = assign_tiers(
        policy,
        metric=values,
        current=["standard"] * 100,
        locked=locked,
        open_requests={True: open_request},
        tier_rank=RANK,
    )
    assert tiers[0] == "platinum" and tiers[4] == "platinum" and tiers[5] == "gold"
    assert tiers[19] == "gold" and tiers[20] == "standard"
    assert tiers[30] == "silver" and tiers[90] == "standard"
    assert tiers[1] == "standard"


def test_equal_values_share_a_tier():
    policy = TierPolicy.parse(
        {"ranks": [{"tier": "gold", "top_percent": 10}], "default": "standard"}, known_tiers=TIERS
    )
    tiers = assign_tiers(
        policy,
        metric=[5, 5, 5, 1, 1, 1, 1, 1, 1, 1],
        current=["standard"] * 10,
        locked=[False] * 10,
        open_requests={},
        tier_rank=RANK,
    )
    assert tiers[:3] == ["gold"] * 3


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"default": "diamond"}, "unknown tier 'diamond'"),
        (
            {
                "ranks": [
                    {"tier": "gold", "top_percent": 20},
                    {"tier": "silver", "top_percent": 10},
                ],
                "default": "standard",
            },
            "shares must grow",
        ),
        ({"ranks": [{"tier": "gold", "top_percent": 150}], "default": "standard"}, "at most 100"),
        (
            {"floors": [{"tier": "silver", "moon_phase": 1}], "default": "standard"},
            "unknown condition",
        ),
        ({"metric": "shoe_size", "default": "standard"}, "metric"),
        ({"ranks": []}, "default: required"),
        ([], "expected a JSON object"),
    ],
)
def test_invalid_policies_are_explained(rules, message):
    with pytest.raises(PolicyError, match=message):
        TierPolicy.parse(rules, known_tiers=TIERS)


@pytest.fixture
def valued(company):
    for code, rank in (("silver", 20), ("platinum", 40)):
        TierFactory(code=code, name=code.title(), rank=rank)
    customers = [CustomerFactory(tier=company.standard, name=f"V{i}") for i in range(20)]
    for i, customer in enumerate(customers):
        CustomerValue.objects.create(
            customer=customer,
            revenue=Decimal(100 * (20 - i)),
            lifetime_value_12m=float(20 - i),
            orders=1,
        )
    return customers


def test_preview_save_apply_through_the_api(company, valued, api_as):
    admin = api_as(company.admin)
    preview = admin.post("/api/value/tier-policy/preview", {"rules": POLICY}).json()
    # 22 customers: the two of the company fixture have no figures (value 0), so the
    # gold one would fall to the default tier.
    assert preview["changes"] == {
        "standard → platinum": 2,
        "standard → gold": 3,
        "gold → standard": 1,
    }
    assert company.customer.tier.code == "standard"  # nothing changed by a preview
    saved = admin.post("/api/value/tier-policy", {"rules": POLICY, "note": "first"})
    assert saved.status_code == 201 and saved.json()["version"] == 1
    bad = admin.post("/api/value/tier-policy", {"rules": {"default": "diamond"}})
    assert bad.status_code == 422 and "diamond" in bad.json()["detail"][0]["msg"]
    applied = admin.post("/api/value/tier-policy/1/apply").json()
    assert applied["moves"] == 6
    valued[0].refresh_from_db()
    assert valued[0].tier.code == "platinum"
    event = CustomerEvent.objects.get(customer=valued[0], kind="tier_changed")
    assert event.data == {"old": "standard", "new": "platinum", "policy_version": 1}
    assert TierPolicyVersion.objects.get(version=1).is_active
    # Applying again moves nobody.
    assert admin.post("/api/value/tier-policy/1/apply").json()["moves"] == 0
    # Managers may preview but not change; agents may do neither.
    manager = api_as(company.manager)
    assert manager.post("/api/value/tier-policy/preview", {"rules": POLICY}).status_code == 200
    assert manager.post("/api/value/tier-policy", {"rules": POLICY}).status_code == 403
    assert (
        api_as(company.agent).post("/api/value/tier-policy/preview", {"rules": POLICY}).status_code
        == 403
    )


def test_new_requests_follow_the_new_tier(company, valued):
    from clientfocus.customers.models import Tier
    from clientfocus.service import services
    from clientfocus.value.services import apply_tier_policy, save_tier_policy
    from tests.factories import CalendarFactory, PolicyFactory

    PolicyFactory(
        tier=Tier.objects.get(code="platinum"),
        calendar=CalendarFactory(),
        first_response_minutes=15,
    )
    before = services.open_request(
        actor=company.agent, customer=valued[0], subject="before", queue=company.care_queue
    )
    version = save_tier_policy(actor=company.admin, rules=POLICY)
    apply_tier_policy(actor=company.admin, version=version)
    valued[0].refresh_from_db()
    after = services.open_request(
        actor=company.agent, customer=valued[0], subject="after", queue=company.care_queue
    )
    assert before.tier.code == "standard" and after.tier.code == "platinum"
    assert (after.first_response_due - after.created_at).total_seconds() == 15 * 60


def test_tier_page(company, valued, web_as):
    import json

    client = web_as(company.admin)
    page = client.post("/value/tiers/", {"rules": json.dumps(POLICY), "action": "preview"})
    assert page.status_code == 200 and "6 customers would move" in page.content.decode()
    broken = client.post("/value/tiers/", {"rules": "{not json", "action": "preview"})
    assert broken.status_code == 422 and "Not valid JSON" in broken.content.decode()
    client.post("/value/tiers/", {"rules": json.dumps(POLICY), "action": "save", "note": "v1"})
    client.post("/value/tiers/", {"version": "1", "action": "apply"})
    valued[0].refresh_from_db()
    assert valued[0].tier.code == "platinum"


def test_a_manual_tier_set_through_the_api_survives_the_policy(company, valued, api_as):
    from clientfocus.value.services import apply_tier_policy, save_tier_policy

    api = api_as(company.agent)
    response = api.patch(
        f"/api/customers/{valued[0].public_id}", {"tier": "silver", "tier_locked": True}
    )
    assert response.status_code == 200 and response.json()["tier_locked"] is True
    apply_tier_policy(
        actor=company.admin, version=save_tier_policy(actor=company.admin, rules=POLICY)
    )
    valued[0].refresh_from_db()
    valued[1].refresh_from_db()
    assert valued[0].tier.code == "silver" and valued[1].tier.code == "platinum"
