"""The demo voice of the customer: survey answers, feedback, tags, alerts, a digest."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from importlib import resources

from clientfocus.customers.models import Customer
from clientfocus.voice import selectors as voice_selectors
from clientfocus.voice import services as voice
from clientfocus.voice.models import (
    AlertSubscription,
    FeedbackItem,
    SurveyInvitation,
    SurveyResponse,
    ThemeTag,
    is_detractor,
)


def load_voice(people: list[Customer], org: dict, rng: random.Random, now: datetime) -> None:
    """Survey answers for part of the invitations the replayed requests sent, 12 weeks of
    frontline and customer feedback in five languages (from the short-comment set),
    a burst of delivery complaints last week, some staff-reviewed tags, a trained
    classifier, the rollups, the trend alerts and last week's digest."""

    text = (
        resources.files("clientfocus.voice").joinpath("data/short_comments.tsv").read_text("utf-8")
    )
    comments: dict[str, list[tuple[str, str]]] = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t"):
        comments.setdefault(row["language"], []).append((row["sentiment"], row["text"]))
    by_language: dict[str, list[Customer]] = {}
    for customer in people:
        by_language.setdefault(customer.language, []).append(customer)
    staff = [org["people"][k].user for k in ("agent", "agent2", "agent3", "agent4")]

    # Survey answers: most invitations are answered, scores follow how the request went.
    for invitation in SurveyInvitation.objects.filter(
        state="sent", customer__isnull=False
    ).select_related("survey", "customer", "request"):
        if rng.random() > 0.6:
            continue
        kind = invitation.survey.kind
        breached = invitation.request is not None and invitation.request.breach_count > 0
        if kind == "nps":
            score = rng.choice([3, 5, 6, 7, 8] if breached else [6, 8, 9, 9, 10, 10])
        elif kind == "csat":
            score = rng.choice([1, 2, 3, 4] if breached else [3, 4, 5, 5, 5])
        else:
            score = rng.choice([4, 5, 6, 7] if breached else [1, 2, 2, 3])
        pool = comments.get(invitation.language, comments["en"])
        wanted = "neg" if is_detractor(kind, score) else "pos"
        comment = rng.choice([t for s, t in pool if s == wanted]) if rng.random() < 0.5 else ""
        when = min(now, invitation.created_at + timedelta(hours=rng.randint(1, 40)))
        response = voice.answer_survey(
            token=voice.survey_token(invitation), score=score, comment=comment, now=when
        )
        FeedbackItem.objects.filter(pk=response.item_id or 0).update(created_at=when)
        ThemeTag.objects.filter(item_id=response.item_id or 0).update(created_at=when)
        SurveyResponse.objects.filter(pk=response.pk).update(answered_at=when)

    # Earlier answers from the survey tool the company used before (NPS after deliveries,
    # CES after web orders), over twelve weeks, a little worse in the last three.
    for _ in range(500):
        days_ago = rng.uniform(0, 84)
        worse = days_ago < 21
        customer = rng.choice(people)
        if rng.random() < 0.7:
            kind = "nps"
            score = rng.choice([2, 5, 6, 7, 8, 9, 10] if worse else [5, 7, 8, 9, 9, 10, 10])
        else:
            kind = "ces"
            score = rng.choice([2, 3, 4, 5, 6] if worse else [1, 2, 2, 3, 4])
        voice.record_feedback(
            text="",
            source="survey",
            score_kind=kind,
            score=score,
            customer=customer,
            created_at=now - timedelta(days=days_ago),
        )
    # Feedback over twelve weeks: what customers wrote and what staff heard.
    for _ in range(700):
        language = rng.choice(["en", "ru", "lt", "sl", "hi"])
        _sentiment, said = rng.choice(comments[language])
        customer = rng.choice(by_language.get(language) or people)
        when = now - timedelta(days=rng.uniform(7, 84))
        source = rng.choice(["employee", "employee", "customer", "email"])
        voice.record_feedback(
            text=said,
            source=source,
            actor=rng.choice(staff) if source == "employee" else None,
            customer=customer,
            created_at=when,
        )
    # Last week: the courier company changed and delivery complaints pile up.
    delivery = [
        (language, t)
        for language, rows in comments.items()
        for s, t in rows
        if s == "neg"
        and any(
            w in t.casefold()
            for w in (
                "courier",
                "курьер",
                "kurjer",
                "kurir",
                "कूरियर",
                "deliver",
                "достав",
                "pristat",
                "dostav",
                "डिलीवरी",
            )
        )
    ]
    for _ in range(60):
        language, said = rng.choice(delivery)
        voice.record_feedback(
            text=said,
            source=rng.choice(["employee", "customer"]),
            customer=rng.choice(by_language.get(language) or people),
            created_at=now - timedelta(days=rng.uniform(0, 6.5)),
        )
    # Staff reviewed some tags; the classifier learns from them.
    reviewer = org["people"]["manager"].user
    for item in FeedbackItem.objects.exclude(text="").order_by("?")[:120]:
        voice.confirm(item=item, actor=reviewer)
    voice.train_classifier()
    AlertSubscription.objects.get_or_create(user=reviewer, theme=None)
    voice_selectors.rebuild_all_rollups()
    voice.detect_trends(now=now)
    voice.make_digest()
