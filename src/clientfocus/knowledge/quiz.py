"""A course's short quiz: checking its shape and marking answers (pure: no Django).

A quiz is a list of questions, each with its texts per language, two to eight options
(texts per language) and the index of the right option. Marks are whole percentages.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_QUESTIONS = 20
MAX_OPTIONS = 8


class QuizError(ValueError):
    """The quiz as written cannot be asked; the message says which question."""


def check(quiz: object) -> list[dict]:
    """The quiz as stored, or QuizError saying what is wrong with it."""
    if not isinstance(quiz, list):
        raise QuizError("a quiz is a list of questions")
    if len(quiz) > MAX_QUESTIONS:
        raise QuizError(f"at most {MAX_QUESTIONS} questions")
    clean = []
    for n, item in enumerate(quiz, start=1):
        if not isinstance(item, dict):
            raise QuizError(f"question {n}: not an object")
        question, options, answer = item.get("question"), item.get("options"), item.get("answer")
        if not isinstance(question, dict) or not any(
            isinstance(v, str) and v.strip() for v in question.values()
        ):
            raise QuizError(f"question {n}: the question has no text")
        if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
            raise QuizError(f"question {n}: 2 to {MAX_OPTIONS} options")
        for option in options:
            if not isinstance(option, dict) or not any(
                isinstance(v, str) and v.strip() for v in option.values()
            ):
                raise QuizError(f"question {n}: an option has no text")
        if (
            not isinstance(answer, int)
            or isinstance(answer, bool)
            or not 0 <= answer < len(options)
        ):
            raise QuizError(f"question {n}: the answer is the number of an option, from 0")
        clean.append(
            {
                "question": {str(k): str(v)[:500] for k, v in question.items()},
                "options": [{str(k): str(v)[:300] for k, v in o.items()} for o in options],
                "answer": answer,
            }
        )
    return clean


def mark(quiz: Sequence[dict], answers: Sequence[int | None]) -> int:
    """The share of right answers in whole percent (an empty quiz: 100)."""
    if not quiz:
        return 100
    right = sum(
        1
        for i, item in enumerate(quiz)
        if i < len(answers) and answers[i] is not None and answers[i] == item["answer"]
    )
    return round(100 * right / len(quiz))
