"""Which playbooks apply, templates filled, quizzes checked and marked: no database."""

from __future__ import annotations

import pytest

from clientfocus.knowledge import matching, quiz
from clientfocus.knowledge.matching import Criteria, Situation


def test_every_set_criterion_must_match_and_the_most_specific_comes_first():
    late = Criteria("late", categories=frozenset({1}))
    gold_late = Criteria("gold-late", categories=frozenset({1}), tiers=frozenset({"gold"}))
    phone = Criteria("phone", channels=frozenset({"phone"}))
    anything = Criteria("any")
    themed = Criteria("themed", themes=frozenset({7, 8}))
    sofas = Criteria("sofas", product_lines=frozenset({"Sofas"}))
    everything = [late, gold_late, phone, anything, themed, sofas]
    gold_call = Situation(category=1, channel="phone", tier="gold", themes=frozenset({8}))
    assert matching.matching(everything, gold_call) == [
        "gold-late",
        "late",
        "phone",
        "themed",
        "any",
    ]
    plain = Situation(category=2, channel="email", tier="standard", product_line=" sofas ")
    assert matching.matching(everything, plain) == ["sofas", "any"]
    assert matching.matching([], plain) == []


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Dear {customer_name}, {reference}", "Dear Rūta, CF-1"),
        ("{unknown} and {customer_name", "{unknown} and {customer_name"),
        ("{}{{reference}}", "{}{CF-1}"),
        ("", ""),
    ],
)
def test_placeholders_are_filled_and_anything_else_stays(template, expected):
    assert matching.fill(template, {"customer_name": "Rūta", "reference": "CF-1"}) == expected


def test_a_quiz_is_checked_and_marked():
    good = [
        {"question": {"en": "Q1"}, "options": [{"en": "a"}, {"en": "b"}], "answer": 1},
        {"question": {"lt": "K2"}, "options": [{"en": "a"}, {"en": "b"}, {"en": "c"}], "answer": 0},
    ]
    assert quiz.check(good) == good
    assert quiz.mark(good, [1, 0]) == 100
    assert quiz.mark(good, [1, 2]) == 50
    assert quiz.mark(good, [None]) == 0
    assert quiz.mark([], []) == 100
    for bad, says in [
        ("x", "list"),
        ([{"question": {}, "options": [{"en": "a"}, {"en": "b"}], "answer": 0}], "question 1"),
        ([{"question": {"en": "Q"}, "options": [{"en": "a"}], "answer": 0}], "options"),
        ([{"question": {"en": "Q"}, "options": [{"en": "a"}, {"en": "b"}], "answer": 2}], "answer"),
        (
            [{"question": {"en": "Q"}, "options": [{"en": "a"}, {"en": "b"}], "answer": True}],
            "answer",
        ),
        ([good[0]] * 21, "at most"),
    ]:
        with pytest.raises(quiz.QuizError, match=says):
            quiz.check(bad)
