"""Retention: closed requests, their messages and feedback older than the period are
anonymised by the worker; the privacy page says what the next run will remove."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from clientfocus.core.scheduler import periodic_jobs
from clientfocus.customers.privacy import apply_retention, retention_preview, set_retention
from clientfocus.customers.tasks import apply_retention_task
from clientfocus.mail.models import InboundMail
from clientfocus.notify.models import DeliveryState, Notification
from clientfocus.service.models import Message, Request, State
from clientfocus.service.services import change_state, open_request
from clientfocus.voice import services as voice
from clientfocus.voice.models import FeedbackItem, Source


@pytest.fixture
def aged(company, held):
    """The held customer's request closed 400 days ago, one closed yesterday, one open."""
    long_ago = timezone.now() - timedelta(days=400)
    old = held["request"]
    for state in (State.RESOLVED, State.CLOSED):
        change_state(request=old, actor=company.agent, state=state, now=long_ago)
    recent = open_request(actor=company.agent, subject="Naujas šaldytuvas", body="Ačiū",
                          customer=company.customer, queue=company.care_queue)  # fmt: skip
    for state in (State.RESOLVED, State.CLOSED):
        change_state(request=recent, actor=company.agent, state=state)
    still_open = open_request(actor=company.agent, subject="Senas reikalas", body="Laukiu",
                              customer=company.customer, queue=company.care_queue)  # fmt: skip
    Request.objects.filter(pk=still_open.pk).update(created_at=long_ago)
    FeedbackItem.objects.update(created_at=long_ago)
    voice.record_feedback(text="Greitai pristatė", source=Source.EMPLOYEE, actor=company.agent,
                          customer=company.customer)  # fmt: skip
    Notification.objects.update(created_at=long_ago, state=DeliveryState.SENT)
    InboundMail.objects.update(received_at=long_ago)
    return {"old": old, "recent": recent, "open": still_open}


def test_off_by_default_and_nothing_is_removed(company, aged):
    assert retention_preview() == []
    assert apply_retention() == {}
    assert Request.objects.get(pk=aged["old"].pk).subject == "Šaldytuvas"


def test_the_worker_anonymises_what_is_older_than_the_period(company, aged):
    set_retention(365, actor=company.admin)
    preview = {p.label: p.count for p in retention_preview()}
    assert preview["closed requests and their messages"] == 1
    assert preview["feedback comments"] == 1
    assert preview["incoming e-mails"] == 1
    assert preview["notifications sent"] >= 1

    result = apply_retention_task.call()

    assert result["closed requests and their messages"] == 1
    old, recent, still_open = (
        Request.objects.get(pk=aged[k].pk) for k in ("old", "recent", "open")
    )
    assert old.subject == "[removed]" and old.state == State.CLOSED and old.closed_at
    assert set(Message.objects.filter(request=old).values_list("body_text", flat=True)) == {
        "[removed]"
    }
    # Closed yesterday, or still open however old: kept.
    assert recent.subject == "Naujas šaldytuvas" and still_open.subject == "Senas reikalas"
    texts = set(FeedbackItem.objects.values_list("text", flat=True))
    assert texts == {"[removed]", "Greitai pristatė"}
    assert InboundMail.objects.get().subject == "[removed]"
    # The next run has nothing left to do, and says so.
    assert all(p.count == 0 for p in retention_preview())
    assert sum(apply_retention().values()) == 0


def test_retention_runs_daily_on_the_worker():
    job = next(j for j in periodic_jobs if j.name == "customers.retention")
    assert job.every_seconds == 24 * 3600


def test_the_privacy_page_sets_the_period_and_shows_the_next_run(company, aged, web_as):
    web = web_as(company.admin)
    page = web.get("/customers/privacy/").content.decode()
    assert 'data-testid="pending-off"' in page
    bad = web.post("/customers/privacy/", {"days": "7"}).content.decode()
    assert "30 to 36500 days" in bad
    web.post("/customers/privacy/", {"days": "365"})
    page = web.get("/customers/privacy/").content.decode()
    assert 'data-testid="pending"' in page and "closed requests and their messages" in page
    assert (timezone.now() - timedelta(days=400)).strftime("%Y-%m-%d") in page  # oldest


def test_the_api_and_the_command_line(company, aged, api_as):
    api = api_as(company.admin)
    assert api.put("/api/privacy/retention", {"days": 5}).status_code == 422
    assert api.put("/api/privacy/retention", {"days": -1}).status_code == 422
    answer = api.put("/api/privacy/retention", {"days": 365})
    assert answer.status_code == 200
    pending = {p["what"]: p["count"] for p in answer.json()["next_run_removes"]}
    assert pending["closed requests and their messages"] == 1
    assert api_as(company.manager).get("/api/privacy/retention").status_code == 403
    out = StringIO()
    call_command("privacy", "retention", "--run", stdout=out)
    assert "next run removes 1 closed requests and their messages" in out.getvalue()
    assert "removed: 1 closed requests and their messages" in out.getvalue()
    assert api.get("/api/privacy/retention").json()["last_run_removed"]
    with pytest.raises(CommandError, match="30 to 36500"):
        call_command("privacy", "retention", "--days", "3")
