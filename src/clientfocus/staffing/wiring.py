"""What staffing adds to the apps below it: on the agent's queue, how long each live
contact (phone, chat) has waited against its tier's answer-time target (S4).
Wired in ``StaffingConfig.ready()``."""

from __future__ import annotations

from django.utils import timezone

from clientfocus.service.extensions import queue_annotators
from clientfocus.staffing.models import QueueStaffing
from clientfocus.staffing.services import answer_targets


def mark_live_waits(requests: list) -> None:
    """Live contacts nobody has answered yet get ``live_wait``: waited, target, over."""
    waiting = [r for r in requests if r.state == "new" and r.first_responded_at is None]
    if not waiting:
        return
    queue_ids = {r.queue_id for r in waiting}
    channels = {
        s.queue_id: set(s.channel_list)
        for s in QueueStaffing.objects.filter(queue_id__in=queue_ids)
    }
    targets = answer_targets(queue_ids)
    now = timezone.now()
    for r in waiting:
        if r.channel in channels.get(r.queue_id, ()):
            target = targets.get((r.queue_id, r.tier_id))
            waited = int((now - r.created_at).total_seconds())
            r.live_wait = {
                "waited": f"{waited // 60}:{waited % 60:02d}",
                "target": f"{target // 60}:{target % 60:02d}" if target is not None else "",
                "over": target is not None and waited > target,
            }


def wire() -> None:
    queue_annotators.contribute("staffing.live_waits", mark_live_waits)
