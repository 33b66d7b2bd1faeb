"""The pure rules: what a new version changes for a tier and whether it needs notice,
and which fee a complaint names (no database)."""

from __future__ import annotations

from decimal import Decimal

from clientfocus.catalogue import changes
from clientfocus.catalogue.matching import Matcher, Name


def line(code, amount, tier=None, currency="EUR", unit="order", conditions=()):
    return changes.Line(code, tier, Decimal(amount), currency, unit, conditions)


def test_a_tier_takes_its_own_line_over_the_general_one():
    lines = [line("express", "10"), line("express", "0", tier=2), line("storage", "2")]
    assert changes.effective(lines, 2)["express"].amount == 0
    assert changes.effective(lines, 1)["express"].amount == 10
    assert set(changes.effective(lines, None)) == {"express", "storage"}


def test_raises_new_fees_and_changed_terms_need_notice_lowering_does_not():
    before = [line("express", "10"), line("express", "0", tier=2), line("storage", "2")]
    after = [
        line("express", "12"),
        line("express", "0", tier=2),
        line("storage", "1.50"),
        line("packing", "3"),
    ]
    kinds = {c.code: c.kind for c in changes.compare(before, after, 1)}
    assert kinds == {"express": "raised", "storage": "lowered", "packing": "new"}
    gold = {c.code: c.kind for c in changes.compare(before, after, 2)}
    assert gold == {"storage": "lowered", "packing": "new"}
    assert changes.tiers_to_tell(before, after, [1, 2]).keys() == {1, 2}
    assert not changes.needs_notice(before, [line("express", "9")], 1)  # lowered + removed


def test_other_currency_unit_or_conditions_count_as_possible_raises():
    before = [line("express", "10", conditions=(("en", "first one free"),))]
    assert changes.compare(before, [line("express", "10", currency="USD")], 1)[0].kind == "terms"
    assert changes.compare(before, [line("express", "10", unit="item")], 1)[0].kind == "terms"
    assert changes.compare(before, [line("express", "10")], 1)[0].kind == "terms"
    assert changes.compare(before, before, 1) == []
    free_new = changes.compare([], [line("gift-wrap", "0")], 1)
    assert free_new[0].kind == "lowered" and not free_new[0].needs_notice


def test_conditions_fold_whitespace_and_drop_empty_translations():
    assert changes.conditions({"en": "a  b\n"}, {"lt": ""}) == (("en", "a b"),)


def test_a_complaint_names_the_most_specific_fee_in_any_language():
    matcher = Matcher(
        [
            Name("1:express", "Express delivery", "en"),
            Name("1:express", "Экспресс-доставка", "ru"),
            Name("1:express", "Skubus pristatymas", "lt"),
            Name("1:delivery", "Delivery fee", "en"),
            Name("1:storage", "Storage", "en"),
            Name("1:fee", "Fee", "en"),  # only filler words: never matches
        ]
    )
    assert len(matcher) == 5
    assert matcher.match("Списали за экспресс-доставку дважды", "ru") == {
        "1:express": "Экспресс-доставка"
    }
    assert set(matcher.match("They charged a delivery fee and storage", "en")) == {
        "1:delivery",
        "1:storage",
    }
    assert set(matcher.match("charged twice for express deliveries", "en")) == {"1:express"}
    assert set(matcher.match("Nuskaičiavo už skubų pristatymą", "lt")) == {"1:express"}
    assert matcher.match("a fee appeared on my bill", "en") == {}
