"""Sanitising user HTML; the scheduler enqueues each slot once; the worker runs the sweep."""

from __future__ import annotations

import pytest

from clientfocus.core.html import sanitise_html, text_to_html
from clientfocus.core.models import ScheduledSlot
from clientfocus.core.scheduler import PeriodicJob, claim_and_enqueue


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p style="background:url(javascript:alert(1))" onclick="x()">hi</p>',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_no_script_survives(dirty):
    clean = sanitise_html(dirty)
    assert "script" not in clean.lower() and "onerror" not in clean and "javascript:" not in clean
    assert "onclick" not in clean and "iframe" not in clean


def test_formatting_and_links_survive():
    clean = sanitise_html('<p><b>Bold</b> <a href="https://example.com">link</a></p>')
    assert "<b>Bold</b>" in clean and 'href="https://example.com"' in clean and "noopener" in clean


def test_text_keeps_lines_and_escapes():
    assert text_to_html("Hi <b>\nthere\n\nBye") == "<p>Hi &lt;b&gt;<br>there</p><p>Bye</p>"


def test_each_slot_is_enqueued_once(db):
    runs = []
    job = PeriodicJob("test.job", 60, lambda: runs.append(1))
    assert claim_and_enqueue(job, now_ts=600.0) is True
    assert claim_and_enqueue(job, now_ts=630.0) is False  # same minute
    assert claim_and_enqueue(job, now_ts=660.0) is True
    assert runs == [1, 1]
    assert ScheduledSlot.objects.filter(job="test.job").count() == 2


def test_pruning_drops_old_slots_only(db):
    from datetime import timedelta

    from django.utils import timezone

    from clientfocus.core.scheduler import prune_slots

    ScheduledSlot.objects.create(job="old", slot=1, enqueued_at=timezone.now() - timedelta(days=3))
    ScheduledSlot.objects.create(job="new", slot=2)
    prune_slots()
    assert list(ScheduledSlot.objects.values_list("job", flat=True)) == ["new"]
